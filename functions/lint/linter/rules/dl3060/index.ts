import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns, hasCacheMount } from '../helpers';

/**
 * DL3060: `yarn cache clean` missing after `yarn install` was run.
 * @see https://github.com/hadolint/hadolint/wiki/DL3060
 */
export const rule: Rule = {
  id: 'DL3060',
  severity: 'info',
  summary: '`yarn cache clean` missing after `yarn install` was run.',
  check: (context) =>
    badRuns(context, (script, node) => {
      const installs = script.commands.some((command) => command.name === 'yarn' && command.args.includes('install'));
      const cleans = script.commands.some((command) => command.name === 'yarn' && command.args.includes('cache') && command.args.includes('clean'));
      return installs && !cleans && !hasCacheMount(node, '/usr/local/share/.cache/yarn');
    }),
};
