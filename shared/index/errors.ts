/**
 * The index could not be read at all: a folder that does not exist, a git URL that cannot be
 * cloned, a branch the repository does not have. Problems inside index files are not thrown;
 * they are {@link IndexIssue}s of the loaded index.
 */
export class IndexSourceError extends Error {
  override readonly name = 'IndexSourceError';

  constructor(
    message: string,
    /** The folder or git URL as given. */
    readonly location: string,
    readonly branch?: string,
  ) {
    super(message);
  }
}
