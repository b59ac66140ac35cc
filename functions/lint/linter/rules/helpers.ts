import type { ShellScript } from '../../../../shared/dockerfile/shell/types';
import type { InstructionNode, LintContext, RuleFinding } from '../../../../shared/dockerfile/types';

/**
 * Findings for every `RUN` (ONBUILD triggers included, as hadolint's `onbuild` rules do) whose
 * script fails `isBad`.
 * @see https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Rule.hs
 */
export function badRuns(context: LintContext, isBad: (script: ShellScript, node: InstructionNode) => boolean): RuleFinding[] {
  return context.instructions.filter((node) => node.script !== null && isBad(node.script, node)).map((node) => ({ line: node.line }));
}

/** Findings for every instruction with this keyword that fails `isBad`. */
export function badInstructions(context: LintContext, keyword: string, isBad: (node: InstructionNode) => boolean): RuleFinding[] {
  return context.instructions.filter((node) => node.keyword === keyword && isBad(node)).map((node) => ({ line: node.line }));
}

/** Whether a `RUN --mount=type=cache,target=...` caches a folder under `dir`. */
export function hasCacheMount(node: InstructionNode, dir: string): boolean {
  return node.flags.some((flag) => {
    if (flag.name !== 'mount' || !flag.value) return false;
    const options = new Map(flag.value.split(',').map((part) => part.split('=', 2) as [string, string]));
    const target = options.get('target') ?? options.get('dst') ?? options.get('destination') ?? '';
    return options.get('type') === 'cache' && target.startsWith(dir);
  });
}

/** Removes one pair of surrounding quotes. */
export function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** Whether a path is absolute on Linux or Windows, or starts with a variable (unknown). */
export function isAbsoluteOrVariable(path: string): boolean {
  const bare = unquote(path);
  return bare.startsWith('/') || bare.startsWith('$') || /^[A-Za-z]:[\\/]/.test(bare);
}

/** Top-level instructions grouped by stage (ONBUILD triggers left out: they run elsewhere). */
export function stageInstructions(context: LintContext): InstructionNode[][] {
  const groups: InstructionNode[][] = [];
  for (const node of context.instructions) {
    if (node.onbuild) continue;
    const index = node.stage + 1;
    (groups[index] ??= []).push(node);
  }
  return groups.filter((group) => group !== undefined);
}
