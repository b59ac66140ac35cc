import { baseName, hasFlag } from '../../../../../shared/dockerfile/shell/command';
import { parseShell } from '../../../../../shared/dockerfile/shell/parse';
import type { Rule } from '../../../../../shared/dockerfile/types';

const NON_POSIX = ['cmd', 'pwsh', 'powershell'];

function shellIsSafe(words: string[]): boolean {
  const shell = baseName(words[0] ?? '')
    .replace(/\.exe$/i, '')
    .toLowerCase();
  if (NON_POSIX.includes(shell)) return true;
  return parseShell(words.join(' ')).commands.some(
    (command) => ['bash', 'zsh', 'ash'].includes(baseName(command.name)) && hasFlag(command, 'o') && command.args.includes('pipefail'),
  );
}

/**
 * DL4006: Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check
 * @see https://github.com/hadolint/hadolint/wiki/DL4006
 */
export const rule: Rule = {
  id: 'DL4006',
  severity: 'warning',
  summary:
    'Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check',
  check: (context) => {
    const findings: { line: number }[] = [];
    let safe = false;
    for (const node of context.instructions) {
      if (node.keyword === 'FROM' && !node.onbuild) safe = false;
      if (node.keyword === 'SHELL') safe = shellIsSafe(node.jsonForm ? node.jsonArgs : node.words);
      if (node.keyword === 'RUN' && !safe && node.script?.hasPipe) findings.push({ line: node.line });
    }
    return findings;
  },
};
