import type { Rule } from '../../../../../shared/dockerfile/types';
import { badInstructions } from '../helpers';

const ARCHIVES = ['.tar', '.Z', '.bz2', '.gz', '.lz', '.lzma', '.tZ', '.tb2', '.tbz', '.tbz2', '.tgz', '.tlz', '.tpz', '.txz', '.xz', '.zst'];

function isUrl(source: string): boolean {
  return /^(https?|ftp|git):\/\//.test(source) || source.startsWith('git@');
}

function isArchive(source: string): boolean {
  return ARCHIVES.some((extension) => source.endsWith(extension));
}

/**
 * DL3020: Use COPY instead of ADD for files and folders
 * @see https://github.com/hadolint/hadolint/wiki/DL3020
 */
export const rule: Rule = {
  id: 'DL3020',
  severity: 'error',
  summary: 'Use COPY instead of ADD for files and folders',
  check: (context) =>
    badInstructions(context, 'ADD', (node) => {
      const words = node.jsonForm ? node.jsonArgs : node.words;
      return words.slice(0, -1).some((source) => !isUrl(source) && !isArchive(source));
    }),
};
