import type { RpmRepoChangedData } from '../../../shared/events/types';

/** One RPM repository that some image uses, as the tracker polls it. */
export interface TrackedRepo {
  /** {@link repoKeyOf} the base URL: the `<repo-key>` of `state/repos/<repo-key>.json`. */
  key: string;
  /** The repo id the first image (in name order) gives it, e.g. `baseos`: for people. */
  name: string;
  /** The base URL, ending with `/`, as the images configure it (before URL rewriting). */
  url: string;
  /** The images (`app-id/job-id:tag`) that use it, sorted. */
  images: string[];
}

/** What the last successful poll saw of a repository: the base of the next diff. */
export interface RepoSnapshot {
  /** `<revision>` of repomd.xml, when it has one. */
  revision?: string;
  /** `<type>:<hex>` of the primary metadata, the content identity. */
  primaryChecksum: string;
  /** Validators of repomd.xml for the next conditional GET. */
  etag?: string;
  lastModified?: string;
  takenAt: string;
  /** `name.arch` → newest `epoch:version-release` (epoch left out when 0). */
  packages: Record<string, string>;
}

/** The change last emitted for the repository, re-emitted when the same tick is redelivered. */
export interface RecordedChange {
  /** Id of the tick that found it. */
  tick: string;
  eventId: string;
  data: RpmRepoChangedData;
}

/** `state/repos/<repo-key>.json`. */
export interface RepoState {
  format: 'ccp.repo-state/v1';
  key: string;
  name: string;
  url: string;
  /** Absent until a poll has read the repository once. */
  snapshot?: RepoSnapshot;
  /** Why the last poll failed; cleared by the next poll that works. */
  lastError?: string;
  lastErrorAt?: string;
  lastChange?: RecordedChange;
}

/** How the tracker reaches repositories: the scanners' URL rewrites and request time limit. */
export interface RepoHttp {
  rewriteUrl(url: string): string;
  timeoutMs: number;
}

/**
 * What one poll of one repository came to:
 * - `unchanged`: repomd.xml answered 304 (nothing else fetched), or the same revision and primary;
 * - `recorded`: the first successful poll; the snapshot is stored, nothing is emitted;
 * - `changed`: a new revision whose packages differ: `change` is the `rpm-repo.changed` data;
 * - `unreachable`: the repository did not answer usably; its snapshot is untouched;
 * - `conflict`: another poller wrote the state first (conditional put); this one emits nothing.
 */
export type RepoPollStatus = 'unchanged' | 'recorded' | 'changed' | 'unreachable' | 'conflict';

export interface RepoPollOutcome {
  repo: TrackedRepo;
  status: RepoPollStatus;
  change?: { eventId: string; data: RpmRepoChangedData };
  error?: string;
}
