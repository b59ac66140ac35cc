import type { Issue } from '../errors/validation-error';
import { read, SCAN } from './settings';
import type { SeverityThreshold } from '../reports/vulnerabilities';

/** How the scan function reaches registries and how much it may spend. */
export interface ScanSettings {
  /** Base URLs of the language-package registries the update scanners ask. */
  registries: { pypi: string; npm: string; rubygems: string };
  /** URL prefixes replaced before any fetch (mirrors, air-gapped clusters, tests), first match wins. */
  urlRewrites: { from: string; to: string }[];
  /** Largest image (uncompressed bytes) unpacked for a scan. */
  maxBytes: number;
  /** Time limit of one scanner, in milliseconds. */
  scannerTimeoutMs: number;
  /** Time limit of one registry or repository request (its whole body included), in milliseconds. */
  requestTimeoutMs: number;
  /** Tar entries (files, folders, links, whiteouts) an image may have over all its layers. */
  maxFiles: number;
  /**
   * Image registries (`host:port` or `host`) images are read from besides the pipeline's own
   * (`CCP_REGISTRY`); any other is refused before a connection is made.
   */
  allowedRegistries: string[];
  /** The OSV advisory database of the vulnerabilities scanner: mirror base URLs (none: off) and ecosystems. */
  osv: { urls: string[]; ecosystems: string[]; pendingMaxAgeHours: number };
  /** `ccp scan` exits 1 for advisories of this band or above; unset: for any high finding (today's rule). */
  failOn?: SeverityThreshold;
}

/** The file's `scan:` mapping. */
export interface ScanFileSettings {
  registries?: Partial<ScanSettings['registries']>;
  urlRewrites?: string | { from: string; to: string }[];
  maxBytes?: number | string;
  scannerTimeoutMs?: number | string;
  requestTimeoutMs?: number | string;
  maxFiles?: number | string;
  allowedRegistries?: string | string[];
  osv?: { urls?: string | string[]; ecosystems?: string | string[]; pendingMaxAgeHours?: number | string };
  failOn?: string;
}

export const SCAN_ENV = {
  pypi: SCAN.pypi.env!,
  npm: SCAN.npm.env!,
  rubygems: SCAN.rubygems.env!,
  urlRewrites: SCAN.urlRewrites.env!,
  maxBytes: SCAN.maxBytes.env!,
  scannerTimeoutMs: SCAN.scannerTimeoutMs.env!,
  requestTimeoutMs: SCAN.requestTimeoutMs.env!,
  maxFiles: SCAN.maxFiles.env!,
  allowedRegistries: SCAN.allowedRegistries.env!,
};

/** The declared defaults (shared/config/settings/scan.ts). */
export const SCAN_DEFAULTS: ScanSettings = {
  registries: { pypi: SCAN.pypi.default, npm: SCAN.npm.default, rubygems: SCAN.rubygems.default },
  urlRewrites: SCAN.urlRewrites.default,
  maxBytes: SCAN.maxBytes.default,
  scannerTimeoutMs: SCAN.scannerTimeoutMs.default,
  requestTimeoutMs: SCAN.requestTimeoutMs.default,
  maxFiles: SCAN.maxFiles.default,
  allowedRegistries: SCAN.allowedRegistries.default,
  osv: { urls: SCAN.osvUrls.default, ecosystems: SCAN.osvEcosystems.default, pendingMaxAgeHours: SCAN.osvPendingMaxAgeHours.default },
};

/**
 * The scan settings from `CCP_*` variables, then the file's `scan:` mapping, then defaults.
 * `CCP_SCAN_URL_REWRITES` is `from=>to,from=>to`. Bad values are added to `issues` with their
 * field; the defaults stand in for them.
 */
export function loadScanSettings(file: ScanFileSettings | undefined, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): ScanSettings {
  const source = { env, file: { scan: file }, where, issues };
  const failOn = read(SCAN.failOn, source);
  return {
    registries: { pypi: read(SCAN.pypi, source), npm: read(SCAN.npm, source), rubygems: read(SCAN.rubygems, source) },
    urlRewrites: read(SCAN.urlRewrites, source),
    maxBytes: read(SCAN.maxBytes, source),
    scannerTimeoutMs: read(SCAN.scannerTimeoutMs, source),
    requestTimeoutMs: read(SCAN.requestTimeoutMs, source),
    maxFiles: read(SCAN.maxFiles, source),
    allowedRegistries: read(SCAN.allowedRegistries, source),
    osv: { urls: read(SCAN.osvUrls, source), ecosystems: read(SCAN.osvEcosystems, source), pendingMaxAgeHours: read(SCAN.osvPendingMaxAgeHours, source) },
    ...(failOn ? { failOn } : {}),
  };
}

/** Applies the first rewrite rule whose `from` starts `url`; the URL unchanged when none does. */
export function rewriteUrl(rules: ScanSettings['urlRewrites'], url: string): string {
  const rule = rules.find((candidate) => url.startsWith(candidate.from));
  return rule ? rule.to + url.slice(rule.from.length) : url;
}
