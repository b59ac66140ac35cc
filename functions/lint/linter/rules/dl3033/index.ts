import { argsWithoutFlags } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3033: Specify version with `yum install -y <package>-<version>`.
 * @see https://github.com/hadolint/hadolint/wiki/DL3033
 */
export const rule: Rule = {
  id: 'DL3033',
  severity: 'warning',
  summary: 'Specify version with `yum install -y <package>-<version>`.',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some((command) => {
        if (command.name !== 'yum' || !command.args.includes('install')) return false;
        const names = argsWithoutFlags(command).filter((arg) => arg !== 'install' && arg !== 'module');
        const pinned = command.args.includes('module') ? (name: string) => name.includes(':') : (name: string) => name.includes('-') || name.endsWith('.rpm');
        return !names.every(pinned);
      }),
    ),
};
