/** An RPM version triple; `epoch` is a number (0 when the package has none). */
export interface Evr {
  epoch: number;
  version: string;
  release: string;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string): boolean => isDigit(c) || isAlpha(c);

/**
 * Compares two version (or release) strings exactly as rpm's `rpmvercmp()` does: the strings are
 * cut into runs of digits and runs of letters (anything else only separates); digit runs compare
 * numerically (leading zeros ignored) and beat letter runs; `~` sorts before everything, even the
 * end of the string, and `^` sorts after the end of the string but before anything else.
 * Returns -1, 0 or 1.
 * @see https://github.com/rpm-software-management/rpm/blob/master/rpmio/rpmvercmp.c
 */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;

    // Tilde: the side that has one sorts first, even against the end of the other string.
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // Caret: like tilde, except that the end of the other string sorts first.
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;

    const numeric = isDigit(a[i]);
    const inSegment = numeric ? isDigit : isAlpha;
    const startA = i;
    const startB = j;
    while (i < a.length && inSegment(a[i])) i++;
    while (j < b.length && inSegment(b[j])) j++;
    let segA = a.slice(startA, i);
    let segB = b.slice(startB, j);
    // A numeric segment against an alphabetic one: numeric is newer.
    if (segB.length === 0) return numeric ? 1 : -1;
    if (numeric) {
      segA = segA.replace(/^0+/, '');
      segB = segB.replace(/^0+/, '');
      if (segA.length !== segB.length) return segA.length > segB.length ? 1 : -1;
    }
    if (segA !== segB) return segA < segB ? -1 : 1;
  }
  if (i >= a.length && j >= b.length) return 0;
  // Whichever string has segments left is newer.
  return i < a.length ? 1 : -1;
}

/**
 * Compares two EVRs as rpm does (`rpmVersionCompare`): epoch first (missing = 0), then version,
 * then release, each with {@link rpmvercmp}.
 * @see https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning
 */
export function compareEvr(a: Evr, b: Evr): -1 | 0 | 1 {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? 1 : -1;
  return rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

/**
 * Parses `[epoch:]version[-release]` as rpm writes it; a missing epoch is 0, a missing release is ''.
 * @see https://rpm-software-management.github.io/rpm/manual/spec.html#preamble-tags
 */
export function parseEvr(text: string): Evr {
  const colon = text.indexOf(':');
  const epoch = colon >= 0 ? Number(text.slice(0, colon)) || 0 : 0;
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) } : { epoch, version: rest, release: '' };
}

/** `epoch:version-release`, the epoch left out when 0, as dnf prints it. */
export function formatEvr(evr: Evr): string {
  return `${evr.epoch ? `${evr.epoch}:` : ''}${evr.version}${evr.release ? `-${evr.release}` : ''}`;
}
