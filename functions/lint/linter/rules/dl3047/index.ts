import { hasFlag } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

/**
 * DL3047: Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).
 * @see https://github.com/hadolint/hadolint/wiki/DL3047
 */
export const rule: Rule = {
  id: 'DL3047',
  severity: 'info',
  summary:
    'Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some(
        (command) =>
          command.name === 'wget' &&
          !hasFlag(command, 'progress', 'q', 'quiet', 'o', 'output-file', 'a', 'append-output', 'no-verbose') &&
          !command.args.includes('-nv'),
      ),
    ),
};
