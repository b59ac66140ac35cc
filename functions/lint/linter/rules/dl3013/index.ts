import { hasFlag, isPipInstall, packageArgs } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

const FLAGS_WITH_VALUES = [
  'abi',
  'b',
  'build',
  'e',
  'editable',
  'extra-index-url',
  'f',
  'find-links',
  'i',
  'index-url',
  'implementation',
  'no-binary',
  'only-binary',
  'platform',
  'prefix',
  'progress-bar',
  'proxy',
  'python-version',
  'root',
  'src',
  't',
  'target',
  'trusted-host',
  'upgrade-strategy',
];
const VERSION_SYMBOLS = ['==', '>=', '<=', '>', '<', '!=', '~=', '==='];
const VCS = /^(git|hg|svn|bzr)(\+|$)/;

function isPinned(pkg: string): boolean {
  if (VERSION_SYMBOLS.some((symbol) => pkg.includes(symbol))) return true;
  if (pkg.endsWith('.whl') || pkg.endsWith('.tar.gz')) return true;
  if (VCS.test(pkg)) return pkg.includes('@');
  return pkg.includes('/');
}

/**
 * DL3013: Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip install --requirement <requirements file>`
 * @see https://github.com/hadolint/hadolint/wiki/DL3013
 */
export const rule: Rule = {
  id: 'DL3013',
  severity: 'warning',
  summary: 'Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip install --requirement <requirements file>`',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some((command) => {
        if (!isPipInstall(command) || hasFlag(command, 'c', 'constraint')) return false;
        if (['-r', '--requirement', '.'].some((arg) => command.args.includes(arg))) return false;
        const words = packageArgs(command, FLAGS_WITH_VALUES);
        return words.slice(words.indexOf('install') + 1).some((pkg) => !isPinned(pkg));
      }),
    ),
};
