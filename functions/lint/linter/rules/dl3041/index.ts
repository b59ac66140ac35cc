import { argsWithoutFlags } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

const DNF = ['dnf', 'microdnf'];

function isVersioned(name: string): boolean {
  const parts = name.split('-');
  if (parts.length <= 1) return false;
  if (name.endsWith('.rpm')) return true;
  const rest = parts.slice(1);
  return rest.every((part) => /^[A-Za-z0-9.~^_:+]*$/.test(part)) && rest.some((part) => /^\d/.test(part));
}

/**
 * DL3041: Specify version with `dnf install -y <package>-<version>`.
 * @see https://github.com/hadolint/hadolint/wiki/DL3041
 */
export const rule: Rule = {
  id: 'DL3041',
  severity: 'warning',
  summary: 'Specify version with `dnf install -y <package>-<version>`.',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some((command) => {
        if (!DNF.includes(command.name) || !command.args.includes('install')) return false;
        if (command.args.includes('group')) return false;
        const names = argsWithoutFlags(command).filter((arg) => arg !== 'install' && arg !== 'module');
        return !names.every(command.args.includes('module') ? (name: string) => name.includes(':') : isVersioned);
      }),
    ),
};
