import type { GlobalOptions } from '../shared/config/config';

/** Where a command writes and what it was started with; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * One `ccp` sub-command. `argv` holds the arguments after the command's name, the global
 * options already taken out (`globals`). Resolves to the process exit status.
 */
export interface Command {
  /** Words after `ccp`, e.g. `['index', 'validate']`. */
  name: string[];
  summary: string;
  usage: string;
  run(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number>;
}
