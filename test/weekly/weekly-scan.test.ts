import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { createFunctionContext } from '../../shared/function/context';
import { recordingFunction } from '../support/test-functions';
import { scanFunction } from '../../functions/scan';
import { IMAGE_ABSENT } from '../../functions/scan/scan-image';
import type { FunctionContext } from '../../shared/function/types';
import { weeklyScanFunction } from '../../functions/weekly-scan';
import { createWeeklyScanHandler, type Clock } from '../../functions/weekly-scan';
import { loadConfig } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { validateEvent } from '../../shared/events/validate';
import { type ScanCompletedData } from '../../shared/events/contracts/scan-completed';
import { type ScanRequestedData } from '../../shared/events/contracts/scan-requested';
import { type WeeklyTickData } from '../../shared/events/contracts/tick-weekly';
import { makeImage } from '../support/images/make-image';
import type { ProjectEntry } from '../../shared/index/types';
import { createLogger, silentLogger, type Logger } from '../../shared/log/logger';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { loadTriggers } from '../../shared/runtime/load-triggers';
import { FsObjectStore } from '../../shared/store/fs-store';

const EVENTING = path.join(__dirname, '__fixtures__', 'eventing');
const START = Date.parse('2026-03-07T23:00:00.000Z');

function entry(id: number, jobId: string): ProjectEntry {
  return {
    id,
    appId: 'team',
    jobId,
    gitUrl: `https://example.org/${jobId}.git`,
    gitBranch: 'main',
    gitPath: '.',
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: ['team@example.com'],
    buildContext: './',
    dependsOn: [],
    source: { file: 'team.yaml', line: id },
  } as ProjectEntry;
}

/** Three images in the index; the registry has `api` and `web`, not `gone`. */
const ENTRIES = [entry(1, 'web'), entry(2, 'gone'), entry(3, 'api')];

/** A clock that moves only when slept on, recording each wait. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = START;
  const sleeps: number[] = [];
  return { sleeps, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
}

/** A tick as the gateway makes it from a PingSource's ping: its id and time are the scheduled time. */
const weeklyTick = (id: string): CloudEvent<unknown> => makeEvent(EventTypes.tickWeekly, {}, { source: '/ccp/gateway', id, time: id.slice('weekly/'.length) });

describe('weekly rescan against a real registry', () => {
  let dir: string;
  let registry: LocalRegistry;
  const digests: Record<string, string> = {};

  async function contextWith(
    rate: number,
    store = new FsObjectStore(path.join(dir, `store-${Math.random().toString(16).slice(2)}`)),
    log: Logger = silentLogger,
  ): Promise<FunctionContext> {
    const config = loadConfig({ dataDir: dir, registry: registry.address }, { CCP_WEEKLY_SCAN_RATE: String(rate) });
    return createFunctionContext(config, log, { store, projects: ENTRIES });
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-weekly-'));
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
    const rootfs = path.join(dir, 'rootfs');
    await mkdir(path.join(rootfs, 'etc'), { recursive: true });
    await writeFile(path.join(rootfs, 'etc', 'motd'), 'hello\n');
    for (const name of ['web', 'api']) digests[name] = (await makeImage({ rootfs, ref: `team/${name}:latest`, registry: registry.address })).digest;
  }, 30_000);

  afterAll(async () => {
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks a scan of every image, each present one with its digest, and the scan function reports the absent one', async () => {
    const context = await contextWith(60);
    const events = await createWeeklyScanHandler({ clock: fakeClock() })(weeklyTick('weekly/2026-03-07T23:00:00Z'), context);
    for (const event of events) validateEvent(event);
    const image = (job: string, digest?: string): ScanRequestedData['image'] => ({
      ref: `${registry.address}/team/${job}:latest`,
      ...(digest ? { digest } : {}),
    });
    // Three images fit in one chunk at 60 a minute: no continuation.
    expect(events.map((event) => [event.type, event.id, event.source, event.data])).toEqual([
      [
        EventTypes.scanRequested,
        'weekly/weekly/2026-03-07T23:00:00Z/team/api:latest',
        '/ccp/weekly-scan',
        { project: { appId: 'team', jobId: 'api', desiredTag: 'latest' }, image: image('api', digests.api), reason: 'weekly' },
      ],
      [
        EventTypes.scanRequested,
        'weekly/weekly/2026-03-07T23:00:00Z/team/gone:latest',
        '/ccp/weekly-scan',
        { project: { appId: 'team', jobId: 'gone', desiredTag: 'latest' }, image: image('gone'), reason: 'weekly' },
      ],
      [
        EventTypes.scanRequested,
        'weekly/weekly/2026-03-07T23:00:00Z/team/web:latest',
        '/ccp/weekly-scan',
        { project: { appId: 'team', jobId: 'web', desiredTag: 'latest' }, image: image('web', digests.web), reason: 'weekly' },
      ],
    ]);
    // The real scan function, given the absent image's request, finds no image either and says so.
    const [answer] = await scanFunction.handle(events[1]!, context);
    const notice = answer!.data as ScanCompletedData;
    expect([answer!.type, answer!.source, notice.project]).toEqual([
      EventTypes.scanCompleted,
      '/ccp/scan',
      { appId: 'team', jobId: 'gone', desiredTag: 'latest' },
    ]);
    expect(Object.values(notice.scanners).length).toBeGreaterThan(0);
    expect(new Set(Object.values(notice.scanners).map((scanner) => `${scanner.status}: ${scanner.reason}`))).toEqual(new Set([`skipped: ${IMAGE_ABSENT}`]));
    const report = JSON.parse((await context.store.get(notice.reports.json))!.body.toString()) as { verdict: string; reason: string };
    expect([report.verdict, report.reason]).toEqual(['skipped', IMAGE_ABSENT]);
    // Handled again (a retry after a lost reply): the same ids, which every receiver drops.
    const again = await createWeeklyScanHandler({ clock: fakeClock() })(weeklyTick('weekly/2026-03-07T23:00:00Z'), context);
    expect(again.map((event) => `${event.source} ${event.id}`).sort()).toEqual(events.map((event) => `${event.source} ${event.id}`).sort());
  });

  it('scans nothing twice for a redelivered tick, through the embedded broker', async () => {
    // The broker delivers at least once and drops nothing (as Knative's): the weekly function
    // emits the same events for the same tick, and the real scan function is the receiver that
    // deduplicates them, answering a request it has the reports of without scanning again.
    const store = new FsObjectStore(path.join(dir, 'store-broker'));
    const lines: Array<Record<string, unknown>> = [];
    const context = await contextWith(
      60,
      store,
      createLogger({ level: 'info', write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) }),
    );
    const notify = recordingFunction('notify', [EventTypes.scanCompleted]);
    const weekly = { ...weeklyScanFunction, handle: createWeeklyScanHandler({ clock: fakeClock() }) };
    const broker = new InProcessBroker({
      routes: await loadTriggers(EVENTING),
      functions: [weekly, scanFunction, notify],
      context,
      store,
      logger: silentLogger,
    });
    const tick = weeklyTick('weekly/2026-03-14T23:00:00Z');
    for (let delivery = 0; delivery < 3; delivery += 1) {
      await broker.publish(tick);
      await broker.idle();
    }
    // The scan handler's closing line (the absent image's request is scanned, and found absent, too).
    const scanned = (): string[] =>
      lines
        .filter((line) => line.msg === 'scanned' && 'verdict' in line)
        .map((line) => String(line.project))
        .sort();
    expect(scanned()).toEqual(['team/api:latest', 'team/gone:latest', 'team/web:latest']);
    expect(
      lines
        .filter((line) => line.msg === 'already scanned; answering from its reports')
        .map((line) => String(line.project))
        .sort(),
    ).toEqual(['team/api:latest', 'team/api:latest', 'team/gone:latest', 'team/gone:latest', 'team/web:latest', 'team/web:latest']);
    // What notify gets is one event per image, however often: the same source and id, which it mails once.
    const completions = new Map(notify.received.map((event) => [`${event.source} ${event.id}`, (event.data as ScanCompletedData).project.jobId]));
    expect([...completions.values()].sort()).toEqual(['api', 'gone', 'web']);
    expect(notify.received.length).toBeGreaterThan(completions.size);
    // The next week's tick scans again.
    await broker.publish(weeklyTick('weekly/2026-03-21T23:00:00Z'));
    await broker.idle();
    expect(scanned()).toEqual(['team/api:latest', 'team/api:latest', 'team/gone:latest', 'team/gone:latest', 'team/web:latest', 'team/web:latest']);
  });

  it('paces the images in chunks at the configured rate, each chunk waiting for its window', async () => {
    const store = new FsObjectStore(path.join(dir, 'store-paced'));
    const context = await contextWith(6, store);
    const clock = fakeClock();
    // When each chunk is let out: the clock as the weekly handler returns its scan requests, not when the broker gets round to delivering them, which can
    // come after the next chunk's handler has already slept.
    const started: { job: string; at: number }[] = [];
    const scan = recordingFunction('scan', [EventTypes.scanRequested]);
    const notify = recordingFunction('notify', [EventTypes.scanCompleted]);
    const weeklyHandler = createWeeklyScanHandler({ clock });
    const ticks: WeeklyTickData[] = [];
    const weekly = {
      ...weeklyScanFunction,
      handle: async (event: CloudEvent<unknown>, ctx: FunctionContext) => {
        ticks.push((event.data ?? {}) as WeeklyTickData);
        const emitted = await weeklyHandler(event, ctx);
        for (const out of emitted) {
          if (out.type === EventTypes.scanRequested) started.push({ job: (out.data as ScanRequestedData).project.jobId, at: clock.now() });
        }
        return emitted;
      },
    };
    const broker = new InProcessBroker({ routes: await loadTriggers(EVENTING), functions: [weekly, scan, notify], context, store, logger: silentLogger });
    await broker.publish(weeklyTick('weekly/2026-03-28T23:00:00Z'));
    await broker.idle();
    // 6 a minute: one image every 10 s, in image-name order, the first at once.
    expect(started).toEqual([
      { job: 'api', at: START },
      { job: 'gone', at: START + 10_000 },
      { job: 'web', at: START + 20_000 },
    ]);
    expect(clock.sleeps).toEqual([10_000, 10_000]);
    // Every image's scan is requested, the absent one's too; the (recording) scan function answers nothing.
    expect(scan.received.map((event) => (event.data as ScanRequestedData).project.jobId).sort()).toEqual(['api', 'gone', 'web']);
    expect(notify.received).toEqual([]);
    expect(ticks).toEqual([
      {},
      { tick: 'weekly/2026-03-28T23:00:00Z', offset: 1, notBefore: new Date(START + 10_000).toISOString() },
      { tick: 'weekly/2026-03-28T23:00:00Z', offset: 2, notBefore: new Date(START + 20_000).toISOString() },
    ]);
  });
});
