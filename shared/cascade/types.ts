import { PIPELINE } from '../config/settings/pipeline';
import type { BuildCause, ImageRef, IndexChangedData } from '../events/types';
import type { ProjectEntry, ProjectRef } from '../index/types';

/**
 * Where one project of a cascade stands. `origin`: the image whose change started the cascade
 * (already built or pushed; never requested, never in the notice).
 */
export type CascadeItemStatus = 'origin' | 'waiting' | 'requested' | 'succeeded' | 'failed' | 'skipped';

export const ENDED_STATUSES: readonly CascadeItemStatus[] = ['origin', 'succeeded', 'failed', 'skipped'];

/** One project of a cascade, with the build the dispatcher requests for it. */
export interface CascadeItem {
  /** `app-id/job-id:tag`. */
  name: string;
  project: ProjectRef;
  entry: ProjectEntry;
  /** Its batch of the rebuild plan (0: the changed images). */
  batch: number;
  /** The projects of this cascade it waits for (its parents in the plan). */
  after: string[];
  status: CascadeItemStatus;
  buildId: string;
  commit?: string;
  cause: BuildCause;
  /** The causes before `cause`, oldest first. */
  causeChain: BuildCause[];
  reason?: string;
  blockedBy?: string;
  image?: ImageRef;
  reports?: { log?: string; lint?: string };
  /** The check of this image's pushed signature before children built on it (`CCP_PARENT_SIGNATURES` not `off`). */
  signature?: CascadeSignatureCheck;
  /** `warn`: the parents' signature problems this item was built despite. */
  warning?: string;
  /** `enforce`: the parent whose signature does not verify; this item ended `failed` without a build. */
  refusedBy?: string;
}

/** A parent's signature as the dispatcher checked it, and what that meant under the policy. */
export interface CascadeSignatureCheck {
  /** `sha256:…` the parent's build pushed. */
  digest: string;
  verified: boolean;
  decision: 'use' | 'warn' | 'refuse';
  /** Names the parent, the digest and why it does not verify. */
  message?: string;
}

/**
 * `state/cascades/<id>.json`: one cause rebuilding one or more images, parents before children.
 * Updated with conditional puts only (see {@link CascadeStore}).
 */
export interface CascadeRecord {
  format: 'ccp.cascade/v1';
  id: string;
  createdAt: string;
  updatedAt: string;
  /** What started it. */
  cause: BuildCause;
  origin?: ProjectRef;
  /** Builds of this cascade requested and not ended, at most (the rest wait in the record). */
  maxInFlight: number;
  items: CascadeItem[];
  /** Set once every item has ended. */
  finishedAt?: string;
}

/** How the dispatcher paces work (`dispatch:` in the config file, `CCP_DISPATCH_*`). */
export interface DispatchSettings {
  /** Quiet window of a burst of pushes to one branch: only its newest commit builds. */
  coalesceMs: number;
  /** Builds of one cascade requested and not yet ended, at most; the rest wait for them. */
  maxInFlight: number;
}

/** The declared defaults (shared/config/settings/pipeline.ts). */
export const DEFAULT_DISPATCH_SETTINGS: DispatchSettings = { coalesceMs: PIPELINE.coalesceMs.default, maxInFlight: PIPELINE.maxInFlight.default };

/**
 * `state/index/snapshot.json`: the index as the dispatcher last read it at an index push, with
 * the entries `ccp run` and `ccp build` asked to build since merged in (`IndexSnapshotStore`).
 */
export interface IndexSnapshot {
  format: 'ccp.index-snapshot/v1';
  commit?: string;
  takenAt: string;
  entries: ProjectEntry[];
  /** When the index of `commit` was read (`IndexSnapshotStore.advance`): an older read does not replace it. */
  readAt?: string;
  /** What changed when the index was read at `commit` (`IndexSnapshotStore.advance`), answered again for the same commit. */
  change?: IndexChangedData;
}
