import { imageName, parseImageName, type ProjectEntry } from './types';

/**
 * The entry that builds `name` (`app-id/job-id:tag`; a missing tag means `latest`), or `null`.
 * For many look-ups, build a map once with {@link projectsByImageName}.
 */
export function findProject(projects: readonly ProjectEntry[], name: string): ProjectEntry | null {
  const ref = parseImageName(name);
  if (!ref) return null;
  const wanted = imageName(ref);
  return projects.find((entry) => imageName(entry) === wanted) ?? null;
}

/** Every entry by its image name, the key events and the dependency graph use. */
export function projectsByImageName(projects: readonly ProjectEntry[]): Map<string, ProjectEntry> {
  return new Map(projects.map((entry) => [imageName(entry), entry]));
}
