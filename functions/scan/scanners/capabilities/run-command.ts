import { tokenize } from '../../../../shared/dockerfile/shell/tokenize';

/** One word of a command line, or a control operator (`;`, `&&`, `|`…) that ends a command. */
export interface ShellWord {
  text: string;
  operator?: true;
}

/** Operators that end a command: `parseRunCommand` stops at the first. */
const COMMAND_ENDS = new Set([';', ';;', '&', '&&', '|', '||', '|&']);

/**
 * The words of a `RUN` label as a shell reads them, through ccp's one shell tokenizer: quotes
 * and escapes removed, `$NAME` and `${NAME}` of `variables` replaced (others stay as written),
 * operators that end a command marked, a redirection or parenthesis kept as a word, a newline
 * a blank. Never throws: an unterminated quote runs to the end of the text and is noted.
 * @see https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_02
 */
export function labelWords(text: string, variables: Readonly<Record<string, string>> = {}): { words: ShellWord[]; notes: string[] } {
  const notes: string[] = [];
  const words: ShellWord[] = [];
  for (const token of tokenize(text, { variables, notes })) {
    if (token.kind === 'word') words.push({ text: token.value });
    else if (token.kind === 'op' && COMMAND_ENDS.has(token.value)) words.push({ text: token.value, operator: true });
    else if (token.kind === 'op' && token.value !== '\n') words.push({ text: token.value });
  }
  return { words, notes };
}

/** One option of `docker run` / `podman run`, with its canonical long name. */
export interface RunOption {
  /** Long name without dashes, aliases resolved: `network` for `--net`, `volume` for `-v`. */
  name: string;
  /** `true` for a flag given without a value. */
  value: string | true;
  /** As written, for the report: `--net=host`, `-v /:/host`. */
  raw: string;
}

export interface RunCommand {
  /** `docker`, `podman`… or `null` when the label does not start with a container engine. */
  engine: string | null;
  options: RunOption[];
  /** The first operand after the options; `null` when there is none. */
  image: string | null;
  /** Words after the image: the command the container runs. */
  args: string[];
}

const ENGINES = new Set(['docker', 'podman', 'nerdctl', 'atomic']);
const SUBCOMMANDS = new Set(['run', 'create']);
const PREFIXES = new Set(['sudo', 'exec', 'env', 'command']);
const SUBCOMMAND_WINDOW = 6;

/** Long options of `run` that take no value (`--flag` or `--flag=true|false`); every other option takes one. */
const FLAGS = new Set([
  'detach',
  'interactive',
  'tty',
  'rm',
  'privileged',
  'init',
  'read-only',
  'read-only-tmpfs',
  'publish-all',
  'sig-proxy',
  'oom-kill-disable',
  'no-healthcheck',
  'disable-content-trust',
  'help',
  'quiet',
  'replace',
  'rmi',
  'no-hosts',
  'http-proxy',
  'env-host',
  'passwd',
  'rootfs',
  'tls-verify',
  'use-api-socket',
]);

/** Short options: the flags, and those that take a value. */
const SHORT_FLAGS: Record<string, string> = { d: 'detach', i: 'interactive', t: 'tty', P: 'publish-all', q: 'quiet' };
const SHORT_VALUES: Record<string, string> = {
  a: 'attach',
  c: 'cpu-shares',
  e: 'env',
  h: 'hostname',
  l: 'label',
  m: 'memory',
  p: 'publish',
  u: 'user',
  v: 'volume',
  w: 'workdir',
};

/** Long aliases that docker and podman both accept. */
const ALIASES: Record<string, string> = { net: 'network' };

/**
 * Reads a `docker run` / `podman run` command line (already split into words): the engine,
 * the options in every spelling (`--opt value`, `--opt=value`, `-v value`, `-vvalue`, grouped
 * short flags `-it`), up to the image (the first operand, or whatever follows `--`), then the
 * container's command. Reading stops at a control operator (`&&`, `;`…). A line that does not
 * start with an engine is read as run options straight away.
 * @see https://docs.docker.com/reference/cli/docker/container/run/
 * @see https://docs.podman.io/en/latest/markdown/podman-run.1.html
 */
export function parseRunCommand(words: ShellWord[]): RunCommand {
  const end = words.findIndex((word) => word.operator);
  const list = (end < 0 ? words : words.slice(0, end)).map((word) => word.text);
  let index = 0;
  let engine: string | null = null;
  // `sudo`, `exec`, `env` and `VAR=value` may come before the engine.
  let engineAt = 0;
  while (engineAt < list.length && (PREFIXES.has(list[engineAt]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(list[engineAt]!))) engineAt += 1;
  const program = list[engineAt]?.slice(list[engineAt]!.lastIndexOf('/') + 1);
  if (program && ENGINES.has(program)) {
    engine = program;
    // Global options and `container` may stand between the engine and `run`.
    const window = list.slice(engineAt + 1, engineAt + 1 + SUBCOMMAND_WINDOW);
    const subcommandAt = window.findIndex((word) => SUBCOMMANDS.has(word));
    index = engineAt + 1 + (subcommandAt >= 0 ? subcommandAt + 1 : 0);
  }
  const options: RunOption[] = [];
  while (index < list.length) {
    const word = list[index]!;
    if (word === '--') {
      index += 1;
      break;
    }
    if (word.startsWith('--') && word.length > 2) {
      const eq = word.indexOf('=');
      const written = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const name = ALIASES[written] ?? written;
      if (eq >= 0) options.push({ name, value: word.slice(eq + 1), raw: word });
      else if (FLAGS.has(name) || index + 1 >= list.length) options.push({ name, value: true, raw: word });
      else {
        options.push({ name, value: list[index + 1]!, raw: `${word} ${list[index + 1]!}` });
        index += 1;
      }
      index += 1;
    } else if (word.startsWith('-') && word.length > 1) {
      index += readShortGroup(word, list[index + 1], options);
    } else {
      break;
    }
  }
  const image = index < list.length ? list[index]! : null;
  return { engine, options, image, args: image === null ? [] : list.slice(index + 1) };
}

/** Reads `-it`, `-v value`, `-vvalue`; answers how many words it used. */
function readShortGroup(word: string, next: string | undefined, options: RunOption[]): number {
  for (let at = 1; at < word.length; at += 1) {
    const letter = word[at]!;
    const valued = SHORT_VALUES[letter];
    if (valued) {
      const rest = word.slice(at + 1).replace(/^=/, '');
      if (rest) {
        options.push({ name: valued, value: rest, raw: word });
        return 1;
      }
      if (next === undefined) {
        options.push({ name: valued, value: true, raw: word });
        return 1;
      }
      options.push({ name: valued, value: next, raw: `${word} ${next}` });
      return 2;
    }
    options.push({ name: SHORT_FLAGS[letter] ?? letter, value: true, raw: `-${letter}` });
  }
  return 1;
}
