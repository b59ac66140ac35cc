import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3061: Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.
 * @see https://github.com/hadolint/hadolint/wiki/DL3061
 */
export const rule: Rule = {
  id: 'DL3061',
  severity: 'error',
  summary: 'Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.',
  check: (context) => {
    const first = context.instructions.find((node) => node.keyword !== 'ARG');
    return first && first.keyword !== 'FROM' ? [{ line: first.line }] : [];
  },
};
