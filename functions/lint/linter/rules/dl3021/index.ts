import type { Rule } from '../../../../../shared/dockerfile/types';
import { badInstructions } from '../helpers';

/**
 * DL3021: COPY with more than 2 arguments requires the last argument to end with /
 * @see https://github.com/hadolint/hadolint/wiki/DL3021
 */
export const rule: Rule = {
  id: 'DL3021',
  severity: 'error',
  summary: 'COPY with more than 2 arguments requires the last argument to end with /',
  check: (context) =>
    badInstructions(context, 'COPY', (node) => {
      const words = node.jsonForm ? node.jsonArgs : node.words;
      return words.length > 2 && !words[words.length - 1].replace(/["']/g, '').endsWith('/');
    }),
};
