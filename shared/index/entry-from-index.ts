import { ValidationError } from '../errors/validation-error';
import { loadIndex } from './load';
import { imageName, type ProjectEntry, type ProjectRef } from './types';
import type { FunctionContext } from '../function/types';

/** The fields of an entry that decide what is built, where from and who is told: all but where it was written. */
const COMPARED: ReadonlyArray<Exclude<keyof ProjectEntry, 'source'>> = [
  'id',
  'appId',
  'jobId',
  'desiredTag',
  'gitUrl',
  'gitBranch',
  'gitPath',
  'targetFile',
  'buildContext',
  'prebuildScript',
  'prebuildContext',
  'dependsOn',
  'notifyEmail',
];

/** The fields in which `claimed` differs from `indexed`, in {@link COMPARED} order. */
export function entryDifferences(claimed: ProjectEntry, indexed: ProjectEntry): string[] {
  return COMPARED.filter((field) => JSON.stringify(claimed[field] ?? null) !== JSON.stringify(indexed[field] ?? null));
}

/**
 * The entry to lint and build `ref` with: the index's, never the event's. Anything that can post
 * to the Broker can put an `entry` in a `build.requested` or `lint.completed`; building it would
 * build any repository with any prebuild script. An event that carries an entry is taken only
 * when the entry equals the index's (the dispatcher and `ccp run` copy the index's entry into
 * their events). A mismatch may be the function's cached index lagging behind the dispatcher's,
 * so the configured index is read again before the event is refused (a ValidationError: no
 * retry). Only without any index (no `CCP_INDEX`, no entries given to the runtime: hand-made
 * contexts) is the inline entry used as it is. `null`: no entry at all.
 * @see https://github.com/CentOS/container-index#container-index
 */
export async function entryFromIndex(claimed: ProjectEntry | undefined, ref: ProjectRef, context: FunctionContext): Promise<ProjectEntry | null> {
  const cached = await context.findEntry(ref);
  if (!claimed) return cached;
  if (cached && entryDifferences(claimed, cached).length === 0) return cached;
  const index = context.config.index;
  const indexed = index
    ? ((await loadIndex(index.location, { branch: index.branch, workDir: context.config.workDir })).projects.find(
        (entry) => imageName(entry) === imageName(ref),
      ) ?? null)
    : cached;
  const name = imageName(ref);
  if (!indexed) {
    const known = index !== undefined || ((await context.listProjects?.()) ?? []).length > 0;
    if (known)
      throw new ValidationError(`the event brings an entry for ${name}, which is not in the index`, [
        { field: 'data.entry', message: 'events may not bring entries of their own' },
      ]);
    context.log.debug("no index configured: the event's own entry is used", { project: name });
    return claimed;
  }
  const differences = entryDifferences(claimed, indexed);
  if (differences.length > 0) {
    throw new ValidationError(
      `the event's entry for ${name} is not the index's`,
      differences.map((field) => ({ field: `data.entry.${field}`, message: "differs from the index (only the index's entries are built)" })),
    );
  }
  return indexed;
}
