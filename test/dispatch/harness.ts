import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CloudEvent } from 'cloudevents';
import { TEST_CHAOS } from '../crash/chaos';
import { startServedRuntime, type ServedRuntime } from '../../cli/runtime';
import { removeStorage } from '../../functions/build/builders/local';
import type { RegistryAccess } from '../../shared/builds/builder-types';
import type { BuildRecord } from '../../shared/builds/types';
import { loadConfig } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type BuildRequestedData } from '../../shared/events/contracts/build-requested';
import { type NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import { createLocalRepo, type LocalRepo } from '../../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';

export const exec = promisify(execFile);

/** The embedded runtime with a real git repository, a real registry and what the dispatcher made, recorded. */
export interface DispatchWorld {
  dir: string;
  repo: LocalRepo;
  served: ServedRuntime;
  registry: string;
  /** The registry's address and login (the runtime's registry asks for one), for pushes from the test. */
  registryAccess: RegistryAccess;
  /** Every build.requested the dispatcher emitted, in order. */
  requested: BuildRequestedData[];
  completed: BuildCompletedData[];
  notices: NoticeRequestedData[];
  /** Builds that started running, by project, in order. */
  started: string[];
  entry(jobId: string, overrides?: Partial<ProjectEntry>): ProjectEntry;
  publish(event: CloudEvent<unknown>): Promise<void>;
  record(name: string, buildId: string): Promise<BuildRecord>;
  /** Forgets what was recorded so far (requests, completions, notices, starts). */
  forget(): void;
  close(): Promise<void>;
}

/**
 * Starts the runtime on `projects(repoUrl)` (preset as the index), with `files` committed to
 * a new repository and `test/busybox:latest` in the registry.
 */
export async function startWorld(
  files: Record<string, string>,
  projects: (entry: DispatchWorld['entry']) => ProjectEntry[],
  env: Record<string, string> = {},
  indexUrl?: (dir: string) => Promise<string>,
): Promise<DispatchWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-dispatch-'));
  const repo = await createLocalRepo('main', path.join(dir, 'repo'));
  await repo.commit(files, 'projects');
  const entry = (jobId: string, overrides: Partial<ProjectEntry> = {}): ProjectEntry => ({
    id: 1,
    appId: 'tests',
    jobId,
    gitUrl: repo.url,
    gitBranch: 'main',
    gitPath: jobId,
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: ['tests@example.com'],
    buildContext: './',
    dependsOn: [],
    source: { file: 'index.d/tests.yaml', line: 2 },
    ...overrides,
  });
  const location = indexUrl ? await indexUrl(dir) : undefined;
  const config = loadConfig(
    { dataDir: path.join(dir, 'data') },
    { CCP_DISPATCH_COALESCE_MS: '1000', CCP_CHAOS: TEST_CHAOS, ...(location ? { CCP_INDEX: location, CCP_INDEX_BRANCH: 'main' } : {}), ...env },
  );
  const served = await startServedRuntime(config, silentLogger, { port: 0, projects: projects(entry) });
  const registry = served.runtime.registry!.address;
  const registryAccess = served.runtime.registry!.access;
  await pushBaseImage(BUSYBOX_IMAGE, { ref: 'test/busybox:latest', registry: registryAccess });
  const world: DispatchWorld = {
    dir,
    repo,
    served,
    registry,
    registryAccess,
    requested: [],
    completed: [],
    notices: [],
    started: [],
    entry,
    async publish(event) {
      await served.runtime.broker.publish(event);
      await served.runtime.broker.idle();
    },
    async record(name, buildId) {
      const [appJob, tag] = name.split(':');
      const stored = await served.runtime.context.store.get(`state/builds/${appJob}/${tag}/${buildId}.json`);
      return JSON.parse(stored!.body.toString('utf8')) as BuildRecord;
    },
    forget() {
      for (const list of [world.requested, world.completed, world.notices, world.started]) list.length = 0;
    },
    async close() {
      await served.close();
      await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
      await rm(dir, { recursive: true, force: true });
    },
  };
  // The broker delivers at least once (and, under CCP_CHAOS, twice at times): the test sees each
  // event once, by source + id, as its receivers do.
  const seen = new Set<string>();
  served.runtime.broker.on('delivered', ({ emitted }) => {
    for (const event of emitted) {
      const identity = `${event.source}\n${event.id}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      if (event.type === EventTypes.buildRequested && event.source === '/ccp/dispatch') world.requested.push(event.data as BuildRequestedData);
      if (event.type === EventTypes.buildCompleted) world.completed.push(event.data as BuildCompletedData);
      if (event.type === EventTypes.noticeRequested) world.notices.push(event.data as NoticeRequestedData);
    }
  });
  served.runtime.builds.onProgress((progress) => progress.kind === 'started' && world.started.push(progress.project));
  return world;
}

/** The names of `requests`, in order. */
export function names(requests: readonly { project: { appId: string; jobId: string; desiredTag: string } }[]): string[] {
  return requests.map((request) => imageName(request.project));
}
