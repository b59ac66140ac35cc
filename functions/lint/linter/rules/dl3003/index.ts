import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3003: Use WORKDIR to switch to a directory
 * @see https://github.com/hadolint/hadolint/wiki/DL3003
 */
export const rule: Rule = {
  id: 'DL3003',
  severity: 'warning',
  summary: 'Use WORKDIR to switch to a directory',
  check: (context) => badRuns(context, (script) => script.commands.some((command) => command.name === 'cd')),
};
