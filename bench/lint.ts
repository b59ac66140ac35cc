import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../shared/config/package-root';
import { lintDockerfile } from '../functions/lint/linter/lint';
import type { Bench, BenchResult } from './types';

/**
 * The 79 CentOS Dockerfiles in the repository; found from the package root because the bench runs
 * from `dist/bench`, which has no copy of `test/`.
 * @see ../test/__fixtures__/centos/README.md
 */
function fixtureDir(): string {
  return path.join(packageRoot(), 'test', '__fixtures__', 'centos', 'dockerfiles');
}

/** Lints every file concurrently, as the pipeline does for an index; returns files per second. */
async function rate(files: { name: string; text: string }[], shellcheck: boolean, rounds: number): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < rounds; round += 1) {
    const start = process.hrtime.bigint();
    await Promise.all(files.map((file) => lintDockerfile(file.text, { file: file.name, shellcheck })));
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return files.length / best;
}

/**
 * Dockerfiles linted per second over the seed's 79 CentOS Dockerfiles, with and without
 * ShellCheck (best of a few rounds, after a warm-up).
 */
export const lintBench: Bench = async () => {
  const dir = fixtureDir();
  const files = readdirSync(dir)
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
  await rate(files, true, 1);
  const withShellcheck = await rate(files, true, 3);
  const without = await rate(files, false, 5);
  const results: BenchResult[] = [
    {
      name: `lint ${files.length} Dockerfiles with ShellCheck`,
      value: withShellcheck,
      unit: 'files/s',
      goal: '> 20 files/s (79 in a few seconds)',
      met: withShellcheck > 20,
    },
    { name: `lint ${files.length} Dockerfiles without ShellCheck`, value: without, unit: 'files/s' },
    { name: 'ShellCheck slowdown', value: without / withShellcheck, unit: 'x', note: 'files/s without ÷ with ShellCheck' },
  ];
  return results;
};
