/** Shell dialects ShellCheck 0.9 checks (`-s`). */
export type Dialect = 'sh' | 'bash' | 'dash' | 'ksh';

/** One script to check, and where its first line sits in the Dockerfile. */
export interface ScriptSource {
  dialect: Dialect;
  /** The script; line 1 exports the build's variables, line 2 is `firstLine` of the Dockerfile. */
  text: string;
  /** 1-based Dockerfile line of the script's line 2. */
  firstLine: number;
  /** 1-based Dockerfile line of the `RUN` keyword. */
  instructionLine: number;
}

/** One ShellCheck comment (`-f json1`), positions in the script. */
export interface ShellcheckComment {
  line: number;
  column: number;
  level: 'error' | 'warning' | 'info' | 'style';
  code: number;
  message: string;
}

/** ShellCheck could not run (missing binary, crash); the message says what to do. */
export class ShellcheckError extends Error {
  override readonly name = 'ShellcheckError';
}
