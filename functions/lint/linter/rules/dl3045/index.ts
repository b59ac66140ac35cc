import type { Rule } from '../../../../../shared/dockerfile/types';
import { isAbsoluteOrVariable } from '../helpers';

/**
 * DL3045: `COPY` to a relative destination without `WORKDIR` set.
 * @see https://github.com/hadolint/hadolint/wiki/DL3045
 */
export const rule: Rule = {
  id: 'DL3045',
  severity: 'warning',
  summary: '`COPY` to a relative destination without `WORKDIR` set.',
  check: (context) => {
    const workdirSet = new Map<string, boolean>();
    const findings: { line: number }[] = [];
    let current = '';
    for (const node of context.instructions) {
      if (node.keyword === 'FROM' && !node.onbuild) {
        const stage = context.stages[node.stage];
        current = stage.alias ?? stage.image;
        workdirSet.set(current, workdirSet.get(stage.image.toLowerCase()) ?? false);
      } else if (node.keyword === 'WORKDIR') {
        workdirSet.set(current, true);
      } else if (node.keyword === 'COPY' && !workdirSet.get(current)) {
        const words = node.jsonForm ? node.jsonArgs : node.words;
        const destination = words[words.length - 1];
        if (destination !== undefined && !isAbsoluteOrVariable(destination)) findings.push({ line: node.line });
      }
    }
    return findings;
  },
};
