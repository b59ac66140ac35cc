import type { Rule } from '../../../../../shared/dockerfile/types';
import { badRuns } from '../helpers';

const POINTLESS = new Set(['free', 'ifconfig', 'kill', 'mount', 'ps', 'service', 'shutdown', 'ssh', 'top', 'vim']);

/**
 * DL3001: For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`
 * @see https://github.com/hadolint/hadolint/wiki/DL3001
 */
export const rule: Rule = {
  id: 'DL3001',
  severity: 'info',
  summary:
    'For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`',
  check: (context) => badRuns(context, (script) => script.commands.some((command) => POINTLESS.has(command.name))),
};
