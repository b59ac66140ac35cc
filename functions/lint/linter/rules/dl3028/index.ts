import { hasFlag, packageArgs } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3028: Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`
 * @see https://github.com/hadolint/hadolint/wiki/DL3028
 */
export const rule: Rule = {
  id: 'DL3028',
  severity: 'warning',
  summary: 'Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some((command) => {
        if (command.name !== 'gem' || !command.args.includes('install') || hasFlag(command, 'v', 'version')) return false;
        const words = packageArgs(command, ['source', 'install-dir', 'i', 'bindir', 'n', 'platform']);
        return words.slice(words.indexOf('install') + 1).some((gem) => !gem.includes(':'));
      }),
    ),
};
