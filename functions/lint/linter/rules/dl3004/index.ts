import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3004: Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root
 * @see https://github.com/hadolint/hadolint/wiki/DL3004
 */
export const rule: Rule = {
  id: 'DL3004',
  severity: 'error',
  summary: 'Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root',
  check: (context) => badRuns(context, (script) => script.commands.some((command) => command.name === 'sudo')),
};
