import type { ShellCommand } from '../../../../../shared/dockerfile/shell/types';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns, hasCacheMount } from '../helpers';

const DNF = ['dnf', 'microdnf'];

function isCleanup(command: ShellCommand, name: string): boolean {
  if (command.name === name) return command.args.includes('clean') && command.args.includes('all');
  return command.name === 'rm' && command.args.some((arg) => /^\/var\/cache\/(yum|dnf)/.test(arg));
}

/**
 * DL3040: `dnf clean all` missing after dnf command.
 * @see https://github.com/hadolint/hadolint/wiki/DL3040
 */
export const rule: Rule = {
  id: 'DL3040',
  severity: 'warning',
  summary: '`dnf clean all` missing after dnf command.',
  check: (context) =>
    badRuns(context, (script, node) => {
      if (hasCacheMount(node, '/var/cache/dnf') || hasCacheMount(node, '/var/cache/yum')) return false;
      return DNF.some((name) => {
        const install = script.commands.findIndex((command) => command.name === name && command.args.includes('install'));
        if (install === -1) return false;
        const clean = script.commands.findIndex((command, index) => index > install && isCleanup(command, name));
        return clean === -1;
      });
    }),
};
