import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../shared/config/config';
import { createFunctionContext } from '../../shared/function/context';
import type { FunctionContext } from '../../shared/function/types';
import type { ImageState } from '../../shared/reports/image-state';
import type { RepoUsage } from '../../functions/scan/scanners/rpm-updates';
import { imageStateKey } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';
import { silentLogger } from '../../shared/log/logger';
import { buildRpms, createRepo, type TestRpm } from '../scan-support/rpm-build';

/** The base URL images configure; tests rewrite it to the local server (the scanners' rewrites). */
export const MIRROR = 'http://mirror.example.org/';

/** A yum repository folder whose packages a test adds and removes, with createrepo_c. */
export class TestYumRepo {
  constructor(
    readonly dir: string,
    private readonly buildDir: string,
  ) {}

  /** Builds `rpms` and refreshes the metadata (`createrepo_c --update` after the first time). */
  async add(rpms: TestRpm[]): Promise<void> {
    const built = await buildRpms(path.join(this.buildDir, `build-${Date.now()}-${Math.random().toString(16).slice(2)}`), rpms);
    await mkdir(this.dir, { recursive: true });
    for (const file of built) await copyFile(file, path.join(this.dir, path.basename(file)));
    await createRepo(this.dir, { update: true });
  }

  /** Deletes a package file (`name-version-release.noarch.rpm`) and refreshes the metadata. */
  async remove(file: string): Promise<void> {
    await rm(path.join(this.dir, file));
    await createRepo(this.dir, { update: true });
  }
}

/** An `extra.repos` entry as the rpm-updates scanner writes it. */
export function repoUsage(id: string, baseurl: string): RepoUsage {
  return { id, name: id, file: `/etc/yum.repos.d/${id}.repo`, enabled: true, baseurls: [baseurl], status: 'ok', baseurl };
}

/** Stores `state/images/<app>/<job>/<tag>.json` for an image that uses `repos`. */
export async function writeImageWithRepos(store: ObjectStore, name: string, repos: unknown[]): Promise<void> {
  const [appId, rest] = name.split('/');
  const [jobId, desiredTag] = rest.split(':');
  const project = { appId, jobId, desiredTag };
  const state: ImageState = {
    format: 'ccp.image-state/v1',
    project,
    image: { ref: `127.0.0.1:5000/${appId}/${jobId}:${desiredTag}`, digest: 'sha256:feed' },
    lastScan: {
      scanId: 'scan-1',
      at: '2026-03-01T10:00:00.000Z',
      verdict: 'clean',
      counts: { high: 0, medium: 0, low: 0, info: 0 },
      reports: { json: 'j', html: 'h', sbom: 's' },
    },
    packages: [],
    repos,
  };
  await store.put(imageStateKey(project), JSON.stringify(state));
}

/** A function context on `store` whose URL rewrites send {@link MIRROR} to `target`. */
export async function contextRewriting(store: ObjectStore, dataDir: string, target: string): Promise<FunctionContext> {
  const config = loadConfig({ dataDir }, { CCP_SCAN_URL_REWRITES: `${MIRROR}=>${target}/`, CCP_SCAN_REQUEST_TIMEOUT_MS: '5000' });
  return createFunctionContext(config, silentLogger, { store, projects: [] });
}
