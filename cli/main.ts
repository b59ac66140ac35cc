import { ValidationError, formatIssue } from '../shared/errors/validation-error';
import { installProcessGuard } from '../shared/host/process-guard';
import { createLogger } from '../shared/log/logger';
import { COMMANDS } from './commands/api';
import { extractGlobalOptions } from './globals';
import type { Command, CliIo } from './types';
import { CORE, readEnv } from '../shared/config/settings';

const GLOBAL_HELP = `Global options (each also as an environment variable):
  --data-dir DIR   state of the embedded default (CCP_DATA_DIR, default ./.ccp)
  --registry H:P   image registry (CCP_REGISTRY)
  --config FILE    YAML configuration file (CCP_CONFIG)`;

/** The command whose name is the longest prefix of `words`. */
export function findCommand(words: readonly string[], commands: readonly Command[] = COMMANDS): Command | null {
  let best: Command | null = null;
  for (const command of commands) {
    const matches = command.name.every((part, i) => words[i] === part);
    if (matches && command.name.length > (best?.name.length ?? 0)) best = command;
  }
  return best;
}

/** Renders the list of commands for `ccp --help`. */
export function usage(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.join(' ').length));
  const lines = commands.map((c) => `  ${c.name.join(' ').padEnd(width)}  ${c.summary}`);
  return `ccp: the container image pipeline\n\nUsage: ccp <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n${GLOBAL_HELP}\n`;
}

/** Runs `ccp` with `argv` (without node and script) and resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = extractGlobalOptions(argv);
  } catch (error) {
    io.stderr(`ccp: ${(error as Error).message}\n`);
    return 2;
  }
  const { globals, rest } = parsed;
  if (rest.length === 0 || rest[0] === '--help' || rest[0] === '-h' || rest[0] === 'help') {
    io.stdout(usage());
    return rest.length === 0 ? 2 : 0;
  }
  const command = findCommand(rest);
  if (!command) {
    io.stderr(`ccp: unknown command "${rest.join(' ')}"\n\n${usage()}`);
    return 2;
  }
  const args = rest.slice(command.name.length);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.usage}\n\n${GLOBAL_HELP}\n`);
    return 0;
  }
  try {
    return await command.run(args, globals, io);
  } catch (error) {
    if (error instanceof ValidationError) {
      io.stderr(`ccp ${command.name.join(' ')}: ${error.errors.length > 0 ? error.errors.map(formatIssue).join('\n  ') : error.message}\n`);
      return 2;
    }
    io.stderr(`ccp ${command.name.join(' ')}: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Runs `ccp` on this process's arguments and terminal. */
export function cli(): void {
  // The S3 SDK is pinned to a release that runs on Node 20 on purpose; its upgrade notice is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // `ccp serve` and `ccp run` host every function: an error a handler leaves uncaught fails its
  // delivery (logged as JSON with its stack on stderr), never the process.
  installProcessGuard(createLogger({ write: (line) => process.stderr.write(`${line}\n`), fields: { fn: 'ccp' } }));
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // One line for people; the stack only when asked for (CCP_LOG_LEVEL=debug).
      const detail = readEnv(CORE.logLevel, process.env) === 'debug' ? ((error as Error).stack ?? String(error)) : ((error as Error).message ?? String(error));
      process.stderr.write(`ccp: ${detail}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) cli();
