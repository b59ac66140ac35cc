import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3024: FROM aliases (stage names) must be unique
 * @see https://github.com/hadolint/hadolint/wiki/DL3024
 */
export const rule: Rule = {
  id: 'DL3024',
  severity: 'error',
  summary: 'FROM aliases (stage names) must be unique',
  check: (context) =>
    context.stages
      .filter((stage, index) => stage.alias !== null && context.stages.slice(0, index).some((earlier) => earlier.alias === stage.alias))
      .map((stage) => ({ line: stage.line })),
};
