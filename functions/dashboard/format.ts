import { html, type SafeHtml } from './html';

/** `2026-12-06 03:59 UTC` in a `<time>` element carrying the exact instant; `–` when unknown. */
export function timeOf(iso: string | undefined): SafeHtml {
  if (!iso || Number.isNaN(Date.parse(iso))) return html`<span class="muted">–</span>`;
  const date = new Date(iso);
  const shown = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return html`<time datetime="${date.toISOString()}">${shown}</time>`;
}

/** `1 h 02 min`, `3 min 07 s`, `12.4 s`, `850 ms`; `–` when unknown. */
export function durationOf(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.floor(seconds);
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The first line of `text`, at most `max` characters (an ellipsis says it was cut). */
export function oneLine(text: string | undefined, max = 140): string {
  const first = (text ?? '').split(/\r?\n/, 1)[0]!.trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** A status as a word in a badge whose class gives its colour (never the colour alone). */
export function statusBadge(status: string): SafeHtml {
  const known = /^[a-z]+$/.test(status) ? status : 'unknown';
  return html`<span class="status status-${known}">${status}</span>`;
}

/** `sha256:0123456789ab…`: a digest short enough for a table, whole in its title. */
export function shortDigest(digest: string | undefined): SafeHtml {
  if (!digest) return html`<span class="muted">–</span>`;
  const short = digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
  return html`<code title="${digest}">${short}</code>`;
}
