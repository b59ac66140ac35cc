import { argsWithoutFlags } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

const INSTALL_VERBS = new Set(['install', 'i', 'add']);

function isPinned(pkg: string): boolean {
  if (/^(\.|\/|~|git[+:]|https?:|file:|github:)/.test(pkg) || /\.(tgz|tar\.gz)$/.test(pkg)) return true;
  const name = pkg.startsWith('@') ? pkg.slice(1) : pkg;
  return name.includes('@');
}

/**
 * DL3016: Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`
 * @see https://github.com/hadolint/hadolint/wiki/DL3016
 */
export const rule: Rule = {
  id: 'DL3016',
  severity: 'warning',
  summary: 'Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some((command) => {
        if (command.name !== 'npm') return false;
        const words = argsWithoutFlags(command);
        const verb = words.findIndex((word) => INSTALL_VERBS.has(word));
        return verb !== -1 && words.slice(verb + 1).some((pkg) => !isPinned(pkg));
      }),
    ),
};
