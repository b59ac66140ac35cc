import path from 'node:path';
import type { Config } from '../config/config';
import { RepoCache } from '../git/repo-cache';
import { imageName, type ProjectEntry, type ProjectRef } from '../index/types';
import type { Logger } from '../log/logger';
import { createStore } from '../store/create-store';
import type { ObjectStore } from '../store/types';
import type { FunctionContext } from './types';

/** How long a function trusts the index it loaded before it reads it again. */
const INDEX_TTL_MS = 60_000;

export interface ContextOptions {
  /** Entries known up front (`ccp run` has loaded the index already); else `config.index` is read. */
  projects?: readonly ProjectEntry[];
  /** An object store made elsewhere; else one is made from `config.store`. */
  store?: ObjectStore;
}

/**
 * The context every handler of this process shares: configuration, the object store, a git
 * cache under the work folder, and index lookups (cached for a minute, so a function that
 * runs for hours still sees index changes).
 */
export async function createFunctionContext(config: Config, log: Logger, options: ContextOptions = {}): Promise<FunctionContext> {
  const store = options.store ?? (await createStore(config));
  const repos = new RepoCache(path.join(config.workDir, 'git'));
  let cached: { at: number; byName: Map<string, ProjectEntry>; list: readonly ProjectEntry[] } | null = options.projects
    ? { at: Infinity, byName: byName(options.projects), list: options.projects }
    : null;
  const none = { byName: new Map<string, ProjectEntry>(), list: [] as readonly ProjectEntry[] };

  async function entries(): Promise<{ byName: Map<string, ProjectEntry>; list: readonly ProjectEntry[] }> {
    if (cached && Date.now() - cached.at < INDEX_TTL_MS) return cached;
    if (!config.index) return none;
    // The index loader (yaml, git) is required the first time an entry is looked up, not at start.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadIndex } = require('../index/load') as typeof import('../index/load');
    const index = await loadIndex(config.index.location, { branch: config.index.branch, workDir: config.workDir });
    if (index.errors.length > 0) log.warn('index has errors', { errors: index.errors.length, location: config.index.location });
    cached = { at: Date.now(), byName: byName(index.projects), list: index.projects };
    return cached;
  }

  return {
    config,
    store,
    log,
    repos,
    async findEntry(ref: ProjectRef) {
      return (await entries()).byName.get(imageName(ref)) ?? null;
    },
    async listProjects() {
      return (await entries()).list;
    },
  };
}

function byName(projects: readonly ProjectEntry[]): Map<string, ProjectEntry> {
  return new Map(projects.map((entry) => [imageName(entry), entry]));
}
