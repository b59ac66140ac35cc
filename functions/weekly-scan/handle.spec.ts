import { loadConfig } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type ScanRequestedData } from '../../shared/events/contracts/scan-requested';
import type { ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { imageRefFor } from '../../shared/index/image-spec';
import { createFunctionContext } from '../../shared/function/context';
import { createWeeklyScanHandler } from './handle';

const REGISTRY = 'registry.example.org:5000';
const DIGEST = `sha256:${'a'.repeat(64)}`;

function entry(id: number, appId: string, jobId: string): ProjectEntry {
  return {
    id,
    appId,
    jobId,
    gitUrl: `https://example.org/${jobId}.git`,
    gitBranch: 'main',
    gitPath: '.',
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: ['team@example.com'],
    buildContext: './',
    dependsOn: [],
    source: { file: 'index.yaml', line: id },
  } as ProjectEntry;
}

describe('weekly-scan: the images it asks about and the scans it requests', () => {
  it.each([
    ['a library image, pushed without a namespace', entry(1, 'library', 'nginx'), `${REGISTRY}/nginx:latest`],
    ['an app image, pushed as <app-id>/<job-id>', entry(2, 'team', 'api'), `${REGISTRY}/team/api:latest`],
  ])('%s', async (_case, project, expected) => {
    const asked: string[] = [];
    const context = await createFunctionContext(loadConfig({ dataDir: '/nonexistent', registry: REGISTRY }, {}), silentLogger, {
      store: new TempObjectStore(),
      projects: [project],
    });
    const handler = createWeeklyScanHandler({ presence: async (ref) => (asked.push(ref), { digest: DIGEST }) });
    const events = await handler(
      makeEvent(EventTypes.tickWeekly, {}, { source: '/ccp/gateway', id: 'weekly/2026-03-07T23:00:00Z', time: '2026-03-07T23:00:00Z' }),
      context,
    );
    const data = events[0].data as ScanRequestedData;
    // The name the build pushes, the only one the scan function takes as the project's own image.
    expect([asked, data.image.ref, imageRefFor(REGISTRY, data.project)]).toEqual([[expected], expected, expected]);
  });

  it.each([
    ['present: the digest the registry has, so the scan reads exactly that', { digest: DIGEST }, { ref: `${REGISTRY}/team/api:latest`, digest: DIGEST }],
    ['absent: no digest, and the scan function reports the absence', null, { ref: `${REGISTRY}/team/api:latest` }],
  ])('requests a weekly scan of an image %s', async (_case, found, image) => {
    const context = await createFunctionContext(loadConfig({ dataDir: '/nonexistent', registry: REGISTRY }, {}), silentLogger, {
      store: new TempObjectStore(),
      projects: [entry(2, 'team', 'api')],
    });
    const handler = createWeeklyScanHandler({ presence: async () => found });
    const events = await handler(makeEvent(EventTypes.tickWeekly, {}, { source: '/ccp/gateway', id: 'weekly/2026-03-07T23:00:00Z' }), context);
    expect(events.map((event) => [event.type, event.source, event.id, event.data])).toEqual([
      [
        EventTypes.scanRequested,
        '/ccp/weekly-scan',
        'weekly/weekly/2026-03-07T23:00:00Z/team/api:latest',
        { project: { appId: 'team', jobId: 'api', desiredTag: 'latest' }, image, reason: 'weekly' },
      ],
    ]);
  });

  it('emits the same events, time included, for a redelivered tick', async () => {
    const context = await createFunctionContext(loadConfig({ dataDir: '/nonexistent', registry: REGISTRY }, {}), silentLogger, {
      store: new TempObjectStore(),
      projects: [entry(2, 'team', 'api')],
    });
    const handler = createWeeklyScanHandler({ presence: async () => ({ digest: DIGEST }) });
    const tick = makeEvent(EventTypes.tickWeekly, {}, { source: '/ccp/gateway', id: 'weekly/2026-03-07T23:00:00Z', time: '2026-03-07T23:00:00.000Z' });
    const [first, again] = [await handler(tick, context), await handler(tick, context)];
    const key = (events: typeof first) => events.map((event) => [event.source, event.id, event.time, event.data]);
    expect(key(again)).toEqual(key(first));
    expect(first.map((event) => event.time)).toEqual(['2026-03-07T23:00:00.000Z']);
  });
});
