import type { Rule } from '../../../../../shared/dockerfile/types';
import { stageInstructions } from '../helpers';

function isRoot(user: string): boolean {
  return user === 'root' || user === '0' || user.startsWith('root:') || user.startsWith('0:');
}

/**
 * DL3002: Last USER should not be root
 * @see https://github.com/hadolint/hadolint/wiki/DL3002
 */
export const rule: Rule = {
  id: 'DL3002',
  severity: 'warning',
  summary: 'Last USER should not be root',
  check: (context) =>
    stageInstructions(context).flatMap((nodes) => {
      const last = nodes.filter((node) => node.keyword === 'USER').pop();
      return last && isRoot(last.args.trim()) ? [{ line: last.line }] : [];
    }),
};
