/**
 * One problem found in some input: which input, where in it, and what is wrong.
 * `file`, `line` and `column` are set when the input is a file (lines and columns start at 1).
 */
export interface Issue {
  /** Dotted path of the offending field, e.g. `data.project.appId` or `Projects[3].job-id`. */
  field: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/**
 * Thrown when input does not follow its contract. Carries every problem found, not only the
 * first, the way the CloudEvents SDK's `ValidationError` does.
 * @see https://github.com/cloudevents/sdk-javascript/blob/main/src/event/validation.ts
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';

  constructor(
    message: string,
    readonly errors: Issue[] = [],
  ) {
    super(errors.length > 0 ? `${message}: ${errors.map(formatIssue).join('; ')}` : message);
  }
}

/** Renders an issue as `file:line:column field: message`, leaving out what is unknown. */
export function formatIssue(issue: Issue): string {
  const where = [issue.file, issue.line, issue.column].filter((part) => part !== undefined).join(':');
  return `${where ? `${where} ` : ''}${issue.field}: ${issue.message}`;
}
