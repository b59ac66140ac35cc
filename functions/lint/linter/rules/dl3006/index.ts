import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3006: Always tag the version of an image explicitly
 * @see https://github.com/hadolint/hadolint/wiki/DL3006
 */
export const rule: Rule = {
  id: 'DL3006',
  severity: 'warning',
  summary: 'Always tag the version of an image explicitly',
  check: (context) =>
    context.stages
      .filter((stage, index) => {
        if (stage.tag || stage.digest || stage.image === 'scratch' || stage.image.startsWith('$')) return false;
        const earlierAliases = context.stages.slice(0, index).map((earlier) => earlier.alias);
        return !earlierAliases.includes(stage.image.toLowerCase());
      })
      .map((stage) => ({ line: stage.line })),
};
