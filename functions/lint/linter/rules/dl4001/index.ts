import type { Rule } from '../../../../../shared/dockerfile/types';

/**
 * DL4001: Either use Wget or Curl but not both
 * @see https://github.com/hadolint/hadolint/wiki/DL4001
 */
export const rule: Rule = {
  id: 'DL4001',
  severity: 'warning',
  summary: 'Either use Wget or Curl but not both',
  check: (context) => {
    const findings: { line: number }[] = [];
    let used = new Set<string>();
    for (const node of context.instructions) {
      if (node.keyword === 'FROM' && !node.onbuild) used = new Set();
      if (!node.script) continue;
      const here = node.script.commands.map((command) => command.name).filter((name) => name === 'curl' || name === 'wget');
      here.forEach((name) => used.add(name));
      if (here.length > 0 && used.size === 2) findings.push({ line: node.line });
    }
    return findings;
  },
};
