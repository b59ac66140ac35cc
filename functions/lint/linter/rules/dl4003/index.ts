import type { Rule } from '../../../../../shared/dockerfile/types';
import { stageInstructions } from '../helpers';

/**
 * DL4003: Multiple `CMD` instructions found. If you list more than one `CMD` then only the last `CMD` will take effect
 * @see https://github.com/hadolint/hadolint/wiki/DL4003
 */
export const rule: Rule = {
  id: 'DL4003',
  severity: 'warning',
  summary: 'Multiple `CMD` instructions found. If you list more than one `CMD` then only the last `CMD` will take effect',
  check: (context) =>
    stageInstructions(context).flatMap((nodes) =>
      nodes
        .filter((node) => node.keyword === 'CMD')
        .slice(1)
        .map((node) => ({ line: node.line })),
    ),
};
