import type { From, Instruction } from 'dockerfile-ast';
import { dockerfileAst } from '../lazy/packages';
import type { Onbuild } from 'dockerfile-ast';
import { parseImageRef } from './image';
import { parseShell } from './shell/parse';
import type { InstructionNode, LintContext, Stage } from './types';

/** Keywords whose arguments Docker reads as JSON when they parse as a JSON array of strings. */
const JSON_CAPABLE = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'SHELL', 'VOLUME']);

/**
 * Parses a Dockerfile once into what the rules look at: instructions flattened (ONBUILD
 * triggers included), stages, and the shell commands of every `RUN`.
 * @see https://docs.docker.com/reference/dockerfile/
 */
export function buildContext(text: string, file: string, trustedRegistries: string[] = []): LintContext {
  const dockerfile = dockerfileAst().DockerfileParser.parse(text);
  const stages: Stage[] = [];
  const instructions: InstructionNode[] = [];
  for (const node of dockerfile.getInstructions()) {
    const keyword = node.getKeyword();
    if (keyword === 'FROM') stages.push(toStage(node as From, stages.length));
    instructions.push(toNode(node, keyword, stages.length - 1, false));
    if (keyword === 'ONBUILD') {
      const trigger = (node as Onbuild).getTriggerInstruction();
      if (trigger) instructions.push(toNode(trigger, trigger.getKeyword(), stages.length - 1, true));
    }
  }
  return { file, text, dockerfile, instructions, stages, trustedRegistries };
}

function toStage(from: From, index: number): Stage {
  const ref = parseImageRef(from.getImage() ?? '');
  return {
    index,
    line: from.getRange().start.line + 1,
    ...ref,
    alias: from.getBuildStage()?.toLowerCase() ?? null,
    platform: from.getPlatformFlag()?.getValue() ?? null,
  };
}

function toNode(node: Instruction, keyword: string, stage: number, onbuild: boolean): InstructionNode {
  const range = node.getRange();
  const args = node.getArgumentsContent() ?? '';
  const jsonArgs = JSON_CAPABLE.has(keyword) ? parseJsonArray(args) : null;
  const flags = 'getFlags' in node && typeof node.getFlags === 'function' ? (node as unknown as FlagHolder).getFlags() : [];
  return {
    keyword,
    line: range.start.line + 1,
    endLine: range.end.line + 1,
    args,
    words: node.getArguments().map((argument) => argument.getValue()),
    flags: flags.map((flag) => ({ name: flag.getName(), value: flag.getValue() })),
    jsonForm: jsonArgs !== null,
    jsonArgs: jsonArgs ?? [],
    onbuild,
    stage,
    script: keyword === 'RUN' ? parseShell(jsonArgs ? jsonArgs.join(' ') : runScriptText(node, args)) : null,
    node,
  };
}

interface FlagHolder {
  getFlags(): { getName(): string; getValue(): string | null }[];
}

/** Docker's rule: the exec form is a JSON array of strings; anything else is the shell form. */
function parseJsonArray(args: string): string[] | null {
  const trimmed = args.trim();
  if (!trimmed.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

const HEREDOC_OPERATOR = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

/**
 * The shell text of a shell-form `RUN`. With a heredoc (`RUN <<EOF ... EOF`) the body is the
 * script when the first line holds only the heredoc operator; otherwise only the first line runs
 * as a command (its heredoc is some program's input, not shell).
 */
export function runScriptText(node: Instruction, args: string): string {
  const heredocs = 'getHeredocs' in node ? (node as unknown as { getHeredocs(): HeredocLike[] }).getHeredocs() : [];
  if (heredocs.length === 0) return args;
  const firstLine = args.split('\n')[0];
  const command = firstLine.replace(HEREDOC_OPERATOR, '').trim();
  if (command !== '') return command;
  return heredocs.map((heredoc) => heredocBody(node, heredoc)).join('\n');
}

interface HeredocLike {
  getContentRange(): { start: { line: number }; end: { line: number } } | null;
}

function heredocBody(node: Instruction, heredoc: HeredocLike): string {
  const range = heredoc.getContentRange();
  if (!range) return '';
  const lines = node.getTextContent().split('\n');
  const first = node.getRange().start.line;
  return lines.slice(range.start.line - first, range.end.line - first + 1).join('\n');
}
