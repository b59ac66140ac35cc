import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config/config';
import { packageRoot } from '../../shared/config/package-root';
import { createLocalRepo, type FileContent } from '../../shared/git/local-repo';
import type { Command } from '../types';

export interface PreparedSample {
  /** Folder holding `index.d/`. */
  indexDir: string;
  repoUrl: string;
  commit: string;
}

/**
 * Makes the sample of `sample/` runnable: a real git repository from `sample/repo` (on branch
 * `main`) and an index whose `git-url` points at it, both under `dir`. Running it again commits
 * what changed in `sample/repo` and nothing else.
 */
export async function prepareSample(dir: string): Promise<PreparedSample> {
  const source = path.join(packageRoot(), 'sample');
  const repo = await createLocalRepo('main', path.join(dir, 'repo'));
  const commit = await repo.commit(await readTree(path.join(source, 'repo')), 'ccp sample projects');
  const indexDir = path.join(dir, 'index');
  await mkdir(path.join(indexDir, 'index.d'), { recursive: true });
  for (const name of await readdir(path.join(source, 'index.d'))) {
    const text = await readFile(path.join(source, 'index.d', name), 'utf8');
    await writeFile(path.join(indexDir, 'index.d', name), text.replaceAll('{{SAMPLE_REPO}}', repo.url));
  }
  return { indexDir, repoUrl: repo.url, commit };
}

async function readTree(root: string, prefix = ''): Promise<Record<string, FileContent>> {
  const files: Record<string, FileContent> = {};
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    const relative = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(files, await readTree(root, relative));
    else {
      const full = path.join(root, relative);
      files[relative] = { content: await readFile(full, 'utf8'), executable: ((await stat(full)).mode & 0o111) !== 0 };
    }
  }
  return files;
}

export const sampleCommand: Command = {
  name: ['sample'],
  summary: "create the sample projects' git repository and index (what npm start runs)",
  usage: 'Usage: ccp sample [--dir DIR]\n\nWrites a git repository and an index for it under DIR (default <data-dir>/sample)\nand prints the index folder.',
  async run(argv, globals, io) {
    const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' } }, strict: true });
    const config = loadConfig(globals, io.env);
    const sample = await prepareSample(path.resolve(io.cwd, values.dir ?? path.join(config.dataDir, 'sample')));
    io.stdout(`${sample.indexDir}\n`);
    return 0;
  },
};
