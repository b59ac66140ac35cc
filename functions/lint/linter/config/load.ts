import { readFile } from 'node:fs/promises';
import { parseLintConfig } from './parse';
import type { LintConfig } from '../../../../shared/dockerfile/types';

/**
 * Reads and parses a `.hadolint.yaml`. `null` when the file does not exist.
 * @throws ValidationError when it exists but is invalid; the file system's error when unreadable
 * @see https://github.com/hadolint/hadolint#configure
 */
export async function loadLintConfig(path: string): Promise<LintConfig | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseLintConfig(text, path);
}
