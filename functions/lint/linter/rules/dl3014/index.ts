import { flagsOf } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3014: Use the `-y` switch to avoid manual input `apt-get -y install <package>`
 * @see https://github.com/hadolint/hadolint/wiki/DL3014
 */
export const rule: Rule = {
  id: 'DL3014',
  severity: 'warning',
  summary: 'Use the `-y` switch to avoid manual input `apt-get -y install <package>`',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some((command) => {
        if (command.name !== 'apt-get' || !command.args.includes('install')) return false;
        const flags = flagsOf(command);
        const quiet = flags.filter((flag) => flag === 'q').length >= 2 || command.args.includes('--quiet=2');
        return !quiet && !flags.some((flag) => ['y', 'yes', 'assume-yes'].includes(flag));
      }),
    ),
};
