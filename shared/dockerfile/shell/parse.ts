import { tokenize, type Token } from './tokenize';
import type { ShellCommand, ShellScript } from './types';

/** Words that open or continue a compound command; the word after them starts a command. */
const PREFIX_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
/** Words that close a compound command, in command position. */
const CLOSING_KEYWORDS = new Set(['fi', 'done', '}', 'esac']);
const REDIRECTIONS = new Set(['>', '>>', '<', '<<', '<<<', '>&', '<&', '&>']);
const SEPARATORS = new Set(['&&', '||', ';', '|', '|&', '&', '(', ')', '\n', ';;']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

/**
 * Splits a `RUN` script into the simple commands it runs, the way hadolint's ShellCheck-based
 * parser sees them: split on `&&`, `||`, `;`, `|`, `&` and newlines, leading `VAR=x` assignments
 * and redirections dropped, commands inside `$(...)`, backticks, subshells and
 * `if`/`while`/`for` bodies included. Never throws.
 * @see https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Shell.hs
 */
export function parseShell(text: string): ShellScript {
  const commands: ShellCommand[] = [];
  const hasPipe = collect(tokenize(text), commands);
  return { text, commands, hasPipe };
}

function collect(tokens: Token[], commands: ShellCommand[]): boolean {
  let hasPipe = false;
  let words: string[] = [];
  let skipUntilSeparator = false;
  const flush = (): void => {
    const start = words.findIndex((word) => !ASSIGNMENT.test(word));
    if (start !== -1) commands.push({ name: words[start], args: words.slice(start + 1) });
    words = [];
  };
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token.kind === 'sub') {
      hasPipe = collect(tokenize(token.script), commands) || hasPipe;
      continue;
    }
    if (token.kind === 'op') {
      if (REDIRECTIONS.has(token.value)) {
        if (tokens[i + 1]?.kind === 'word') i += 1;
        continue;
      }
      if (SEPARATORS.has(token.value)) {
        if (token.value === '|' || token.value === '|&') hasPipe = true;
        if (!skipUntilSeparator) flush();
        skipUntilSeparator = false;
        words = [];
      }
      continue;
    }
    if (skipUntilSeparator) continue;
    const atStart = words.length === 0;
    if (atStart && PREFIX_KEYWORDS.has(token.value)) continue;
    if (atStart && CLOSING_KEYWORDS.has(token.value)) continue;
    if (atStart && (token.value === 'for' || token.value === 'case' || token.value === 'select')) {
      // `for x in a b` and `case $x in` are not commands; their bodies are parsed as usual.
      skipUntilSeparator = true;
      continue;
    }
    // A redirection glued to its fd (`2>/dev/null`, `2>&1`) is not an argument.
    if (/^\d+$/.test(token.value) && tokens[i + 1]?.kind === 'op' && REDIRECTIONS.has((tokens[i + 1] as { value: string }).value)) {
      continue;
    }
    words.push(token.value);
  }
  if (!skipUntilSeparator) flush();
  return hasPipe;
}
