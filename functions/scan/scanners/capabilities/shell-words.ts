/** One word of a command line, or a control operator (`;`, `&&`, `|`…) that ends a command. */
export interface ShellWord {
  text: string;
  operator?: true;
}

export interface SplitResult {
  words: ShellWord[];
  /** What was odd in the text (an unterminated quote), for the report. */
  notes: string[];
}

const OPERATOR_CHARS = new Set([';', '&', '|']);

/**
 * Splits a command line the way a POSIX shell does before running it: blanks separate words;
 * single quotes keep everything; double quotes keep everything but `$` expansion and the
 * escapes `\$ \` \" \\`; a backslash outside quotes escapes the next character (and joins lines);
 * `$NAME` and `${NAME}` are replaced from `variables` (others stay as written, so a reader sees
 * them); unquoted `;`, `&` and `|` become operator words. Never throws: an unterminated quote
 * runs to the end of the text and is noted.
 * @see https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_02
 */
export function splitShellWords(text: string, variables: Readonly<Record<string, string>> = {}): SplitResult {
  const words: ShellWord[] = [];
  const notes: string[] = [];
  let current = '';
  let inWord = false;
  let index = 0;

  const finish = (): void => {
    if (inWord) words.push({ text: current });
    current = '';
    inWord = false;
  };
  const expand = (): void => {
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(text.slice(index));
    const bare = braced ? null : /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(index));
    const match = braced ?? bare;
    if (match && Object.prototype.hasOwnProperty.call(variables, match[1]!)) current += variables[match[1]!];
    else current += match ? match[0] : '$';
    index += match ? match[0].length : 1;
  };

  while (index < text.length) {
    const char = text[index]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      finish();
      index += 1;
    } else if (OPERATOR_CHARS.has(char)) {
      finish();
      const doubled = text[index + 1] === char && char !== ';';
      words.push({ text: doubled ? char + char : char, operator: true });
      index += doubled ? 2 : 1;
    } else if (char === '\\') {
      const next = text[index + 1];
      if (next === '\n') {
        index += 2;
      } else {
        if (next !== undefined) current += next;
        inWord = true;
        index += 2;
      }
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      inWord = true;
      if (end < 0) {
        notes.push(`unterminated single quote at column ${index + 1}; read to the end`);
        current += text.slice(index + 1);
        index = text.length;
      } else {
        current += text.slice(index + 1, end);
        index = end + 1;
      }
    } else if (char === '"') {
      inWord = true;
      const column = index + 1;
      index += 1;
      while (index < text.length && text[index] !== '"') {
        if (text[index] === '\\' && '$`"\\\n'.includes(text[index + 1] ?? '')) {
          if (text[index + 1] !== '\n') current += text[index + 1];
          index += 2;
        } else if (text[index] === '$') {
          expand();
        } else {
          current += text[index];
          index += 1;
        }
      }
      if (index >= text.length) notes.push(`unterminated double quote at column ${column}; read to the end`);
      index += 1;
    } else if (char === '$') {
      inWord = true;
      expand();
    } else {
      current += char;
      inWord = true;
      index += 1;
    }
  }
  finish();
  return { words, notes };
}
