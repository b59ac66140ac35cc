import type { DependencyGraph } from '../../../shared/graph/dependency-graph';
import { DependencyCycleError } from '../../../shared/graph/errors';
import { PreconditionFailedError } from '../../../shared/store/errors';
import type { ObjectStore } from '../../../shared/store/types';
import { FROM_PARENTS_KEY } from '../../../shared/cascade/keys';

/**
 * Parents learnt from the Dockerfiles' `FROM` lines: `{ child: [parents] }`, every name
 * `app-id/job-id:tag`, each child's list the `baseImages` of its latest `build.completed`
 * that carried them.
 */
export type LearnedParents = Record<string, string[]>;

/** One learnt edge: `child` is built `FROM` `parent`. */
export interface LearnedEdge {
  child: string;
  parent: string;
}

/** Attempts of one compare-and-swap update before giving up (the broker then retries the event). */
const MAX_ATTEMPTS = 50;

/**
 * The learnt parents in the object store (`state/graph/from-parents.json`), one object for the
 * whole index, changed with conditional puts only (created if absent, else replaced only if
 * nobody changed it since it was read), so dispatchers handling two builds at once both learn.
 */
export class LearnedParentsStore {
  constructor(private readonly store: ObjectStore) {}

  /** Every learnt edge; `{}` before the first build that said its `FROM` lines. */
  async read(): Promise<LearnedParents> {
    return (await this.readWithTag())?.parents ?? {};
  }

  /**
   * Makes `parents` the learnt parents of `child` (an empty list forgets it; `child` itself is
   * left out). Returns whether the stored object changed.
   */
  async record(child: string, parents: readonly string[]): Promise<boolean> {
    const wanted = [...new Set(parents)].filter((parent) => parent !== child).sort();
    for (let attempt = 1; ; attempt++) {
      const current = await this.readWithTag();
      const known = current?.parents ?? {};
      if (sameList(known[child] ?? [], wanted)) return false;
      const next: LearnedParents = { ...known };
      if (wanted.length > 0) next[child] = wanted;
      else delete next[child];
      try {
        const body = `${JSON.stringify(sortedKeys(next), null, 1)}\n`;
        await this.store.put(FROM_PARENTS_KEY, body, { contentType: 'application/json', ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' }) });
        return true;
      } catch (error) {
        if (!(error instanceof PreconditionFailedError) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 5)));
      }
    }
  }

  private async readWithTag(): Promise<{ parents: LearnedParents; etag: string } | null> {
    const stored = await this.store.get(FROM_PARENTS_KEY);
    if (!stored) return null;
    const parsed: unknown = JSON.parse(stored.body.toString('utf8'));
    const parents: LearnedParents = {};
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      for (const [child, list] of Object.entries(parsed)) {
        if (Array.isArray(list)) parents[child] = list.filter((name): name is string => typeof name === 'string');
      }
    }
    return { parents, etag: stored.etag };
  }
}

/**
 * The learnt edges `graph` lacks, sorted by child then parent: `edges` join two projects of the
 * graph (an edge already there, e.g. from `depends-on`, is left out as it changes nothing);
 * `gone` name an image that is no project of it (no longer in the index).
 */
export function missingLearnedEdges(graph: DependencyGraph, learned: LearnedParents): { edges: LearnedEdge[]; gone: LearnedEdge[] } {
  const edges: LearnedEdge[] = [];
  const gone: LearnedEdge[] = [];
  for (const child of Object.keys(learned).sort()) {
    for (const parent of [...new Set(learned[child])].sort()) {
      if (!graph.isProject(child) || !graph.isProject(parent)) gone.push({ child, parent });
      else if (!graph.parents(child).includes(parent)) edges.push({ child, parent });
    }
  }
  return { edges, gone };
}

/**
 * Adds `edges` to `graph` (which it changes: pass a graph of your own) with
 * {@link DependencyGraph.addParent}, in order; an edge that would close a loop is left out
 * and returned with the loop.
 */
export function addLearnedEdges(
  graph: DependencyGraph,
  edges: readonly LearnedEdge[],
): { added: LearnedEdge[]; cycles: Array<LearnedEdge & { cycle: string[] }> } {
  const added: LearnedEdge[] = [];
  const cycles: Array<LearnedEdge & { cycle: string[] }> = [];
  for (const edge of edges) {
    try {
      if (graph.addParent(edge.child, edge.parent)) added.push(edge);
    } catch (error) {
      if (!(error instanceof DependencyCycleError)) throw error;
      cycles.push({ ...edge, cycle: error.cycle });
    }
  }
  return { added, cycles };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

function sortedKeys(parents: LearnedParents): LearnedParents {
  return Object.fromEntries(Object.entries(parents).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
