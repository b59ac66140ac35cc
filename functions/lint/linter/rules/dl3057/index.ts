import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3057: `HEALTHCHECK` instruction missing.
 * @see https://github.com/hadolint/hadolint/wiki/DL3057
 */
export const rule: Rule = {
  id: 'DL3057',
  severity: 'ignore',
  summary: '`HEALTHCHECK` instruction missing.',
  check: (context) => {
    const last = context.stages[context.stages.length - 1];
    if (!last) return [];
    const has = context.instructions.some((node) => node.keyword === 'HEALTHCHECK' && !node.onbuild);
    return has ? [] : [{ line: last.line }];
  },
};
