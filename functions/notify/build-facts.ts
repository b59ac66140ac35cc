import { BUILD_CAUSE_KINDS } from '../../shared/events/contracts/limits';
import { type BuildCause } from '../../shared/events/contracts/parts';
import { parseImageName, type ProjectEntry, type ProjectRef } from '../../shared/index/types';
import { notifyStateKey, type NotifyState } from './mail/memory';
import { type ParentImage } from './mail/mails/sections';
import { buildRecordKey } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';

/** What the build function recorded about one build, as far as a mail needs it. */
export interface BuildFacts {
  cause: BuildCause;
  /** The causes before `cause`, oldest first. */
  earlier: BuildCause[];
  commit?: string;
  entry?: ProjectEntry;
}

/**
 * The cause, commit and entry of a build from its record (`state/builds/…/<build-id>.json`,
 * written by the build function before `build.completed`); `null` when there is no record or
 * it lacks a cause.
 * @see ../../shared/builds/types.ts
 */
export async function readBuildFacts(store: ObjectStore, ref: ProjectRef, buildId: string): Promise<BuildFacts | null> {
  let key: string;
  try {
    key = buildRecordKey(ref, buildId);
  } catch {
    return null;
  }
  const stored = await store.get(key);
  if (!stored) return null;
  let record: { cause?: BuildCause; causeChain?: BuildCause[]; commit?: unknown; entry?: ProjectEntry };
  try {
    record = JSON.parse(stored.body.toString('utf8')) as typeof record;
  } catch {
    return null;
  }
  if (!isCause(record.cause)) return null;
  const chain = Array.isArray(record.causeChain) ? record.causeChain.filter(isCause) : [];
  return {
    cause: record.cause,
    // The record's chain ends with the build's own cause.
    earlier: chain.slice(0, -1),
    ...(typeof record.commit === 'string' ? { commit: record.commit } : {}),
    ...(record.entry && typeof record.entry === 'object' ? { entry: record.entry } : {}),
  };
}

function isCause(value: unknown): value is BuildCause {
  return (
    typeof value === 'object' && value !== null && BUILD_CAUSE_KINDS.includes((value as BuildCause).kind) && typeof (value as BuildCause).message === 'string'
  );
}

/**
 * The parent image a parent-rebuilt build was built on: from the images at hand (the cascade's
 * own items), else from what the notify function remembered of the parent's last build.
 */
export async function parentImageOf(store: ObjectStore, cause: BuildCause, known: ReadonlyMap<string, ParentImage>): Promise<ParentImage | null> {
  if (cause.kind !== 'parent-rebuilt' || !cause.parent) return null;
  const here = known.get(cause.parent);
  if (here?.digest) return here;
  const ref = parseImageName(cause.parent);
  if (!ref) return null;
  let stored;
  try {
    stored = await store.get(notifyStateKey(ref));
  } catch {
    return null;
  }
  if (!stored) return here ?? null;
  try {
    const state = JSON.parse(stored.body.toString('utf8')) as NotifyState;
    const digest = state.build?.current.outcome === 'succeeded' ? state.build.current.digest : undefined;
    return digest ? { ...(here?.ref ? { ref: here.ref } : {}), digest } : (here ?? null);
  } catch {
    return here ?? null;
  }
}
