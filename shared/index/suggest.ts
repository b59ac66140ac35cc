/**
 * The candidate closest to `word` by edit distance, when it is close enough to be a likely
 * typo (`git-brach` -> `git-branch`, `build_context` -> `build-context`); `null` otherwise.
 * @see https://en.wikipedia.org/wiki/Damerau%E2%80%93Levenshtein_distance
 */
export function closestMatch(word: string, candidates: readonly string[], maxDistance?: number): string | null {
  const needle = normaliseKey(word);
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(needle, normaliseKey(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // By default a third of the length: catches dropped, doubled and swapped letters, not other keys.
  const limit = maxDistance ?? Math.max(1, Math.floor(needle.length / 3));
  return best !== null && bestDistance <= limit ? best : null;
}

/** Case and `_`/`-` do not tell keys apart for suggestions: `Build_Context` means `build-context`. */
function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/_/g, '-');
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
