import { hasFlag } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3038: Use the -y switch to avoid manual input `dnf install -y <package`
 * @see https://github.com/hadolint/hadolint/wiki/DL3038
 */
export const rule: Rule = {
  id: 'DL3038',
  severity: 'warning',
  summary: 'Use the -y switch to avoid manual input `dnf install -y <package`',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some(
        (command) =>
          (command.name === 'dnf' || command.name === 'microdnf') &&
          command.args.some((arg) => arg === 'install' || arg === 'groupinstall') &&
          !hasFlag(command, 'y', 'assumeyes'),
      ),
    ),
};
