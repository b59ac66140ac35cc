import { constants } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { IndexSourceError } from './errors';
import { INDEX_FILE, TEMPLATE_FILE } from './fields';
import { INDEX_LIMIT_ENV, indexLimitsFromEnv, type IndexLimits } from './limits';
import type { IndexIssue, LoadedIndex } from './types';
import { validateIndexTexts, type IndexText } from './validate-texts';

/** Opens a file without following a link, and without blocking on a FIFO. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Loads and checks the index in a folder: its `*.yaml`/`*.yml` files, or those of its `index.d/`
 * when it has one (a checkout of the index repository). `index_template.yaml` is skipped as the
 * seed did. Files are read in sorted order; issue and entry file names are relative to `dir`.
 * Within `limits` (see {@link IndexLimits}; by default the `CCP_INDEX_MAX_*` variables): a file
 * over `maxFileBytes`, a link leading out of the folder or anything but a regular file is an
 * error of that file, not read, and the others load; more than `maxFiles` files, more than
 * `maxTotalBytes` in all or more than `maxProjects` projects throw {@link IndexSourceError}
 * naming the file (or count) that crossed the bound. Throws it too when the folder cannot be
 * read, or when `index.d` is a link out of `dir`.
 * @see https://github.com/CentOS/container-index/tree/master/index.d
 */
export async function loadIndexFromDir(dir: string, limits: IndexLimits = indexLimitsFromEnv()): Promise<LoadedIndex> {
  if (!(await isDirectory(dir))) throw new IndexSourceError(`${dir} is not a folder`, dir);
  const filesDir = await indexFolder(dir);
  const prefix = filesDir === dir ? '' : 'index.d/';

  let names: string[];
  try {
    const dirents = await readdir(filesDir, { withFileTypes: true });
    // Links are listed too: each is checked (and refused when it leaves the folder) by name.
    names = dirents
      .filter((dirent) => (dirent.isFile() || dirent.isSymbolicLink()) && INDEX_FILE.test(dirent.name) && !TEMPLATE_FILE.test(dirent.name))
      .map((dirent) => dirent.name);
  } catch (error) {
    throw new IndexSourceError(`cannot list ${filesDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, dir);
  }
  names.sort();
  if (names.length > limits.maxFiles) {
    throw new IndexSourceError(`${filesDir} has ${names.length} index files, more than the limit of ${limits.maxFiles} (${INDEX_LIMIT_ENV.maxFiles})`, dir);
  }

  const realFolder = await realpath(filesDir);
  const texts: IndexText[] = [];
  const refused: IndexIssue[] = [];
  let total = 0;
  for (const name of names) {
    const file = prefix + name;
    const read = await readIndexFile(realFolder, name, limits.maxFileBytes);
    if (typeof read === 'string') {
      refused.push({ file, line: 1, column: 1, field: '', message: read });
      continue;
    }
    total += read.length;
    if (total > limits.maxTotalBytes) {
      throw new IndexSourceError(
        `the index is larger than the limit of ${limits.maxTotalBytes} bytes in all (${INDEX_LIMIT_ENV.maxTotalBytes}) at ${file}: ${total} bytes read up to and with it; nothing was loaded`,
        dir,
      );
    }
    texts.push({ file, text: read.toString('utf8') });
  }
  const index = validateIndexTexts(texts);
  if (index.projects.length > limits.maxProjects) {
    throw new IndexSourceError(
      `the index has ${index.projects.length} projects, more than the limit of ${limits.maxProjects} (${INDEX_LIMIT_ENV.maxProjects})`,
      dir,
    );
  }
  index.errors.push(...refused);
  if (names.length === 0) {
    index.errors.push({ file: prefix || '.', line: 1, column: 1, field: '', message: `no index files (*.yaml, *.yml) in ${filesDir}` });
  }
  index.files = names.map((name) => prefix + name);
  return index;
}

/**
 * `dir/index.d` when it is a folder inside `dir`, else `dir`. An `index.d` that is a link to a
 * folder outside (a cloned repository can hold one) is refused: it would make the loader read,
 * and quote in its errors, files the index does not own.
 */
async function indexFolder(dir: string): Promise<string> {
  const candidate = path.join(dir, 'index.d');
  const link = await lstat(candidate).then(
    (stats) => stats.isSymbolicLink(),
    () => false,
  );
  if (link && !isInside(await realpath(dir), await realpath(candidate).catch(() => ''))) {
    throw new IndexSourceError(`index.d in ${dir} is a symbolic link that leads out of the index; refused`, dir);
  }
  return (await isDirectory(candidate)) ? candidate : dir;
}

/**
 * The bytes of `<folder>/<name>`, or why it was not read: a link leading out of the folder (or
 * to something missing), not a regular file, over `maxBytes`. The size is checked on the open
 * file before reading, and at most `maxBytes` + 1 bytes are ever read.
 */
async function readIndexFile(folder: string, name: string, maxBytes: number): Promise<Buffer | string> {
  let target = path.join(folder, name);
  if ((await lstat(target)).isSymbolicLink()) {
    const real = await realpath(target).catch(() => null);
    if (real === null) return 'the file is a symbolic link to nothing; refused';
    if (!isInside(folder, real)) return 'the file is a symbolic link that leads out of the index folder; refused';
    target = real;
  }
  let handle;
  try {
    handle = await open(target, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ELOOP' ? 'the file is a symbolic link; refused' : `cannot read the file: ${code ?? String(error)}`;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return 'not a regular file; refused';
    if (stats.size > maxBytes) {
      return `the file is ${stats.size} bytes, more than the limit of ${maxBytes} bytes per index file (${INDEX_LIMIT_ENV.maxFileBytes}); not read`;
    }
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes)
      return `the file grew past the limit of ${maxBytes} bytes per index file (${INDEX_LIMIT_ENV.maxFileBytes}) while it was read; not read`;
    return buffer.subarray(0, length);
  } catch (error) {
    return `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  } finally {
    await handle.close();
  }
}

function isInside(folder: string, file: string): boolean {
  return file.startsWith(folder + path.sep);
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
