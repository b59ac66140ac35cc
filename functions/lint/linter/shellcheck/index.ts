import { scriptSources } from './source';
import { shellcheck } from './run';
import type { LintContext } from '../../../../shared/dockerfile/types';

export { ShellcheckError } from './types';
export type { ShellcheckComment } from './types';

/** A ShellCheck comment placed at its Dockerfile line and column. */
export interface PlacedComment {
  code: string;
  level: 'error' | 'warning' | 'info' | 'style';
  line: number;
  column: number;
  message: string;
  /** Line of the `RUN` the comment is in. */
  instructionLine: number;
}

/**
 * Runs ShellCheck over every shell-form `RUN` of the Dockerfile and places each comment at the
 * Dockerfile line and column it concerns.
 * @throws ShellcheckError when ShellCheck is missing or fails
 * @see https://www.shellcheck.net/wiki/
 */
export async function shellcheckDockerfile(context: LintContext, command?: string): Promise<PlacedComment[]> {
  const sources = scriptSources(context);
  const results = await Promise.all(sources.map((source) => shellcheck(source.text, source.dialect, command)));
  return results.flatMap((comments, index) =>
    comments
      .filter((comment) => comment.line >= 2)
      .map((comment) => ({
        code: `SC${comment.code}`,
        level: comment.level,
        line: sources[index].firstLine + comment.line - 2,
        column: comment.column,
        message: comment.message,
        instructionLine: sources[index].instructionLine,
      })),
  );
}
