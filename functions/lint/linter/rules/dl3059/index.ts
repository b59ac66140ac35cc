import type { InstructionNode } from '../../../../../shared/dockerfile/types';
import type { Rule } from '../../../../../shared/dockerfile/types';

function flagsKey(node: InstructionNode): string {
  return node.flags.map((flag) => `${flag.name}=${flag.value ?? ''}`).join(' ');
}

/**
 * DL3059: Multiple consecutive `RUN` instructions. Consider consolidation.
 * @see https://github.com/hadolint/hadolint/wiki/DL3059
 */
export const rule: Rule = {
  id: 'DL3059',
  severity: 'info',
  summary: 'Multiple consecutive `RUN` instructions. Consider consolidation.',
  check: (context) => {
    const findings: { line: number }[] = [];
    let previous: InstructionNode | null = null;
    for (const node of context.instructions) {
      if (node.onbuild) continue;
      if (node.keyword !== 'RUN' || !node.script) {
        previous = null;
        continue;
      }
      const sameFlags = previous !== null && flagsKey(previous) === flagsKey(node);
      const small = previous !== null && (previous.script?.commands.length ?? 0) <= 2 && node.script.commands.length <= 2;
      if (sameFlags && small) {
        findings.push({ line: node.line });
      } else {
        previous = node;
      }
    }
    return findings;
  },
};
