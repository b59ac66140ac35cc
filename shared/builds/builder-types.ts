import type { ProjectEntry, ProjectRef } from '../index/types';

/** How to reach the registry images are pushed to. Credentials never reach logs or reports. */
export interface RegistryAccess {
  /** `host:port`. */
  address: string;
  tlsVerify: boolean;
  username?: string;
  password?: string;
}

/** Everything a backend needs to build and push one image. */
export interface BuildSpec {
  buildId: string;
  entry: ProjectEntry;
  /** Full commit SHA to check out (the lint function resolved it). */
  commit: string;
  /** `<registry>/<app-id>/<job-id>:<desired-tag>` (`library` has no namespace). */
  imageRef: string;
  /** Labels stamped on the image: OCI `org.opencontainers.image.*` and `org.centos.ccp.*`. */
  labels: Record<string, string>;
  registry: RegistryAccess;
  /** Index images' `ns/name:tag` → full reference, for `FROM` lines that name index images. */
  parentImages: Record<string, string>;
  timeouts: { prebuildMs: number; buildMs: number };
}

/** Receives the build log as it is produced (prebuild output, buildah output, push). */
export interface BuildLog {
  write(text: string): void;
}

/** A parent image as a build pulled it: the reference `FROM` resolved to and the manifest digest. */
export interface BaseImageDigest {
  ref: string;
  digest: string;
}

export interface BuildOutcome {
  status: 'succeeded' | 'failed';
  /** Why it failed, for people: "prebuild script exited with 2", "RUN exited with 1 at line 4"… */
  reason?: string;
  imageRef: string;
  /** `sha256:…` of the pushed manifest. */
  digest?: string;
  /** The parent images the build pulled, at the manifest digest it got (for the provenance). */
  baseImageDigests?: BaseImageDigest[];
  /** Milliseconds per step that ran. */
  steps: Partial<Record<'checkout' | 'prebuild' | 'build' | 'push', number>>;
}

/** A local backend finishes in the call; a cluster backend submits and finishes later. */
export type BuildStart = { kind: 'finished'; outcome: BuildOutcome } | { kind: 'submitted'; namespace: string; jobName: string };

/**
 * A build backend: renovate-style plug-in, one folder under `functions/build/builders/<id>/`,
 * registered in `api.ts`. Failures of the build itself (bad Dockerfile, failing prebuild,
 * refused push) are outcomes, not exceptions; a backend throws only when it cannot work at all.
 */
export interface Builder {
  id: 'local' | 'kubernetes';
  start(spec: BuildSpec, log: BuildLog, signal: AbortSignal): Promise<BuildStart>;
  /**
   * Cluster backends only: the end of a submitted build, from the CloudEvent that reports its
   * Job (Knative ApiServerSource, Resource mode). `null` when the event is not about a build of
   * ours or the build has not finished; answers again for a later update of the same Job.
   */
  completeFromEvent?(event: ApiServerEvent): Promise<BuildCompletion | null>;
}

/** What a cluster backend needs of a CloudEvent: its type and data (the object, as JSON or parsed). */
export interface ApiServerEvent {
  type: string;
  data?: unknown;
}

/** A submitted build that has finished, with its whole log (read from the cluster) to store. */
export interface BuildCompletion {
  buildId: string;
  /** The project, from the Job's annotation; absent when the Job does not say. */
  project?: ProjectRef;
  outcome: BuildOutcome;
  log: string;
  namespace: string;
  jobName: string;
}
