import { isPipInstall } from '../../../../../shared/dockerfile/shell/command';
import type { Rule } from '../../../../../shared/dockerfile/types';
import { stageInstructions } from '../helpers';

const PIP_NO_CACHE = /PIP_NO_CACHE_DIR=["']?(1|true|on|yes)\b/i;

/**
 * DL3042: Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`
 * @see https://github.com/hadolint/hadolint/wiki/DL3042
 */
export const rule: Rule = {
  id: 'DL3042',
  severity: 'warning',
  summary: 'Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`',
  check: (context) =>
    stageInstructions(context).flatMap((nodes) => {
      let noCacheEnv = false;
      const findings: { line: number }[] = [];
      for (const node of nodes) {
        if (node.keyword === 'ENV' && PIP_NO_CACHE.test(node.args)) noCacheEnv = true;
        if (!node.script || noCacheEnv || PIP_NO_CACHE.test(node.args)) continue;
        const bad = node.script.commands.some(
          (command) =>
            isPipInstall(command) && !command.args.includes('--no-cache-dir') && !/pipx|pipenv/.test(command.name) && !command.args.includes('pipenv'),
        );
        if (bad) findings.push({ line: node.line });
      }
      return findings;
    }),
};
