import { packageArgs } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3008: Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`
 * @see https://github.com/hadolint/hadolint/wiki/DL3008
 */
export const rule: Rule = {
  id: 'DL3008',
  severity: 'warning',
  summary: 'Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands
        .filter((command) => command.name === 'apt-get' && command.args.includes('install'))
        .flatMap((command) => packageArgs(command, ['t', 'target-release', 'o', 'c']).filter((arg) => arg !== 'install'))
        .some((pkg) => !pkg.includes('=') && !pkg.endsWith('.deb') && !pkg.startsWith('/') && !pkg.startsWith('./')),
    ),
};
