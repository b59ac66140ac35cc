import { escapeHtml } from '../reports/html-escape';

/** Forms shorter than this are left out: redacting them would blank ordinary words of the log. */
export const MIN_FORM_LENGTH = 4;

/**
 * Every spelling in which a secret can leak into a log or a mail, each a string without a line
 * break (the redacting stream cuts at line ends), longest first. The sandbox keeps repository
 * code away from secrets; this is defence in depth for the day a secret reaches output anyway:
 *
 * - raw, and each line of a multi-line secret (a key file printed line by line);
 * - base64, exact (Basic auth, `auth.json`'s `auth`, a Kubernetes Secret) and, because a secret
 *   inside a larger base64 text is encoded differently depending on its byte offset modulo 3,
 *   the characters that depend on the secret's bits alone for each of the three offsets; both
 *   the standard and the URL-safe alphabet;
 * - hex in lower and upper case (`xxd -p`, `od`, hash-like dumps);
 * - URL-encoded (`%40`, `+` for a space; upper and lower case escapes): a password in a URL or
 *   a form body;
 * - JSON-escaped and HTML-escaped: a secret with a quote inside a JSON log line or a mail's HTML;
 * - reversed (`rev`): the cheapest way around a plain string match;
 * - the runs of at least 8 characters between the characters JSON, HTML and shell quoting change
 *   (`" ' \ & < >`): a tool that escapes the secret once more (buildah quoting a label, a JSON
 *   log of a JSON text) or a cut inside an escaped form would otherwise show those runs raw.
 *
 * Give `user:password` pairs as secrets of their own: their base64 is the Basic auth header.
 * @see https://datatracker.ietf.org/doc/html/rfc4648#section-4
 */
export function secretForms(secrets: ReadonlyArray<string | undefined>): string[] {
  const forms = new Set<string>();
  const add = (form: string): void => {
    for (const line of form.split(/\r?\n|\r/)) {
      const piece = line === form ? line : line.trim();
      if (piece.length >= MIN_FORM_LENGTH) forms.add(piece);
    }
  };
  for (const secret of secrets) {
    if (!secret || secret.trim().length < MIN_FORM_LENGTH) continue;
    add(secret);
    const bytes = Buffer.from(secret, 'utf8');
    for (const base64 of [bytes.toString('base64'), bytes.toString('base64url')]) add(base64);
    for (const offset of [0, 1, 2]) {
      const middle = stableBase64(bytes, offset);
      add(middle);
      add(middle.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    const hex = bytes.toString('hex');
    add(hex);
    add(hex.toUpperCase());
    const encoded = encodeURIComponent(secret);
    add(encoded);
    add(encoded.replace(/%20/g, '+'));
    add(encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
    add(JSON.stringify(secret).slice(1, -1));
    add(escapeHtml(secret));
    add([...secret].reverse().join(''));
    for (const run of secret.split(ESCAPED)) if (run !== secret && run.length >= MIN_RUN_LENGTH) add(run);
  }
  return [...forms].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/** Characters that JSON, HTML or shell quoting write differently. */
const ESCAPED = /["'\\&<>]/;
/** Shortest run of a secret between such characters that is redacted on its own. */
const MIN_RUN_LENGTH = 8;

/**
 * The base64 characters of `bytes` preceded by `offset` other bytes that depend on `bytes`
 * alone: character i holds bits [6i, 6i+6) of the stream, kept when they all belong to `bytes`.
 */
export function stableBase64(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(2)]).toString('base64');
  const first = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + bytes.length)) / 6);
  return encoded.slice(first, end);
}
