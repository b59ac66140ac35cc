import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3015: Avoid additional packages by specifying `--no-install-recommends`
 * @see https://github.com/hadolint/hadolint/wiki/DL3015
 */
export const rule: Rule = {
  id: 'DL3015',
  severity: 'info',
  summary: 'Avoid additional packages by specifying `--no-install-recommends`',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some(
        (command) =>
          command.name === 'apt-get' &&
          command.args.includes('install') &&
          !command.args.includes('--no-install-recommends') &&
          !command.args.some((arg) => /^APT::Install-Recommends=(false|0)$/i.test(arg)),
      ),
    ),
};
