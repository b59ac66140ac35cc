import type { ShellCommand } from '../../../../../shared/dockerfile/shell/types';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns, hasCacheMount } from '../helpers';

function isCleanup(command: ShellCommand): boolean {
  if (command.name === 'yum') return command.args.includes('clean') && command.args.includes('all');
  return command.name === 'rm' && command.args.some((arg) => arg.startsWith('/var/cache/yum'));
}

/**
 * DL3032: `yum clean all` missing after yum command.
 * @see https://github.com/hadolint/hadolint/wiki/DL3032
 */
export const rule: Rule = {
  id: 'DL3032',
  severity: 'warning',
  summary: '`yum clean all` missing after yum command.',
  check: (context) =>
    badRuns(context, (script, node) => {
      const installs = script.commands.some((command) => command.name === 'yum' && command.args.includes('install'));
      return installs && !script.commands.some(isCleanup) && !hasCacheMount(node, '/var/cache/yum');
    }),
};
