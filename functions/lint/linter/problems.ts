import { dockerfileAst, lazyPackage } from '../../../shared/lazy/packages';
import type { LintContext, RuleFinding } from '../../../shared/dockerfile/types';

/** hadolint's code for a Dockerfile it cannot parse. */
export const PARSE_ERROR = 'DL1000';
/** ccp's code for a Dockerfile without any `FROM` (empty files included). */
export const NO_FROM = 'CCP1001';

/** Docker's instructions, from dockerfile-ast (loaded with the first Dockerfile linted). */
const known = lazyPackage(() => new Set<string>(Object.values(dockerfileAst().Keyword)));

/** A problem that makes the Dockerfile unbuildable, before any rule runs. */
export interface Problem extends RuleFinding {
  code: string;
  message: string;
}

/**
 * What Docker would refuse to build: binary content, unknown instructions, a line continuation
 * or heredoc that never ends, no `FROM`. hadolint reports parse failures as DL1000.
 * @see https://docs.docker.com/reference/dockerfile/#format
 */
export function findProblems(context: LintContext): Problem[] {
  if (context.text.includes('\u0000')) {
    return [{ code: PARSE_ERROR, line: 1, column: 1, message: 'not a Dockerfile: the file contains NUL bytes (binary content)' }];
  }
  const problems: Problem[] = [];
  for (const node of context.instructions) {
    if (!known().has(node.keyword)) {
      const shown = JSON.stringify(node.node.getInstruction());
      problems.push({ code: PARSE_ERROR, line: node.line, column: 1, message: `unknown instruction ${shown}` });
    }
    if (node.keyword === 'RUN' || node.keyword === 'COPY') problems.push(...unterminatedHeredocs(context, node.line, node.endLine));
  }
  problems.push(...danglingContinuation(context));
  if (context.stages.length === 0) {
    const what = context.instructions.length === 0 ? 'the Dockerfile has no instructions' : 'the Dockerfile has no FROM instruction';
    problems.push({ code: NO_FROM, line: 1, column: 1, message: `${what}: a build needs a base image (FROM)` });
  }
  return problems;
}

/** The last non-blank line ends with the escape character: the instruction never ends. */
function danglingContinuation(context: LintContext): Problem[] {
  const escape = context.dockerfile.getEscapeCharacter();
  const lines = context.text.split(/\r?\n/);
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === '') last -= 1;
  if (last < 0 || lines[last].trimStart().startsWith('#')) return [];
  if (!lines[last].trimEnd().endsWith(escape)) return [];
  return [{ code: PARSE_ERROR, line: last + 1, column: 1, message: 'unexpected end of file: the last line ends with a line continuation' }];
}

const HEREDOC_START = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/** `RUN <<EOF` whose `EOF` line never comes. */
function unterminatedHeredocs(context: LintContext, line: number, endLine: number): Problem[] {
  const lines = context.text.split(/\r?\n/);
  const first = lines[line - 1] ?? '';
  const problems: Problem[] = [];
  for (const match of first.matchAll(HEREDOC_START)) {
    const [, dash, , name] = match;
    const body = lines.slice(line, endLine);
    const closed = body.some((text) => (dash ? text.replace(/^\t+/, '') : text) === name);
    if (!closed) problems.push({ code: PARSE_ERROR, line, column: 1, message: `unterminated heredoc: no line "${name}" ends it` });
  }
  return problems;
}
