import { ValidationError } from '../errors/validation-error';

/** What the scanner needs from `repodata/repomd.xml`. */
export interface Repomd {
  revision?: string;
  primary: { href: string; checksumType: string; checksum: string; size?: number };
}

/**
 * Reads `repomd.xml`: the `revision` and the `primary` data's location and checksum (of the
 * compressed file). Throws a `ValidationError` naming `url` when there is no primary entry.
 * @see https://github.com/rpm-software-management/createrepo_c/blob/master/src/repomd.c
 */
export function parseRepomd(xml: string, url: string): Repomd {
  const revision = /<revision>([^<]*)<\/revision>/.exec(xml)?.[1];
  const data = [...xml.matchAll(/<data\s+type="([^"]+)"\s*>([\s\S]*?)<\/data>/g)].find((match) => match[1] === 'primary')?.[2];
  const href = data ? /<location\s[^>]*href="([^"]+)"/.exec(data)?.[1] : undefined;
  const checksum = data ? /<checksum\s+type="([^"]+)"\s*>([^<]+)<\/checksum>/.exec(data) : null;
  if (!data || !href || !checksum) {
    throw new ValidationError(`${url} is not a usable repomd.xml`, [
      { field: 'data[type=primary]', message: 'no primary data with a location and checksum', file: url },
    ]);
  }
  const size = /<size>(\d+)<\/size>/.exec(data)?.[1];
  return {
    ...(revision ? { revision } : {}),
    primary: { href, checksumType: checksum[1] === 'sha' ? 'sha1' : checksum[1], checksum: checksum[2].trim(), ...(size ? { size: Number(size) } : {}) },
  };
}

/**
 * The repository base URLs a metalink lists (`<url>…/repodata/repomd.xml</url>`), by descending
 * `preference`.
 * @see https://datatracker.ietf.org/doc/html/rfc5854
 */
export function parseMetalink(xml: string): string[] {
  return [...xml.matchAll(/<url\b([^>]*)>([^<]+)<\/url>/g)]
    .map((match) => ({ url: match[2].trim(), preference: Number(/preference="(\d+)"/.exec(match[1])?.[1] ?? 0) }))
    .filter((entry) => /^https?:\/\//.test(entry.url))
    .sort((a, b) => b.preference - a.preference)
    .map((entry) => entry.url.replace(/\/?repodata\/repomd\.xml$/, '/'));
}

/** The URLs of a mirrorlist answer: one per line, comments and blank lines skipped. */
export function parseMirrorlist(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^https?:\/\//.test(line));
}
