/** A shell token: a word (quotes removed) or a control operator. */
export type Token = { kind: 'word'; value: string; raw: string } | { kind: 'op'; value: string } | { kind: 'sub'; script: string };

export interface TokenizeOptions {
  /**
   * `$NAME` and `${NAME}` of these are replaced by their values outside single quotes (as
   * `podman container runlabel` does with `IMAGE` and `NAME`); any other stays as written.
   */
  variables?: Readonly<Record<string, string>>;
  /** Receives what was odd in the text (an unterminated quote), for a report. */
  notes?: string[];
}

const OPERATORS = ['&&', '||', ';;', '|&', '>>', '<<<', '<<', '>&', '<&', '&>', ';', '|', '&', '(', ')', '\n', '>', '<'];
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/**
 * Splits POSIX shell text into words and operators, the way `sh` reads it: quotes, backslash
 * escapes, line continuations, `#` comments, `$(...)`, `${...}` and backticks. Command
 * substitutions are also returned as `sub` tokens so their commands can be parsed too.
 * Unterminated quotes end at the end of the text rather than throwing (a linter must cope) and
 * are noted in `options.notes`. The one shell tokenizer of ccp: the lint's `RUN` parser and the
 * capabilities scanner's `RUN` label reader both use it.
 * @see https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_02_03
 */
export function tokenize(text: string, options: TokenizeOptions = {}): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i += 1;
      continue;
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (op) {
      tokens.push({ kind: 'op', value: op });
      i += op.length;
      continue;
    }
    i = readWord(text, i, tokens, options);
  }
  return tokens;
}

function readWord(text: string, start: number, tokens: Token[], options: TokenizeOptions): number {
  let value = '';
  let i = start;
  const subs: string[] = [];
  while (i < text.length && !WORD_END.has(text[i])) {
    const ch = text[i];
    const variable = ch === '$' ? expansion(text, i, options.variables) : null;
    if (variable) {
      value += variable.value;
      i = variable.end;
    } else if (ch === '\\') {
      if (text[i + 1] !== '\n') value += text[i + 1] ?? '';
      i += 2;
    } else if (ch === "'") {
      const end = indexOrEnd(text, "'", i + 1);
      if (end === text.length) options.notes?.push(`unterminated single quote at column ${i + 1}; read to the end`);
      value += text.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      const end = readDoubleQuoted(text, i + 1, (part) => (value += part), subs, options.variables);
      if (end > text.length) options.notes?.push(`unterminated double quote at column ${i + 1}; read to the end`);
      i = end;
    } else if (ch === '$' && text[i + 1] === '(') {
      const end = matchingParen(text, i + 1);
      subs.push(text.slice(i + 2, end));
      value += text.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '$' && text[i + 1] === '{') {
      const end = indexOrEnd(text, '}', i + 2);
      value += text.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '`') {
      const end = indexOrEnd(text, '`', i + 1);
      subs.push(text.slice(i + 1, end));
      value += text.slice(i, end + 1);
      i = end + 1;
    } else {
      value += ch;
      i += 1;
    }
  }
  tokens.push({ kind: 'word', value, raw: text.slice(start, i) });
  for (const script of subs) tokens.push({ kind: 'sub', script });
  return i;
}

function readDoubleQuoted(text: string, start: number, append: (part: string) => void, subs: string[], variables: TokenizeOptions['variables']): number {
  let i = start;
  while (i < text.length && text[i] !== '"') {
    const variable = text[i] === '$' ? expansion(text, i, variables) : null;
    if (variable) {
      append(variable.value);
      i = variable.end;
    } else if (text[i] === '\\' && i + 1 < text.length) {
      if (text[i + 1] !== '\n') append('$`"\\'.includes(text[i + 1]) ? text[i + 1] : text.slice(i, i + 2));
      i += 2;
    } else if (text[i] === '$' && text[i + 1] === '(') {
      const end = matchingParen(text, i + 1);
      subs.push(text.slice(i + 2, end));
      append(text.slice(i, end + 1));
      i = end + 1;
    } else {
      append(text[i]);
      i += 1;
    }
  }
  return i + 1;
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/y;

/** The value of `$NAME` or `${NAME}` at `at` and where it ends, when `variables` has NAME. */
function expansion(text: string, at: number, variables: TokenizeOptions['variables']): { value: string; end: number } | null {
  if (!variables) return null;
  VARIABLE.lastIndex = at;
  const match = VARIABLE.exec(text);
  const name = match?.[1] ?? match?.[2];
  if (!match || name === undefined || !Object.prototype.hasOwnProperty.call(variables, name)) return null;
  return { value: variables[name]!, end: at + match[0].length };
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const found = text.indexOf(needle, from);
  return found === -1 ? text.length : found;
}

/** Index of the `)` closing the `(` at `open`, skipping quotes; the text's end when unbalanced. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\') i += 1;
    else if (ch === "'") i = indexOrEnd(text, "'", i + 1);
    else if (ch === '(') depth += 1;
    else if (ch === ')' && --depth === 0) return i;
  }
  return text.length;
}
