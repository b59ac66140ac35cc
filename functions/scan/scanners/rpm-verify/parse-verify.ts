/** What each position of rpm's verify string tests, in order. */
export const VERIFY_FLAGS = [
  ['S', 'size'],
  ['M', 'mode'],
  ['5', 'digest'],
  ['D', 'device'],
  ['L', 'link'],
  ['U', 'user'],
  ['G', 'group'],
  ['T', 'mtime'],
  ['P', 'capabilities'],
] as const;

export type VerifyTest = (typeof VERIFY_FLAGS)[number][1];

/** The file attribute rpm prints before the path: config, doc, ghost, license, readme. */
export type FileAttribute = 'config' | 'doc' | 'ghost' | 'license' | 'readme';

const ATTRIBUTES: Record<string, FileAttribute> = { c: 'config', d: 'doc', g: 'ghost', l: 'license', r: 'readme' };

/** One line of `rpm -V` output. */
export interface VerifyLine {
  path: string;
  missing: boolean;
  /** The nine-character verify string as printed (`S.5....T.`); `missing` for a missing file. */
  flags: string;
  /** Tests that failed (`S`, `5`, …). */
  changed: VerifyTest[];
  /** Tests that could not be done (`?`, e.g. an unreadable file). */
  unknown: VerifyTest[];
  attribute?: FileAttribute;
}

const LINE = /^([SM5DLUGTP.?]{9}|missing)\s+(?:([cdglr]) )?\s*(\/.*)$/;

/**
 * Parses `rpm -V` output: `S.5....T.  c /etc/x.conf`, `missing   d /usr/share/doc/x`. Lines that are
 * not file verdicts (dependency or script messages) are returned in `other`.
 * @see https://rpm-software-management.github.io/rpm/man/rpm.8#VERIFY_OPTIONS
 */
export function parseVerifyOutput(text: string): { lines: VerifyLine[]; other: string[] } {
  const lines: VerifyLine[] = [];
  const other: string[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const match = LINE.exec(raw);
    if (!match) {
      other.push(raw.trim());
      continue;
    }
    const [, flags, attribute, path] = match;
    const missing = flags === 'missing';
    const changed: VerifyTest[] = [];
    const unknown: VerifyTest[] = [];
    if (!missing) {
      VERIFY_FLAGS.forEach(([letter, test], i) => {
        if (flags[i] === letter) changed.push(test);
        else if (flags[i] === '?') unknown.push(test);
      });
    }
    lines.push({ path, missing, flags, changed, unknown, ...(attribute ? { attribute: ATTRIBUTES[attribute] } : {}) });
  }
  return { lines, other };
}
