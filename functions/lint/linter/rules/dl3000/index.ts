import type { Rule } from '../../../../../shared/dockerfile/types';
import { badInstructions, isAbsoluteOrVariable } from '../helpers';

/**
 * DL3000: Use absolute WORKDIR
 * @see https://github.com/hadolint/hadolint/wiki/DL3000
 */
export const rule: Rule = {
  id: 'DL3000',
  severity: 'error',
  summary: 'Use absolute WORKDIR',
  check: (context) => badInstructions(context, 'WORKDIR', (node) => !isAbsoluteOrVariable(node.args.trim())),
};
