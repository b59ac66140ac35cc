import type { Logger } from '../log/logger';
import type { AdvisorySource } from '../osv/source';

/** What a scanner reads: an image's unpacked root filesystem and its config, never a running container. */
export interface ScanTarget {
  /** Folder holding the image's merged root filesystem (layers applied, whiteouts honoured). */
  rootfs: string;
  /** `registry/app-id/job-id:tag@sha256:…` or what the user gave. */
  imageRef: string;
  digest?: string;
  /** The OCI image config (`config` of the config blob): Labels, Env, Entrypoint, Cmd, User… */
  config: ImageConfig;
}

export interface ImageConfig {
  Labels?: Record<string, string>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  User?: string;
  WorkingDir?: string;
  ExposedPorts?: Record<string, unknown>;
}

/** Where scanners look things up; every URL can be rewritten by configuration (mirrors, tests). */
export interface ScanEnvironment {
  log: Logger;
  /** Scratch folder for caches (repo metadata by checksum, registry answers). */
  cacheDir: string;
  /** Rewrites a URL before it is fetched (mirrors, air-gapped clusters, tests); identity by default. */
  rewriteUrl(url: string): string;
  /** Registry base URLs for language packages. */
  registries: { pypi: string; npm: string; rubygems: string };
  /** Per-request time limit for network calls, in milliseconds. */
  timeoutMs: number;
  /** Aborted when the scanner's time is up: the host tools it runs (rpm) are killed with all they started. */
  signal?: AbortSignal;
  /** RPM repo variables that beat what the image says (`$releasever`, `$basearch`, custom vars). */
  rpm?: { releasever?: string; basearch?: string; vars?: Record<string, string> };
  /** The OSV advisory database the `vulnerabilities` scanner matches against; absent when no mirror is configured. */
  advisories?: AdvisorySource;
  /**
   * What the scanners of one scan read in common (the rpmdb, os-release, the repo files, each
   * repo's metadata, the language package walks), read once for all of them; absent when a
   * scanner runs alone, which then reads everything itself.
   */
  memo?: ScanMemo;
}

/**
 * A per-scan memo of reads of the image (`functions/scan/scan-memo.ts`): scanners run at once,
 * so the first to ask for a key starts the read and the others share it, its value or its
 * failure alike. Emptied when the scan ends.
 */
export interface ScanMemo {
  /**
   * What `read` returns for `key` in this scan, `read` called by the first caller only: a
   * promise is shared as it is (every caller sees the same value or the same rejection), an
   * error thrown is thrown again to each caller. `read` gets the scan's signal, never one
   * scanner's: a scanner that runs out of time must not stop a read another one awaits. Callers
   * must not change what they get.
   */
  get<T>(key: string, read: (signal: AbortSignal) => T): T;
}

/** One thing a scanner found, in a shape every report renders. */
export interface ScanFinding {
  /** Stable id within the scanner, e.g. the package name or the file path. */
  id: string;
  severity: 'high' | 'medium' | 'low' | 'info';
  /** One line for people. */
  title: string;
  /** Structured details of this scanner (installed/available versions, flags, why it matters…). */
  details: Record<string, unknown>;
}

/** A package installed in the image, for the SBOM and for repo tracking. */
export interface InstalledPackage {
  ecosystem: 'rpm' | 'pypi' | 'npm' | 'gem';
  name: string;
  version: string;
  /** rpm: `release`, `epoch`, `arch`, `vendor`, `sourcerpm`; language packages: `location`. */
  qualifiers?: Record<string, string>;
  /** Package URL (purl), e.g. `pkg:rpm/centos/bash@5.1.8-6.el9?arch=x86_64`. */
  purl: string;
}

export interface ScannerResult {
  status: 'ok' | 'failed' | 'skipped';
  /** Why it failed or was skipped ("no rpmdb", "repo unreachable: …"). */
  reason?: string;
  findings: ScanFinding[];
  /** Packages the scanner saw installed (empty for scanners that don't inventory). */
  packages: InstalledPackage[];
  /** Facts other parts need: for rpm-updates, the repos the image uses (`{id, baseurl, …}`). */
  extra?: Record<string, unknown>;
  /** Rules that filtered findings, stated in the report (rpm-verify's volatile paths). */
  notes?: string[];
}

/**
 * A static image scanner: renovate-style plug-in, one folder under `functions/scan/scanners/<id>/`,
 * registered in `api.ts`. `scan` must not throw for an expected condition (no rpmdb, no
 * packages): it returns `skipped` with a reason; it throws only on real failures, which the
 * scan function reports as `failed` while the other scanners still report.
 */
export interface Scanner {
  /** kebab-case id: `rpm-updates`, `rpm-verify`, `pip-updates`, `npm-updates`, `gem-updates`, `capabilities`. */
  id: string;
  version: string;
  /** One sentence for the report. */
  description: string;
  scan(target: ScanTarget, env: ScanEnvironment): Promise<ScannerResult>;
}
