import type { Rule } from '../../../../../shared/dockerfile/types';
import { stageInstructions } from '../helpers';

/**
 * DL3012: Multiple `HEALTHCHECK` instructions
 * @see https://github.com/hadolint/hadolint/wiki/DL3012
 */
export const rule: Rule = {
  id: 'DL3012',
  severity: 'error',
  summary: 'Multiple `HEALTHCHECK` instructions',
  check: (context) =>
    stageInstructions(context).flatMap((nodes) =>
      nodes
        .filter((node) => node.keyword === 'HEALTHCHECK')
        .slice(1)
        .map((node) => ({ line: node.line })),
    ),
};
