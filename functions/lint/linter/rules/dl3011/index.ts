import type { Rule } from '../../../../../shared/dockerfile/types';
import { badInstructions } from '../helpers';

/**
 * DL3011: Valid UNIX ports range from 0 to 65535
 * @see https://github.com/hadolint/hadolint/wiki/DL3011
 */
export const rule: Rule = {
  id: 'DL3011',
  severity: 'error',
  summary: 'Valid UNIX ports range from 0 to 65535',
  check: (context) =>
    badInstructions(context, 'EXPOSE', (node) =>
      node.words.some((word) =>
        word
          .replace(/\/(tcp|udp|sctp)$/i, '')
          .split('-')
          .some((port) => /^\d+$/.test(port) && Number(port) > 65535),
      ),
    ),
};
