import { imageName, type ProjectEntry } from '../index/types';
import { DependencyCycleError } from './errors';
import { findCycleNodes } from './find-cycles';

/**
 * Which image is built on which: parents from `depends-on` (and, once builds exist, from the
 * Dockerfiles' `FROM` lines), keyed by `app-id/job-id:desired-tag`. Parents that are not index
 * projects (external or unresolved names) are nodes too, so their change can still trigger
 * their children, but they are never planned for a rebuild themselves.
 *
 * Adjacency is kept both ways, so every query costs only the part of the graph it touches.
 * @see https://github.com/CentOS/container-index#the-indexd-files (depends-on)
 */
export class DependencyGraph {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly parentIds: Array<Set<number>> = [];
  private readonly childIds: Array<Set<number>> = [];
  private readonly project: boolean[] = [];
  private depthCache: Int32Array | null = null;

  /** A graph of these index entries, with an edge from each to each of its `depends-on` names. */
  constructor(projects: Iterable<ProjectEntry> = []) {
    const entries = [...projects];
    for (const entry of entries) this.project[this.node(imageName(entry))] = true;
    for (const entry of entries) {
      const child = this.ids.get(imageName(entry))!;
      for (const parent of entry.dependsOn) this.link(child, this.node(parent));
    }
  }

  /** A graph from `{ child: [parents] }`; every key is a project. Handy for tests and benchmarks. */
  static fromParents(parentsOf: Record<string, readonly string[]>): DependencyGraph {
    const graph = new DependencyGraph();
    for (const name of Object.keys(parentsOf)) graph.project[graph.node(name)] = true;
    for (const [child, parents] of Object.entries(parentsOf)) {
      for (const parent of parents) graph.link(graph.ids.get(child)!, graph.node(parent));
    }
    return graph;
  }

  /** Number of nodes, projects and the parents they name. */
  get size(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return this.ids.has(name);
  }

  /** Whether `name` is an index project (and so something this service builds). */
  isProject(name: string): boolean {
    const id = this.ids.get(name);
    return id !== undefined && this.project[id] === true;
  }

  /**
   * Records that `child` is built `FROM` `parent` (both image names), e.g. learnt from a
   * Dockerfile after a build. Returns `false` when the edge was already known. Throws a
   * {@link DependencyCycleError} instead of closing a loop.
   */
  addParent(child: string, parent: string): boolean {
    const childId = this.node(child);
    const parentId = this.node(parent);
    if (this.parentIds[childId]!.has(parentId)) return false;
    // The new edge closes a loop when the parent is already built on the child.
    const loop = this.pathDown(childId, parentId);
    if (loop.length > 0) {
      throw new DependencyCycleError([
        child,
        ...loop
          .slice(1)
          .reverse()
          .map((id) => this.names[id]!),
      ]);
    }
    this.link(childId, parentId);
    return true;
  }

  /** The images `name` is built on, sorted; `[]` for a root or an unknown name. */
  parents(name: string): string[] {
    return this.namesOf(this.parentIds[this.ids.get(name) ?? -1]);
  }

  /** The images built directly on `name`, sorted; `[]` for a leaf or an unknown name. */
  children(name: string): string[] {
    return this.namesOf(this.childIds[this.ids.get(name) ?? -1]);
  }

  /**
   * The longest chain of parents above `name`: 0 for an image without parents. `null` for an
   * unknown name, and for images on or below a dependency cycle (they have no order).
   */
  depth(name: string): number | null {
    const id = this.ids.get(name);
    if (id === undefined) return null;
    const depth = this.depths()[id]!;
    return depth < 0 ? null : depth;
  }

  /** Every image built, directly or not, on `name`, sorted; `[]` for an unknown name. */
  descendants(name: string): string[] {
    const id = this.ids.get(name);
    if (id === undefined) return [];
    const seen = new Set<number>([id]);
    const queue = [id];
    for (let head = 0; head < queue.length; head++) {
      for (const child of this.childIds[queue[head]!]!) {
        if (!seen.has(child)) {
          seen.add(child);
          queue.push(child);
        }
      }
    }
    seen.delete(id);
    return this.namesOf(seen);
  }

  /**
   * What to rebuild, in order, when the `changed` images changed: batch 0 holds the changed
   * projects, then every project built on them appears once, in the batch after the last of its
   * changed ancestors (its longest path from a changed image), so a child with two changed
   * parents waits for both. A changed image that is itself built on another changed image waits
   * for it too. Names that are not projects (external parents) trigger their children but are
   * not planned; unknown names are ignored, and batches left empty are dropped, so `[]` means
   * nothing to rebuild. Images on a dependency cycle are never planned. Each batch is sorted.
   * Linear in the size of the affected part of the graph.
   */
  rebuildPlan(changed: readonly string[]): string[][] {
    const seeds = [...new Set(changed)].map((name) => this.ids.get(name)).filter((id): id is number => id !== undefined);
    if (seeds.length === 0) return [];

    const affected: number[] = [...seeds];
    const inPlan = new Uint8Array(this.names.length);
    for (const seed of seeds) inPlan[seed] = 1;
    for (let head = 0; head < affected.length; head++) {
      for (const child of this.childIds[affected[head]!]!) {
        if (!inPlan[child]) {
          inPlan[child] = 1;
          affected.push(child);
        }
      }
    }

    // Kahn's algorithm by layers over the affected part: a node is ready once every affected
    // parent is done, and its layer is one past the latest of them.
    const waitingFor = new Int32Array(this.names.length);
    for (const id of affected) {
      for (const parent of this.parentIds[id]!) if (inPlan[parent]) waitingFor[id]!++;
    }
    const batches: string[][] = [];
    let layer = affected.filter((id) => waitingFor[id] === 0);
    while (layer.length > 0) {
      const next: number[] = [];
      for (const id of layer) {
        for (const child of this.childIds[id]!) {
          if (--waitingFor[child]! === 0) next.push(child);
        }
      }
      const batch = layer.filter((id) => this.project[id]).map((id) => this.names[id]!);
      if (batch.length > 0) batches.push(batch.sort());
      layer = next;
    }
    return batches;
  }

  /**
   * Every dependency loop, one per group of images that depend on each other, each as the list
   * of images where every one depends on the next and the last on the first (see
   * {@link formatCycle}); `[]` when there is none.
   * @see https://en.wikipedia.org/wiki/Tarjan%27s_strongly_connected_components_algorithm
   */
  findCycles(): string[][] {
    const byName = (a: number, b: number): number => (this.names[a]! < this.names[b]! ? -1 : this.names[a]! > this.names[b]! ? 1 : 0);
    return findCycleNodes(this.parentIds, byName).map((cycle) => cycle.map((id) => this.names[id]!));
  }

  private node(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
      this.parentIds.push(new Set());
      this.childIds.push(new Set());
      this.project.push(false);
    }
    return id;
  }

  private link(child: number, parent: number): void {
    this.parentIds[child]!.add(parent);
    this.childIds[parent]!.add(child);
    this.depthCache = null;
  }

  /** The chain of children from `from` down to `to`, both included; `[]` when there is none. */
  private pathDown(from: number, to: number): number[] {
    if (from === to) return [from];
    const cameFrom = new Map<number, number>([[from, from]]);
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      for (const child of this.childIds[queue[head]!]!) {
        if (cameFrom.has(child)) continue;
        cameFrom.set(child, queue[head]!);
        if (child === to) {
          const path = [to];
          for (let step = to; step !== from;) path.push((step = cameFrom.get(step)!));
          return path.reverse();
        }
        queue.push(child);
      }
    }
    return [];
  }

  /** Longest path from a root for every node, -1 for nodes on or below a cycle. */
  private depths(): Int32Array {
    if (this.depthCache) return this.depthCache;
    const depths = new Int32Array(this.names.length).fill(-1);
    const waitingFor = Int32Array.from(this.parentIds, (parents) => parents.size);
    let layer = this.names.map((_, id) => id).filter((id) => waitingFor[id] === 0);
    for (let depth = 0; layer.length > 0; depth++) {
      const next: number[] = [];
      for (const id of layer) {
        depths[id] = depth;
        for (const child of this.childIds[id]!) if (--waitingFor[child]! === 0) next.push(child);
      }
      layer = next;
    }
    return (this.depthCache = depths);
  }

  private namesOf(ids: Iterable<number> | undefined): string[] {
    return ids ? [...ids].map((id) => this.names[id]!).sort() : [];
  }
}
