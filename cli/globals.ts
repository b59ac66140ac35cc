import type { GlobalOptions } from '../shared/config/config';
import { ValidationError } from '../shared/errors/validation-error';

const GLOBAL_FLAGS: Record<string, keyof GlobalOptions> = {
  '--data-dir': 'dataDir',
  '--registry': 'registry',
  '--config': 'config',
};

/**
 * Takes the options every command shares (`--data-dir`, `--registry`, `--config`, as
 * `--flag value` or `--flag=value`) out of `argv`, wherever they stand, and returns the rest.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export function extractGlobalOptions(argv: readonly string[]): { globals: GlobalOptions; rest: string[] } {
  const globals: GlobalOptions = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inlineValue] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = GLOBAL_FLAGS[flag];
    if (!key) {
      rest.push(arg);
      continue;
    }
    const value = inlineValue ?? argv[++i];
    if (value === undefined || value === '') {
      throw new ValidationError('missing option value', [{ field: flag, message: 'needs a value' }]);
    }
    globals[key] = value;
  }
  return { globals, rest };
}
