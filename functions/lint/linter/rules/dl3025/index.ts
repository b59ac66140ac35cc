import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3025: Use arguments JSON notation for CMD and ENTRYPOINT arguments
 * @see https://github.com/hadolint/hadolint/wiki/DL3025
 */
export const rule: Rule = {
  id: 'DL3025',
  severity: 'warning',
  summary: 'Use arguments JSON notation for CMD and ENTRYPOINT arguments',
  check: (context) =>
    context.instructions.filter((node) => (node.keyword === 'CMD' || node.keyword === 'ENTRYPOINT') && !node.jsonForm).map((node) => ({ line: node.line })),
};
