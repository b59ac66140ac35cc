import type { BuildCause } from '../../../shared/events/types';
import type { DependencyGraph } from '../../../shared/graph/dependency-graph';
import { imageName, type ProjectEntry } from '../../../shared/index/types';
import { shortHash } from '../../../shared/cascade/keys';
import type { CascadeItem, CascadeRecord } from '../../../shared/cascade/types';

/** A project the cascade's cause touches directly, with why and at which commit. */
export interface CascadeSeed {
  entry: ProjectEntry;
  cause: BuildCause;
  commit?: string;
  causeChain?: BuildCause[];
}

export interface CascadeInput {
  id: string;
  cause: BuildCause;
  seeds: readonly CascadeSeed[];
  /** The image whose own change (a build, a push) starts the cascade: its descendants rebuild. */
  origin?: { name: string; entry?: ProjectEntry; buildId?: string; cause?: BuildCause; causeChain?: BuildCause[] };
  /** False: only the seeds build, not what is built on them (`ccp build`). True by default. */
  descendants?: boolean;
  graph: DependencyGraph;
  /** Every project the graph knows, by name. */
  entries: ReadonlyMap<string, ProjectEntry>;
  maxInFlight: number;
  now: Date;
}

/** `<time>-<hash>`: the id of the build of `name` in cascade `id`, the same on every redelivery. */
export function cascadeBuildId(id: string, createdAt: string, name: string): string {
  return `${createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${shortHash(id, name).slice(0, 10)}`;
}

/** "Git commit …" becomes "git commit …" inside a sentence. */
function inSentence(message: string): string {
  return /^[A-Z][a-z]/.test(message) ? message[0]!.toLowerCase() + message.slice(1) : message;
}

/**
 * The record of a new cascade: every seed and (unless `descendants` is false) every project
 * built on a seed or on the origin, each once, in the batch after the last of its changed
 * parents ({@link DependencyGraph.rebuildPlan}). A project reached through a parent gets the
 * cause `parent-rebuilt` naming that parent and why it rebuilt, and the parent's cause chain.
 * `null` when nothing is to be built.
 * @see ../../README.md#rebuild-triggers
 */
export function planCascade(input: CascadeInput): CascadeRecord | null {
  const createdAt = input.now.toISOString();
  const seeds = new Map(input.seeds.map((seed) => [imageName(seed.entry), seed]));
  const names = [...seeds.keys(), ...(input.origin ? [input.origin.name] : [])];
  const batches = input.descendants === false ? [[...seeds.keys()].sort()] : input.graph.rebuildPlan(names);
  const planned = new Set(batches.flat());
  const byName = new Map<string, CascadeItem>();
  const items: CascadeItem[] = [];
  const cascadeCause: BuildCause = { ...input.cause, cascade: input.id };

  batches.forEach((batch, index) => {
    for (const name of batch) {
      const seed = seeds.get(name);
      const entry = seed?.entry ?? (name === input.origin?.name ? input.origin.entry : undefined) ?? input.entries.get(name);
      if (!entry) continue;
      const parents = input.descendants === false ? [] : input.graph.parents(name);
      const after = parents.filter((parent) => planned.has(parent) && byName.has(parent));
      const base = { name, project: { appId: entry.appId, jobId: entry.jobId, desiredTag: entry.desiredTag }, entry, batch: index, after };
      let item: CascadeItem;
      if (name === input.origin?.name && !seed) {
        const originCause = input.origin.cause ?? cascadeCause;
        item = { ...base, after: [], status: 'origin', buildId: input.origin.buildId ?? '', cause: originCause, causeChain: input.origin.causeChain ?? [] };
      } else if (seed) {
        item = {
          ...base,
          status: 'waiting',
          buildId: cascadeBuildId(input.id, createdAt, name),
          ...(seed.commit ? { commit: seed.commit } : {}),
          cause: { ...seed.cause, cascade: input.id },
          causeChain: seed.causeChain ?? [],
        };
      } else {
        // An origin that is no project (an external base image) is not planned; its children name it still.
        const parentName = after[0] ?? parents.find((candidate) => candidate === input.origin?.name) ?? parents[0] ?? input.cause.parent ?? '';
        const parent = byName.get(parentName);
        const why = !parent || (parent.status === 'origin' && !input.origin?.cause) ? input.cause.message : parent.cause.message;
        item = {
          ...base,
          status: 'waiting',
          buildId: cascadeBuildId(input.id, createdAt, name),
          cause: { kind: 'parent-rebuilt', message: `parent ${parentName} rebuilt because ${inSentence(why)}`, parent: parentName, cascade: input.id },
          causeChain: parent ? [...parent.causeChain, parent.cause] : [cascadeCause],
        };
      }
      byName.set(name, item);
      items.push(item);
    }
  });
  if (!items.some((item) => item.status === 'waiting')) return null;
  return {
    format: 'ccp.cascade/v1',
    id: input.id,
    createdAt,
    updatedAt: createdAt,
    cause: cascadeCause,
    ...(input.origin ? { origin: parseOrigin(input.origin.name, input.entries) } : {}),
    maxInFlight: input.maxInFlight,
    items,
  };
}

function parseOrigin(name: string, entries: ReadonlyMap<string, ProjectEntry>): CascadeRecord['origin'] {
  const entry = entries.get(name);
  if (entry) return { appId: entry.appId, jobId: entry.jobId, desiredTag: entry.desiredTag };
  const match = /^([^/]+)\/(.+):([^:]+)$/.exec(name);
  return match ? { appId: match[1]!, jobId: match[2]!, desiredTag: match[3]! } : undefined;
}
