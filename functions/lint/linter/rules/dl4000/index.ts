import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL4000: MAINTAINER is deprecated
 * @see https://github.com/hadolint/hadolint/wiki/DL4000
 */
export const rule: Rule = {
  id: 'DL4000',
  severity: 'error',
  summary: 'MAINTAINER is deprecated',
  check: (context) => context.instructions.filter((node) => node.keyword === 'MAINTAINER' && !node.onbuild).map((node) => ({ line: node.line })),
};
