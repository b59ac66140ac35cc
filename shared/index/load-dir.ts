import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { IndexSourceError } from './errors';
import { INDEX_FILE, TEMPLATE_FILE } from './fields';
import type { LoadedIndex } from './types';
import { validateIndexTexts, type IndexText } from './validate-texts';

/**
 * Loads and checks the index in a folder: its `*.yaml`/`*.yml` files, or those of its `index.d/`
 * when it has one (a checkout of the index repository). `index_template.yaml` is skipped as the
 * seed did. Files are read in sorted order; issue and entry file names are relative to `dir`.
 * Throws {@link IndexSourceError} only when the folder cannot be read.
 * @see https://github.com/CentOS/container-index/tree/master/index.d
 */
export async function loadIndexFromDir(dir: string): Promise<LoadedIndex> {
  if (!(await isDirectory(dir))) throw new IndexSourceError(`${dir} is not a folder`, dir);
  const filesDir = (await isDirectory(path.join(dir, 'index.d'))) ? path.join(dir, 'index.d') : dir;
  const prefix = filesDir === dir ? '' : 'index.d/';

  let names: string[];
  try {
    const dirents = await readdir(filesDir, { withFileTypes: true });
    names = dirents.filter((dirent) => dirent.isFile() && INDEX_FILE.test(dirent.name) && !TEMPLATE_FILE.test(dirent.name)).map((dirent) => dirent.name);
  } catch (error) {
    throw new IndexSourceError(`cannot list ${filesDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, dir);
  }
  names.sort();

  const texts: IndexText[] = [];
  const unreadable: IndexText[] = [];
  for (const name of names) {
    try {
      texts.push({ file: prefix + name, text: await readFile(path.join(filesDir, name), 'utf8') });
    } catch (error) {
      unreadable.push({ file: prefix + name, text: (error as NodeJS.ErrnoException).code ?? String(error) });
    }
  }
  const index = validateIndexTexts(texts);
  for (const { file, text: reason } of unreadable) {
    index.errors.push({ file, line: 1, column: 1, field: '', message: `cannot read the file: ${reason}` });
  }
  if (names.length === 0) {
    index.errors.push({ file: prefix || '.', line: 1, column: 1, field: '', message: `no index files (*.yaml, *.yml) in ${filesDir}` });
  }
  index.files = names.map((name) => prefix + name);
  return index;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
