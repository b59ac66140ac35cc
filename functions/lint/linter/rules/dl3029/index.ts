import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3029: Do not use --platform flag with FROM
 * @see https://github.com/hadolint/hadolint/wiki/DL3029
 */
export const rule: Rule = {
  id: 'DL3029',
  severity: 'warning',
  summary: 'Do not use --platform flag with FROM',
  check: (context) => context.stages.filter((stage) => stage.platform && !/(BUILD|TARGET)PLATFORM/.test(stage.platform)).map((stage) => ({ line: stage.line })),
};
