import { checkIndex } from './check-index';
import type { LoadedIndex } from './types';
import { lazyPackage } from '../lazy/packages';

/**
 * The parser (and the yaml package, ~70 modules) loads with the first index read, not with
 * every function that may read one: a function's cold start does not wait for it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parser = lazyPackage(() => require('./parse-file') as typeof import('./parse-file'));

/** One index file's name (relative to the index location; its stem is the app-id) and content. */
export interface IndexText {
  file: string;
  text: string;
}

/**
 * Checks index files already in memory, in the order given: each file on its own, then the
 * index as a whole. Never throws for bad content; see {@link LoadedIndex}.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export function validateIndexTexts(files: readonly IndexText[]): LoadedIndex {
  const { parseIndexFile } = parser();
  return checkIndex(files.map(({ file, text }) => parseIndexFile(file, text)));
}
