import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3023: COPY --from cannot reference its own FROM alias
 * @see https://github.com/hadolint/hadolint/wiki/DL3023
 */
export const rule: Rule = {
  id: 'DL3023',
  severity: 'error',
  summary: 'COPY --from cannot reference its own FROM alias',
  check: (context) =>
    context.instructions
      .filter((node) => node.keyword === 'COPY' && node.stage >= 0)
      .filter((node) => {
        const from = node.flags.find((flag) => flag.name === 'from')?.value;
        return from !== undefined && from !== null && from.toLowerCase() === context.stages[node.stage].alias;
      })
      .map((node) => ({ line: node.line })),
};
