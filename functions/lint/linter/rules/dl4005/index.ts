import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL4005: Use SHELL to change the default shell
 * @see https://github.com/hadolint/hadolint/wiki/DL4005
 */
export const rule: Rule = {
  id: 'DL4005',
  severity: 'warning',
  summary: 'Use SHELL to change the default shell',
  check: (context) => badRuns(context, (script) => script.commands.some((command) => command.name === 'ln' && command.args.includes('/bin/sh'))),
};
