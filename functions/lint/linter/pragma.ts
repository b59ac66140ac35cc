import type { LintContext } from '../../../shared/dockerfile/types';

/** Codes switched off by `# hadolint ignore=` comments. */
export interface Pragmas {
  /** `# hadolint global ignore=...`: for the whole file. */
  global: Set<string>;
  /** Per instruction: its line range and the codes ignored for it. */
  local: { line: number; endLine: number; codes: Set<string> }[];
}

const IGNORE = /^#\s*hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9,\s]+)$/i;

/**
 * Reads `# hadolint ignore=DL3006,SC2086` (for the next instruction; only comments may come
 * between) and `# hadolint global ignore=...` (for the whole file).
 * @see https://github.com/hadolint/hadolint#inline-ignores
 */
export function readPragmas(context: LintContext): Pragmas {
  const lines = context.text.split(/\r?\n/);
  const starts = new Map(context.instructions.filter((node) => !node.onbuild).map((node) => [node.line, node]));
  const inside = new Set<number>();
  for (const node of starts.values()) for (let line = node.line; line <= node.endLine; line += 1) inside.add(line);
  const pragmas: Pragmas = { global: new Set(), local: [] };
  lines.forEach((text, index) => {
    const line = index + 1;
    const match = IGNORE.exec(text.trim());
    if (!match || inside.has(line)) return;
    const codes = match[2]
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((code) => code.toUpperCase());
    if (match[1]) {
      codes.forEach((code) => pragmas.global.add(code));
      return;
    }
    let next = line + 1;
    while (next <= lines.length && !starts.has(next) && /^\s*(#.*)?$/.test(lines[next - 1])) next += 1;
    const node = starts.get(next);
    if (node) pragmas.local.push({ line: node.line, endLine: node.endLine, codes: new Set(codes) });
  });
  return pragmas;
}

/** Whether a finding with this code at this line is switched off by a pragma. */
export function isIgnoredByPragma(pragmas: Pragmas, code: string, line: number): boolean {
  if (pragmas.global.has(code)) return true;
  return pragmas.local.some((entry) => entry.codes.has(code) && line >= entry.line && line <= entry.endLine);
}
