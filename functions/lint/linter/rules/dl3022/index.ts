import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL3022: COPY --from should reference a previously defined FROM alias
 * @see https://github.com/hadolint/hadolint/wiki/DL3022
 */
export const rule: Rule = {
  id: 'DL3022',
  severity: 'warning',
  summary: 'COPY --from should reference a previously defined FROM alias',
  check: (context) =>
    context.instructions
      .filter((node) => node.keyword === 'COPY' && !node.onbuild)
      .flatMap((node) => {
        const from = node.flags.find((flag) => flag.name === 'from')?.value;
        if (from === undefined || from === null) return [];
        const earlier = context.stages.filter((stage) => stage.index < node.stage);
        const known = earlier.some((stage) => stage.alias === from.toLowerCase()) || (/^\d+$/.test(from) && Number(from) < node.stage);
        return known ? [] : [{ line: node.line }];
      }),
};
