import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns, hasCacheMount } from '../helpers';

/**
 * DL3019: Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages
 * @see https://github.com/hadolint/hadolint/wiki/DL3019
 */
export const rule: Rule = {
  id: 'DL3019',
  severity: 'info',
  summary: 'Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages',
  check: (context) =>
    badRuns(
      context,
      (script, node) =>
        !hasCacheMount(node, '/var/cache/apk') &&
        script.commands.some((command) => command.name === 'apk' && command.args.includes('add') && !command.args.includes('--no-cache')),
    ),
};
