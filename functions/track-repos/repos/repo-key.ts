import { createHash } from 'node:crypto';

/** The base URL as the tracker keys it: trimmed, with exactly one trailing `/`. */
export function normalizeBaseUrl(url: string): string {
  return `${url.trim().replace(/\/+$/, '')}/`;
}

/**
 * The `<repo-key>` of `state/repos/<repo-key>.json`: the first 32 hex digits of the SHA-256 of
 * the normalized base URL. A hash, not the repo id, because images name one repository
 * differently (`baseos`, `BaseOS`) and different repositories alike (`updates`); the id is kept
 * in the state record for people.
 * @see ../../../shared/store/keys.ts
 */
export function repoKeyOf(baseUrl: string): string {
  return createHash('sha256').update(normalizeBaseUrl(baseUrl)).digest('hex').slice(0, 32);
}
