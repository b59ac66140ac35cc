import { packageArgs } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3018: Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`
 * @see https://github.com/hadolint/hadolint/wiki/DL3018
 */
export const rule: Rule = {
  id: 'DL3018',
  severity: 'warning',
  summary: 'Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands
        .filter((command) => command.name === 'apk' && command.args.includes('add'))
        .flatMap((command) => packageArgs(command, ['t', 'virtual', 'X', 'repository', 'p', 'root']).filter((arg) => arg !== 'add'))
        .some((pkg) => !pkg.includes('=') && !pkg.endsWith('.apk')),
    ),
};
