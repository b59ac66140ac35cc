/** One simple command of a shell script: its name and its words, quotes removed. */
export interface ShellCommand {
  name: string;
  args: string[];
}

/** A `RUN` script, split into the commands it runs (including those in `$(...)` and subshells). */
export interface ShellScript {
  text: string;
  commands: ShellCommand[];
  /** Whether some command's output is piped (`a | b`, not `a || b`). */
  hasPipe: boolean;
}
