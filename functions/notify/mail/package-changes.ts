/** How the packages of an image changed between two scans. */
export interface PackageDiff {
  updated: { name: string; from: string; to: string }[];
  added: { name: string; version: string }[];
  removed: { name: string; version: string }[];
}

/**
 * The difference between two package snapshots (package URL without version → version);
 * names are shown without the `pkg:` prefix.
 * @see https://github.com/package-url/purl-spec
 */
export function diffPackages(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): PackageDiff {
  const show = (key: string): string => key.replace(/^pkg:/, '');
  const diff: PackageDiff = { updated: [], added: [], removed: [] };
  for (const [key, version] of Object.entries(after)) {
    const old = before[key];
    if (old === undefined) diff.added.push({ name: show(key), version });
    else if (old !== version) diff.updated.push({ name: show(key), from: old, to: version });
  }
  for (const [key, version] of Object.entries(before)) if (!(key in after)) diff.removed.push({ name: show(key), version });
  const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
  diff.updated.sort(byName);
  diff.added.sort(byName);
  diff.removed.sort(byName);
  return diff;
}

/** True when nothing changed. */
export function isEmptyDiff(diff: PackageDiff): boolean {
  return diff.updated.length + diff.added.length + diff.removed.length === 0;
}
