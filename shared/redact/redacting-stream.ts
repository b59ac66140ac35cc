import type { BuildLog } from '../builds/builder-types';
import { isHighSurrogate } from './limit';
import { findSecrets, redact, redactorFor, replaceRanges, type Redactor, type Secrets } from './redact';

/** Most characters a {@link RedactingLog} holds back while it waits for the end of a line. */
export const MAX_HELD = 64 * 1024;

/**
 * A log that never lets a secret through: text is held back until a line ends (no form of a
 * secret spans a line break), so a secret split across two writes is still caught, then
 * redacted and passed on. A line longer than `maxHeld` is passed on in pieces: everything but
 * the last `reach - 1` characters (a secret starting there may go on in the next write),
 * moved to the end of any secret that straddles the cut. Call {@link RedactingLog.flush} at
 * the end for the last unfinished line. Each write costs time in its own length (amortised).
 * @see ./readme.md
 */
export class RedactingLog implements BuildLog {
  private pending = '';
  private readonly redactor: Redactor;

  constructor(
    private readonly target: BuildLog,
    secrets: Secrets,
    private readonly maxHeld: number = MAX_HELD,
  ) {
    this.redactor = redactorFor(secrets);
  }

  write(text: string): void {
    if (text.length === 0) return;
    const end = text.lastIndexOf('\n');
    if (end >= 0) {
      const lines = this.pending + text.slice(0, end + 1);
      this.pending = text.slice(end + 1);
      this.target.write(redact(lines, this.redactor));
    } else {
      this.pending += text;
    }
    if (this.pending.length > this.maxHeld) this.cut();
  }

  /** Passes on what is held back, redacted (the end of the output). */
  flush(): void {
    if (this.pending.length === 0) return;
    const rest = this.pending;
    this.pending = '';
    this.target.write(redact(rest, this.redactor));
  }

  /** What is held back, redacted: for a view of the log while it is written. */
  peek(): string {
    return redact(this.pending, this.redactor);
  }

  /** How many characters are held back now; after a write never more than `maxHeld` (or `reach - 1` if that is more). */
  get held(): number {
    return this.pending.length;
  }

  private cut(): void {
    const text = this.pending;
    const ranges = findSecrets(text, this.redactor);
    let cut = Math.max(0, text.length - (this.redactor.reach - 1));
    if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
    // Every match starting before the cut lies wholly in the text (reach); a match across it moves the cut to its end.
    const before = ranges.filter(([start]) => start < cut);
    const last = before[before.length - 1];
    if (last && last[1] > cut) cut = last[1];
    if (cut === 0) return;
    this.pending = text.slice(cut);
    this.target.write(replaceRanges(text.slice(0, cut), before));
  }
}
