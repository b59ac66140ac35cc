import { DependencyGraph } from '../graph/dependency-graph';
import { formatCycle } from '../graph/errors';
import type { Position } from './file-issues';
import type { ParsedFile } from './parse-file';
import type { ReadEntry } from './read-entry';
import { closestMatch } from './suggest';
import { imageName, type IndexIssue, type LoadedIndex } from './types';

/**
 * The checks that need the whole index, run over files already checked one by one:
 * - `(app-id, job-id, desired-tag)` is unique: every place of a duplicate is reported, naming
 *   the other; the first entry (in file order) loads, the others are left out;
 * - every `depends-on` index image is an entry or is declared in `External-Images` (an
 *   unresolved parent is an error that keeps the entry: it can build, only not in order);
 * - no loops in `depends-on`: each loop is one error naming it whole, and its entries are left
 *   out, since none of them could ever build after its parents.
 * Issues come sorted by file, line and column.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export function checkIndex(files: readonly ParsedFile[]): LoadedIndex {
  const errors: IndexIssue[] = files.flatMap((file) => file.errors);
  const warnings: IndexIssue[] = files.flatMap((file) => file.warnings);
  const issue = (position: Position, field: string, message: string): IndexIssue => ({ ...position, field, message });

  const byName = new Map<string, ReadEntry>();
  const kept: ReadEntry[] = [];
  for (const read of files.flatMap((file) => file.entries)) {
    const name = imageName(read.entry);
    const first = byName.get(name);
    if (first) {
      errors.push(issue(read.position, `${read.field}.job-id`, `image ${name} is already defined at ${where(first.position)} (${first.field})`));
      errors.push(issue(first.position, `${first.field}.job-id`, `image ${name} is defined again at ${where(read.position)} (${read.field})`));
      continue;
    }
    byName.set(name, read);
    kept.push(read);
  }

  const externalImages = new Set<string>();
  for (const external of files.flatMap((file) => file.externalImages)) {
    if (byName.has(external.name)) {
      warnings.push(issue(external.position, external.field, `${external.name} is an image of this index; it need not be declared external`));
    }
    externalImages.add(external.name);
  }

  for (const read of kept) {
    for (const dependency of read.dependencies) {
      if (byName.has(dependency.name) || externalImages.has(dependency.name)) continue;
      errors.push(issue(dependency.position, dependency.field, unresolvedMessage(dependency.name, byName)));
    }
  }

  const graph = new DependencyGraph(kept.map((read) => read.entry));
  const inCycle = new Set<string>();
  for (const cycle of graph.findCycles()) {
    cycle.forEach((name) => inCycle.add(name));
    const first = byName.get(cycle[0]!)!;
    const next = cycle[1] ?? cycle[0]!;
    const edge = first.dependencies.find((dependency) => dependency.name === next);
    errors.push(
      issue(
        edge?.position ?? first.position,
        edge?.field ?? `${first.field}.depends-on`,
        `dependency cycle: ${formatCycle(cycle)}${cycle.length === 1 ? ' (the image depends on itself)' : ''}`,
      ),
    );
  }

  return {
    projects: kept.filter((read) => !inCycle.has(imageName(read.entry))).map((read) => read.entry),
    errors: errors.sort(byPosition),
    warnings: warnings.sort(byPosition),
    files: files.map((file) => file.file),
    externalImages: [...externalImages].sort(),
  };
}

function unresolvedMessage(name: string, byName: Map<string, ReadEntry>): string {
  // Suggest only within the same namespace: cheap on a large index, and where typos live.
  const namespace = `${name.split('/')[0]}/`;
  const candidates = [...byName.keys()].filter((candidate) => candidate.startsWith(namespace));
  // Image names share most of their letters, so only a slip of one or two counts as a typo.
  const suggestion = closestMatch(name, candidates, 2);
  const hint = suggestion ? `did you mean ${suggestion}? ` : '';
  return `${name} is not an image of this index; ${hint}declare it under External-Images if it is built elsewhere, or use its full reference with the registry host`;
}

function where(position: Position): string {
  return `${position.file}:${position.line}`;
}

function byPosition(a: IndexIssue, b: IndexIssue): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}
