import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3043: `ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.
 * @see https://github.com/hadolint/hadolint/wiki/DL3043
 */
export const rule: Rule = {
  id: 'DL3043',
  severity: 'error',
  summary: '`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.',
  check: (context) =>
    context.instructions.filter((node) => node.onbuild && ['ONBUILD', 'FROM', 'MAINTAINER'].includes(node.keyword)).map((node) => ({ line: node.line })),
};
