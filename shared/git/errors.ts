/** A git operation failed: unreachable repository, unknown branch or commit, timeout. */
export class GitError extends Error {
  override readonly name = 'GitError';

  constructor(
    message: string,
    readonly url: string,
    readonly ref?: string,
  ) {
    super(message);
  }
}
