import type { Rule } from '../../../../../shared/dockerfile/types';
import { stageInstructions } from '../helpers';

/**
 * DL4004: Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then only the last `ENTRYPOINT` will take effect
 * @see https://github.com/hadolint/hadolint/wiki/DL4004
 */
export const rule: Rule = {
  id: 'DL4004',
  severity: 'error',
  summary: 'Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then only the last `ENTRYPOINT` will take effect',
  check: (context) =>
    stageInstructions(context).flatMap((nodes) =>
      nodes
        .filter((node) => node.keyword === 'ENTRYPOINT')
        .slice(1)
        .map((node) => ({ line: node.line })),
    ),
};
