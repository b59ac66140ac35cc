import type { BuildLog } from '../types';

export const REDACTED = '***';

/**
 * The forms in which a secret could show up in output: itself, and the base64 of
 * `user:password` that registries' Basic auth and `auth.json` carry.
 */
export function secretForms(secrets: ReadonlyArray<string | undefined>, username?: string): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    if (username) forms.add(Buffer.from(`${username}:${secret}`).toString('base64'));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces every secret, and the password of any `scheme://user:password@host` URL, in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+):[^@\s/]+@/gi, `$1:${REDACTED}@`);
  for (const secret of secrets) result = result.split(secret).join(REDACTED);
  return result;
}

/**
 * A build log that never lets a secret through: text is held back until a line ends, so a
 * secret split across two chunks of output is still caught, then redacted and passed on.
 * Call {@link RedactingLog.flush} at the end for the last unfinished line.
 */
export class RedactingLog implements BuildLog {
  private pending = '';

  constructor(
    private readonly target: BuildLog,
    private readonly secrets: readonly string[],
  ) {}

  write(text: string): void {
    const joined = this.pending + text;
    const end = joined.lastIndexOf('\n');
    if (end < 0) {
      this.pending = joined;
      return;
    }
    this.pending = joined.slice(end + 1);
    this.target.write(redact(joined.slice(0, end + 1), this.secrets));
  }

  flush(): void {
    if (!this.pending) return;
    const rest = this.pending;
    this.pending = '';
    this.target.write(redact(rest, this.secrets));
  }
}
