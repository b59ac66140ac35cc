import type { ShellScript } from '../../../../../shared/dockerfile/shell/types';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { hasCacheMount } from '../helpers';

function forgotCleanup(script: ShellScript): boolean {
  const updates = script.commands.some((command) => command.name === 'apt-get' && command.args.includes('update'));
  const cleans = script.commands.some((command) => command.name === 'rm' && command.args.some((arg) => arg.startsWith('/var/lib/apt/lists')));
  return updates && !cleans;
}

/**
 * DL3009: Delete the apt-get lists after installing something
 * @see https://github.com/hadolint/hadolint/wiki/DL3009
 */
export const rule: Rule = {
  id: 'DL3009',
  severity: 'info',
  summary: 'Delete the apt-get lists after installing something',
  check: (context) => {
    const last = context.stages.length - 1;
    const baseOfLater = (stage: number): boolean => {
      const alias = context.stages[stage]?.alias;
      return alias !== null && alias !== undefined && context.stages.some((later) => later.index > stage && later.image.toLowerCase() === alias);
    };
    return context.instructions
      .filter((node) => node.script !== null && (node.stage === last || node.stage < 0 || baseOfLater(node.stage)))
      .filter((node) => forgotCleanup(node.script as ShellScript) && !hasCacheMount(node, '/var/lib/apt/lists'))
      .map((node) => ({ line: node.line }));
  },
};
