import type { BaseImageDigest, BuildOutcome } from './builder-types';
import type { BuildCause, ReplacedBuild } from '../events/types';
import type { ProjectEntry, ProjectRef } from '../index/types';

/**
 * Where a build stands. `superseded`: it was still queued when a newer request for the same
 * image arrived; it never ran, emits no `build.completed` of its own, and `supersededBy` names
 * the build that replaced it, whose `build.completed` lists it in `replaces`.
 */
export type BuildStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'superseded';

export const FINAL_STATUSES: readonly BuildStatus[] = ['succeeded', 'failed', 'superseded'];

/** `state/builds/<app-id>/<job-id>/<tag>/<build-id>.json`: one build, updated as it moves on. */
export interface BuildRecord {
  buildId: string;
  project: ProjectRef;
  /** `app-id/job-id:tag`. */
  name: string;
  status: BuildStatus;
  /** Why it failed (or what replaced it), for people. */
  reason?: string;
  cause: BuildCause;
  /** The causes that led here, oldest first, this build's own last. */
  causeChain: BuildCause[];
  commit?: string;
  /** The index entry built (its `source` says which file and line). */
  entry: ProjectEntry;
  image?: { ref: string; digest?: string };
  backend?: 'local' | 'kubernetes';
  /** The Kubernetes Job of a cluster build. */
  job?: { namespace: string; name: string };
  timings: {
    queuedAt: string;
    startedAt?: string;
    finishedAt?: string;
    durationMs?: number;
    /** Milliseconds per step that ran. */
    steps?: BuildOutcome['steps'];
  };
  /** Object store keys of the build's reports. */
  links: { log: string; lint?: { json: string; sarif: string } };
  /** The index images the Dockerfile's `FROM` lines name, from the lint of the same commit; `build.completed` carries them. */
  baseImages?: string[];
  /** The parent images the build pulled, at their registry digests (the local backend; the last stage's base only). */
  baseImageDigests?: BaseImageDigest[];
  /** The queued build this one replaced, and the build that replaced this one. */
  supersedes?: string[];
  supersededBy?: string;
  /** The replaced builds that belong to a cascade (also those they had replaced): `build.completed` names them. */
  replaces?: ReplacedBuild[];
  updatedAt: string;
}
