import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { GlobalConfig, ProjectConfig } from 'jest';
import { cephS3 } from './ceph';
import type { StartedService, TestService } from './service';

/** Every shared test server, in start order. Add a service here (e.g. a registry). */
export const SERVICES: readonly TestService[] = [cephS3];

const TEST_FILE = /\.(spec|test)\.ts$/;

/**
 * Whether this run includes a test file that uses `service`: always for a run without a path
 * filter (the full suite); else only when a file that matches the filter uses it, so that
 * `npx jest shared/index` does not pay for Ceph.
 */
export async function isNeeded(service: TestService, globalConfig: GlobalConfig, projectConfig: ProjectConfig): Promise<boolean> {
  const patterns = globalConfig.testPathPatterns;
  if (!patterns?.isSet?.()) return true;
  const matcher = patterns.toExecutor({ rootDir: globalConfig.rootDir });
  for (const root of projectConfig.roots) {
    for (const file of await testFiles(root)) {
      if (!matcher.isMatch(file)) continue;
      if (service.usedBy.test(await fs.readFile(file, 'utf8'))) return true;
    }
  }
  return false;
}

async function testFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await testFiles(full)));
    else if (TEST_FILE.test(entry.name)) files.push(full);
  }
  return files;
}

/**
 * What global-setup started, for global-teardown. Both run in jest's main process; jest keeps
 * globals between the two (not necessarily modules), hence globalThis.
 */
const holder = globalThis as { __ccpStartedTestServices?: StartedService[] };
export const started: StartedService[] = (holder.__ccpStartedTestServices ??= []);

/** Stops everything started, newest first. */
export async function stopAll(): Promise<void> {
  while (started.length > 0) await started.pop()!.stop();
}
