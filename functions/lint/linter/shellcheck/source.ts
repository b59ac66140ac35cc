import type { Env, Instruction } from 'dockerfile-ast';
import { runScriptText } from '../../../../shared/dockerfile/context';
import type { InstructionNode, LintContext } from '../../../../shared/dockerfile/types';
import type { Dialect, ScriptSource } from './types';

/** hadolint exports these to ShellCheck so that they do not count as unassigned. */
const DEFAULT_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy'];
const DIALECTS: Record<string, Dialect> = { sh: 'sh', ash: 'sh', dash: 'dash', bash: 'bash', ksh: 'ksh', mksh: 'ksh' };
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The shell-form `RUN` scripts of a Dockerfile, ready for ShellCheck, with each script's lines
 * kept at their Dockerfile lines and columns: the `RUN` keyword is blanked, comment and blank
 * lines inside a continuation become `\` (Docker drops them), `\` followed by spaces becomes a
 * plain continuation (Docker accepts it, sh does not). Variables from `ARG`/`ENV` are exported
 * first, as hadolint does. Scripts for shells ShellCheck does not know (pwsh, cmd) are left out.
 * @see https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Shell.hs
 */
export function scriptSources(context: LintContext): ScriptSource[] {
  if (context.dockerfile.getEscapeCharacter() !== '\\') return [];
  const lines = context.text.split('\n');
  const variables = new Set(DEFAULT_VARIABLES);
  const sources: ScriptSource[] = [];
  let dialect: Dialect | null = 'sh';
  for (const node of context.instructions) {
    if (node.keyword === 'FROM' && !node.onbuild) dialect = 'sh';
    if (node.keyword === 'SHELL' && node.jsonForm) dialect = DIALECTS[baseName(node.jsonArgs[0] ?? '')] ?? null;
    if (node.keyword === 'ARG') node.words.map((word) => word.split('=')[0]).forEach((name) => variables.add(name));
    if (node.keyword === 'ENV') (node.node as Env).getProperties().forEach((property) => variables.add(property.getName()));
    if (node.keyword !== 'RUN' || node.jsonForm || dialect === null) continue;
    const body = scriptBody(node, lines);
    if (body === null) continue;
    const exported = [...variables].filter((name) => NAME.test(name)).map((name) => `${name}=1`);
    sources.push({ dialect, text: `export ${exported.join(' ')}\n${body.text}\n`, firstLine: body.firstLine, instructionLine: node.line });
  }
  return sources;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function scriptBody(node: InstructionNode, lines: string[]): { text: string; firstLine: number } | null {
  const instruction = node.node as Instruction;
  const args = instruction.getArguments();
  if (args.length === 0) return null;
  if ('getHeredocs' in instruction && (instruction as unknown as { getHeredocs(): unknown[] }).getHeredocs().length > 0) {
    return heredocBody(node, lines);
  }
  const start = args[0].getRange().start;
  const end = node.endLine - 1;
  const raw = lines.slice(start.line, end + 1).map((line) => line.replace(/\r$/, ''));
  raw[0] = ' '.repeat(start.character) + raw[0].slice(start.character);
  const lastCode = findLastCodeLine(raw);
  const text = raw.map((line, index) => {
    if (index > 0 && /^\s*(#.*)?$/.test(line)) return index < lastCode ? '\\' : '';
    return line.replace(/\\[ \t]+$/, '\\');
  });
  return { text: text.join('\n'), firstLine: start.line + 1 };
}

function findLastCodeLine(lines: string[]): number {
  for (let index = lines.length - 1; index > 0; index -= 1) if (!/^\s*(#.*)?$/.test(lines[index])) return index;
  return 0;
}

/** A `RUN <<EOF` whose heredoc is the script itself; other heredoc forms are not shell. */
function heredocBody(node: InstructionNode, lines: string[]): { text: string; firstLine: number } | null {
  const script = runScriptText(node.node, node.args);
  const firstLine = node.line + 1;
  const expected = lines.slice(firstLine - 1, firstLine - 1 + script.split('\n').length).join('\n');
  return script !== '' && expected === script ? { text: script, firstLine } : null;
}
