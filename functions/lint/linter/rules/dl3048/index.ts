import type { Label } from 'dockerfile-ast';
import type { Rule } from '../../../../../shared/dockerfile/types';

function isValidKey(key: string): boolean {
  const bare = key.replace(/^["']|["']$/g, '');
  return (
    /^[a-z]/.test(bare) &&
    /[a-z0-9]$/.test(bare) &&
    /^[a-z0-9.-]+$/.test(bare) &&
    !/^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/.test(bare) &&
    !bare.includes('..') &&
    !bare.includes('--')
  );
}

/**
 * DL3048: Invalid label key.
 * @see https://github.com/hadolint/hadolint/wiki/DL3048
 */
export const rule: Rule = {
  id: 'DL3048',
  severity: 'style',
  summary: 'Invalid label key.',
  check: (context) =>
    context.instructions
      .filter((node) => node.keyword === 'LABEL')
      .filter((node) => (node.node as Label).getProperties().some((property) => !isValidKey(property.getName())))
      .map((node) => ({ line: node.line })),
};
