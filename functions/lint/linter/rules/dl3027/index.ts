import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3027: Do not use apt as it is meant to be a end-user tool, use apt-get or apt-cache instead
 * @see https://github.com/hadolint/hadolint/wiki/DL3027
 */
export const rule: Rule = {
  id: 'DL3027',
  severity: 'warning',
  summary: 'Do not use apt as it is meant to be a end-user tool, use apt-get or apt-cache instead',
  check: (context) => badRuns(context, (script) => script.commands.some((command) => command.name === 'apt')),
};
