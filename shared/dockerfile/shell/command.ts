import type { ShellCommand, ShellScript } from './types';

/**
 * The flags of a command as hadolint counts them: `--name=x` gives `name`, `-abc` gives `a`, `b`
 * and `c`.
 * @see https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Shell.hs
 */
export function flagsOf(command: ShellCommand): string[] {
  return command.args.flatMap((arg) => {
    if (arg === '-' || arg === '--' || !arg.startsWith('-')) return [];
    if (arg.startsWith('--')) return [arg.slice(2).split('=')[0]];
    return arg.slice(1).split('');
  });
}

/** Whether the command has one of these flags (names as `flagsOf` gives them). */
export function hasFlag(command: ShellCommand, ...names: string[]): boolean {
  return flagsOf(command).some((flag) => names.includes(flag));
}

/** Whether the command is `name` (or one of `names`) and has one of `args` among its arguments. */
export function commandHasArgs(command: ShellCommand, names: string | string[], args: string[]): boolean {
  const wanted = typeof names === 'string' ? [names] : names;
  return wanted.includes(command.name) && command.args.some((arg) => args.includes(arg));
}

/** Arguments that are not flags. */
export function argsWithoutFlags(command: ShellCommand): string[] {
  return command.args.filter((arg) => arg === '-' || !arg.startsWith('-'));
}

/**
 * Arguments that are not flags nor the values of the given flags (`-t stretch`, `--virtual .x`),
 * for package lists.
 */
export function packageArgs(command: ShellCommand, flagsWithValues: string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < command.args.length; i += 1) {
    const arg = command.args[i];
    if (arg.startsWith('-') && arg !== '-') {
      const name = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
      if (!arg.includes('=') && flagsWithValues.includes(name)) i += 1;
      continue;
    }
    result.push(arg);
  }
  return result;
}

/** Commands of the script named `name` (or any of `names`). */
export function commandsNamed(script: ShellScript, ...names: string[]): ShellCommand[] {
  return script.commands.filter((command) => names.includes(command.name));
}

/** The base name of a command path: `/usr/bin/pip3` gives `pip3`. */
export function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/**
 * Whether the command is a `pip install` (`pip`, `pip3`, `pip3.9`, `python -m pip install`).
 * @see https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Shell.hs
 */
export function isPipInstall(command: ShellCommand): boolean {
  const name = baseName(command.name);
  if (/^pip[0-9.]*$/.test(name)) return command.args.includes('install');
  if (/^python[0-9.]*$/.test(name)) {
    const module = command.args.indexOf('-m');
    return module !== -1 && /^pip[0-9.]*$/.test(command.args[module + 1] ?? '') && command.args.includes('install');
  }
  return false;
}
