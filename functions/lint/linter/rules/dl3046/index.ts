import { hasFlag } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

function uidOf(args: string[]): string | null {
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '-u' || args[i] === '--uid') return args[i + 1] ?? null;
    if (args[i].startsWith('--uid=')) return args[i].slice('--uid='.length);
    if (/^-u\d+$/.test(args[i])) return args[i].slice(2);
  }
  return null;
}

/**
 * DL3046: `useradd` without flag `-l` and high UID will result in excessively large Image.
 * @see https://github.com/hadolint/hadolint/wiki/DL3046
 */
export const rule: Rule = {
  id: 'DL3046',
  severity: 'warning',
  summary: '`useradd` without flag `-l` and high UID will result in excessively large Image.',
  check: (context) =>
    badRuns(context, (script) =>
      script.commands.some((command) => {
        if (command.name !== 'useradd' || hasFlag(command, 'l', 'no-log-init')) return false;
        const uid = uidOf(command.args);
        return uid !== null && uid.length > 5;
      }),
    ),
};
