import { hasFlag } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

const INSTALLS = new Set(['install', 'groupinstall', 'localinstall']);

/**
 * DL3030: Use the -y switch to avoid manual input `yum install -y <package`
 * @see https://github.com/hadolint/hadolint/wiki/DL3030
 */
export const rule: Rule = {
  id: 'DL3030',
  severity: 'warning',
  summary: 'Use the -y switch to avoid manual input `yum install -y <package`',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some((command) => command.name === 'yum' && command.args.some((arg) => INSTALLS.has(arg)) && !hasFlag(command, 'y', 'assumeyes')),
    ),
};
