import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3007: Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag
 * @see https://github.com/hadolint/hadolint/wiki/DL3007
 */
export const rule: Rule = {
  id: 'DL3007',
  severity: 'warning',
  summary: 'Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag',
  check: (context) => context.stages.filter((stage) => stage.tag === 'latest' && !stage.digest).map((stage) => ({ line: stage.line })),
};
