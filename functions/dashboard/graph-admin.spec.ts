import { rm } from 'node:fs/promises';
import { deadLetterRecord, storeDeadLetter } from '../../shared/runtime/dead-letter';
import { ValidationError } from '../../shared/errors/validation-error';
import { packageRoot } from '../../shared/config/package-root';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { repoStateKey } from '../../shared/store/keys';
import { buildRequested } from '../../test/support/test-functions';
import { ENTRIES, HOSTILE, INDEX, writeScenario } from './__fixtures__/scenario';
import { readDeadLetters, readRepoTracker } from './admin-model';
import { renderAdminPage } from './admin-page';
import { layOut, readGraphShape, readStatuses } from './graph-model';
import { renderGraphPage } from './graph-page';
import { nextFiring, readWeeklySchedule } from './weekly-schedule';

const stores: TempObjectStore[] = [];
afterAll(() => Promise.all(stores.map((store) => rm(store.inner.root, { recursive: true, force: true }))));
function tempStore(): TempObjectStore {
  const store = new TempObjectStore();
  stores.push(store);
  return store;
}

/** `[class, name]` of every box of the graph's SVG. */
function boxes(page: string): Array<[string, string]> {
  return [...page.matchAll(/<(?:a|g)\s+class="node ([^"]+)"\s+data-name="([^"]+)"/g)].map((match) => [
    match[1]!,
    match[2]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"'),
  ]);
}

describe('the dependency graph page', () => {
  it('draws one box per project coloured by its last build, an arrow per depends-on edge, each box a link', async () => {
    const store = tempStore();
    await writeScenario(store);
    const shape = await readGraphShape(store, INDEX);
    const picture = layOut(shape, await readStatuses(store, INDEX));
    const page = renderGraphPage(picture);
    expect(boxes(page)).toEqual([
      ['graph-succeeded', 'centos/centos:7'],
      ['graph-failed', 'centos/httpd-24-centos7:latest'],
      ['graph-running', 'apps/team/web:1.0'],
      ['graph-succeeded', `evil/x:latest`],
      ['graph-never', 'tools/idle:latest'],
    ]);
    expect([...page.matchAll(/data-parent="([^"]+)"\s+data-child="([^"]+)"/g)].map((match) => `${match[1]} -> ${match[2]}`)).toEqual([
      'centos/centos:7 -> apps/team/web:1.0',
      'centos/centos:7 -> centos/httpd-24-centos7:latest',
    ]);
    expect(page).toMatch(/href="\/projects\/centos\/httpd-24-centos7\/latest"\s+aria-label="centos\/httpd-24-centos7:latest, last build failed"/);
    // The legend says each colour in words; a hostile name stays text.
    expect(page).toMatch(/<span class="swatch graph-failed" aria-hidden="true"><\/span><span class="status status-failed">failed<\/span>/);
    expect(page).not.toContain(HOSTILE);
    // Children lie right of their parent (layered, left to right).
    const x = new Map(picture.nodes.map((node) => [node.name, node.x]));
    expect([x.get('centos/httpd-24-centos7:latest')! > x.get('centos/centos:7')!, x.get('apps/team/web:1.0')! > x.get('centos/centos:7')!]).toEqual([
      true,
      true,
    ]);
  });

  it("adds the parents a Dockerfile FROM taught the dispatcher, dashed, and leaves out one that would close a loop (in the dispatcher's order: by child)", async () => {
    const store = tempStore();
    await store.put('state/graph/from-parents.json', JSON.stringify({ 'tools/idle:latest': ['apps/team/web:1.0'], 'centos/centos:7': ['tools/idle:latest'] }));
    const shape = await readGraphShape(store, INDEX);
    expect(shape.edges.map((edge) => [edge.parent, edge.child, edge.learned])).toEqual([
      ['centos/centos:7', 'apps/team/web:1.0', false],
      ['centos/centos:7', 'centos/httpd-24-centos7:latest', false],
      ['tools/idle:latest', 'centos/centos:7', true],
    ]);
    expect(renderGraphPage(layOut(shape, new Map()))).toMatch(/class="edge learned"\s+data-parent="tools\/idle:latest"/);
  });

  it('draws a depends-on parent outside the index as a box that links nowhere', async () => {
    const outside = { ...ENTRIES.idle, dependsOn: ['quay.io/other:1'] };
    const page = renderGraphPage(layOut(await readGraphShape(tempStore(), [outside]), new Map()));
    expect(boxes(page)).toEqual([
      ['graph-never', 'tools/idle:latest'],
      ['graph-external', 'quay.io/other:1'],
    ]);
  });
});

describe('the admin page', () => {
  const failure = new Error(`connect ECONNREFUSED ${HOSTILE}`);

  it('lists stored dead letters newest first with trigger, event and error, and a send-again form only when enabled', async () => {
    const store = tempStore();
    for (const [id, time] of [
      ['old-1', '2026-12-01T10:00:00.000Z'],
      ['new-2', '2026-12-02T10:00:00.000Z'],
    ] as const) {
      await storeDeadLetter(
        store,
        deadLetterRecord({
          trigger: 'build',
          functionName: 'build',
          stage: 'delivery',
          event: buildRequested(id),
          error: failure,
          attempts: 3,
          time: new Date(time),
        }),
      );
    }
    const deadLetters = await readDeadLetters(store);
    expect(deadLetters.map((letter) => [letter.record.event.id, letter.key])).toEqual([
      ['new-2', expect.stringMatching(/^deadletters\/build\/2026-12-02T10-00-00-000Z-[0-9a-f]{32}\.json$/)],
      ['old-1', expect.stringMatching(/^deadletters\/build\/2026-12-01T10-00-00-000Z-[0-9a-f]{32}\.json$/)],
    ]);
    const data = { deadLetters, repos: [], schedule: null, nextScan: null };
    const on = renderAdminPage({ ...data, resendEnabled: true });
    const off = renderAdminPage({ ...data, resendEnabled: false });
    expect([...on.matchAll(/<input type="hidden" name="key" value="([^"]+)"/g)].map((match) => match[1])).toEqual(deadLetters.map((letter) => letter.key));
    expect(on).toContain('<code>org.centos.ccp.build.requested</code>');
    expect(on).toMatch(/<span class="muted">Error:<\/span>\s+connect ECONNREFUSED &lt;script&gt;/);
    expect([off.includes('<form'), off.includes('CCP_DASHBOARD_ADMIN_TOKEN')]).toEqual([false, true]);
  });

  it('shows the repository tracker state as track-repos stores it', async () => {
    const store = tempStore();
    const state = {
      format: 'ccp.repo-state/v1',
      key: 'mirror-baseos-0123abcd',
      name: 'baseos',
      url: 'https://mirror.example.org/baseos/',
      snapshot: {
        revision: '1733',
        primaryChecksum: 'sha256:aa',
        takenAt: '2026-12-05T10:00:00.000Z',
        packages: { 'bash.x86_64': '5.1-1', 'zlib.x86_64': '1.2-3' },
      },
      lastError: 'HTTP 503',
      lastErrorAt: '2026-12-05T11:00:00.000Z',
    };
    await store.put(repoStateKey(state.key), JSON.stringify(state));
    const repos = await readRepoTracker(store);
    expect(repos).toEqual([
      {
        key: state.key,
        name: 'baseos',
        url: state.url,
        polledAt: '2026-12-05T10:00:00.000Z',
        revision: '1733',
        packages: 2,
        lastError: 'HTTP 503',
        lastErrorAt: '2026-12-05T11:00:00.000Z',
      },
    ]);
    expect(renderAdminPage({ deadLetters: [], repos, schedule: null, nextScan: null, resendEnabled: false })).toMatch(/<td class="num">2<\/td>/);
  });
});

describe('the weekly rescan schedule', () => {
  it('is read from the PingSource manifest the cluster applies', () => {
    expect(readWeeklySchedule(packageRoot())).toEqual({ source: 'ccp-weekly-rescan', cron: '0 23 * * 6', timezone: 'Etc/UTC' });
    expect(readWeeklySchedule('/nonexistent')).toBeNull();
  });

  it.each([
    ['0 23 * * 6', '2026-12-06T05:00:00.000Z', '2026-12-12T23:00:00.000Z'],
    ['0 23 * * 6', '2026-12-05T22:59:30.000Z', '2026-12-05T23:00:00.000Z'],
    ['0 23 * * 6', '2026-12-05T23:00:00.000Z', '2026-12-12T23:00:00.000Z'],
    ['*/15 * * * *', '2026-12-06T05:07:00.000Z', '2026-12-06T05:15:00.000Z'],
    ['30 1 1 * 0', '2026-12-06T05:00:00.000Z', '2026-12-13T01:30:00.000Z'],
    ['0 0 29 2 *', '2026-12-06T05:00:00.000Z', '2028-02-29T00:00:00.000Z'],
  ])('%s after %s fires at %s', (cron, now, next) => {
    expect(nextFiring({ cron, timezone: 'Etc/UTC' }, new Date(now))?.toISOString()).toBe(next);
  });

  it.each([
    ['@weekly', 'Etc/UTC'],
    ['0 23 * * sat', 'Etc/UTC'],
    ['0 24 * * 6', 'Etc/UTC'],
    ['0 23 * * 6', 'Europe/Prague'],
  ])('%s (%s) is not computed', (cron, timezone) => {
    expect(nextFiring({ cron, timezone }, new Date('2026-12-06T05:00:00.000Z'))).toBeNull();
  });
});

// A refused event is a dead letter too (not retryable): it shows as such.
it('marks a dead letter of a refused event as not retryable', async () => {
  const store = tempStore();
  const refused = new ValidationError('bad event', [{ field: 'data.project', message: 'is required' }]);
  await storeDeadLetter(
    store,
    deadLetterRecord({
      trigger: 'dispatch',
      functionName: 'dispatch',
      stage: 'delivery',
      event: buildRequested('bad-1'),
      error: refused,
      attempts: 1,
      time: new Date('2026-12-03T00:00:00.000Z'),
    }),
  );
  const page = renderAdminPage({ deadLetters: await readDeadLetters(store), repos: [], schedule: null, nextScan: null, resendEnabled: true });
  expect(page).toMatch(/<span class="muted">ValidationError:<\/span>\s+bad event: data.project: is required<br \/><span class="muted">not retryable<\/span>/);
});
