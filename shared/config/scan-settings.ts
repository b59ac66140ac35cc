import type { Issue } from '../errors/validation-error';
import { Invalid, type Setting } from './settings/api';
import { SCAN } from './settings/scan';

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
  osv: { urls: string[]; ecosystems: string[] };
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
  osv?: { urls?: string | string[]; ecosystems?: string | string[] };
}

export const SCAN_ENV = {
  pypi: 'CCP_PYPI_URL',
  npm: 'CCP_NPM_REGISTRY_URL',
  rubygems: 'CCP_RUBYGEMS_URL',
  urlRewrites: 'CCP_SCAN_URL_REWRITES',
  maxBytes: 'CCP_SCAN_MAX_BYTES',
  scannerTimeoutMs: 'CCP_SCAN_TIMEOUT_MS',
  requestTimeoutMs: 'CCP_SCAN_REQUEST_TIMEOUT_MS',
  maxFiles: 'CCP_SCAN_MAX_FILES',
  allowedRegistries: 'CCP_SCAN_ALLOWED_REGISTRIES',
} as const;

export const SCAN_DEFAULTS: ScanSettings = {
  registries: { pypi: 'https://pypi.org', npm: 'https://registry.npmjs.org', rubygems: 'https://rubygems.org' },
  urlRewrites: [],
  maxBytes: 4 * 1024 ** 3,
  scannerTimeoutMs: 300_000,
  requestTimeoutMs: 15_000,
  // A big image (a full JDK or node_modules stack) has about 100,000 entries; 400,000 empty files
  // gzip to 3 MB and cost minutes and as many inodes.
  maxFiles: 200_000,
  allowedRegistries: [],
  osv: { urls: SCAN.osvUrls.default!, ecosystems: SCAN.osvEcosystems.default! },
};

/** `host`, `host:port` or `[v6]:port`, as image references name registries; no scheme or path. */
const REGISTRY_ADDRESS = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

/**
 * The scan settings from `CCP_*` variables, then the file's `scan:` mapping, then defaults.
 * `CCP_SCAN_URL_REWRITES` is `from=>to,from=>to`. Bad values are added to `issues` with their
 * field; the defaults stand in for them.
 */
export function loadScanSettings(file: ScanFileSettings | undefined, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): ScanSettings {
  const registries = { ...SCAN_DEFAULTS.registries };
  for (const name of ['pypi', 'npm', 'rubygems'] as const) {
    const value = env[SCAN_ENV[name]] ?? file?.registries?.[name];
    if (value === undefined) continue;
    if (!/^https?:\/\/[^\s]+$/.test(String(value))) issues.push({ ...where, field: `scan.registries.${name}`, message: `must be an http(s) URL, not "${String(value)}"` });
    else registries[name] = String(value).replace(/\/+$/, '');
  }
  const rewrites = env[SCAN_ENV.urlRewrites] ?? file?.urlRewrites;
  let urlRewrites: ScanSettings['urlRewrites'] = [];
  if (typeof rewrites === 'string') {
    for (const rule of rewrites.split(',').map((part) => part.trim()).filter(Boolean)) {
      const [from, to, extra] = rule.split('=>').map((part) => part.trim());
      if (!from || to === undefined || extra !== undefined) issues.push({ ...where, field: 'scan.urlRewrites', message: `"${rule}" is not "from=>to"` });
      else urlRewrites.push({ from, to });
    }
  } else if (Array.isArray(rewrites)) {
    urlRewrites = rewrites.filter((rule) => typeof rule?.from === 'string' && typeof rule?.to === 'string');
    if (urlRewrites.length !== rewrites.length) issues.push({ ...where, field: 'scan.urlRewrites', message: 'each rule must be a mapping with from and to' });
  }
  const number = (name: 'maxBytes' | 'scannerTimeoutMs' | 'requestTimeoutMs' | 'maxFiles'): number => {
    const value = env[SCAN_ENV[name]] ?? file?.[name];
    if (value === undefined || value === '') return SCAN_DEFAULTS[name];
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed <= 0) {
      issues.push({ ...where, field: `scan.${name}`, message: `must be a whole number above 0, not "${String(value)}"` });
      return SCAN_DEFAULTS[name];
    }
    return parsed;
  };
  return {
    registries,
    urlRewrites,
    maxBytes: number('maxBytes'),
    scannerTimeoutMs: number('scannerTimeoutMs'),
    requestTimeoutMs: number('requestTimeoutMs'),
    maxFiles: number('maxFiles'),
    allowedRegistries: allowedRegistries(env[SCAN_ENV.allowedRegistries] ?? file?.allowedRegistries, where, issues),
    osv: {
      urls: declared(SCAN.osvUrls, env[SCAN.osvUrls.env!] ?? file?.osv?.urls, where, issues),
      ecosystems: declared(SCAN.osvEcosystems, env[SCAN.osvEcosystems.env!] ?? file?.osv?.ecosystems, where, issues),
    },
  };
}

/** A setting read through its declaration's parser: its default when unset or refused (the refusal is an issue). */
function declared<T>(setting: Setting<T>, value: unknown, where: { file?: string }, issues: Issue[]): T {
  if (value === undefined || value === '') return setting.default!;
  const parsed = setting.parse(value, setting);
  if (!(parsed instanceof Invalid)) return parsed;
  issues.push(...parsed.messages.map((message) => ({ ...where, field: setting.key!, message })));
  return setting.default!;
}

/** `CCP_SCAN_ALLOWED_REGISTRIES` (`a:5000,b`) or the file's list, each entry checked, in lower case. */
function allowedRegistries(value: unknown, where: { file?: string }, issues: Issue[]): string[] {
  if (value === undefined || value === '') return [];
  const entries = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  if (!entries) {
    issues.push({ ...where, field: 'scan.allowedRegistries', message: 'must be a list of host:port, or a comma-separated string' });
    return [];
  }
  const allowed: string[] = [];
  for (const entry of entries.map((item) => String(item).trim()).filter(Boolean)) {
    if (REGISTRY_ADDRESS.test(entry)) allowed.push(entry.toLowerCase());
    else issues.push({ ...where, field: 'scan.allowedRegistries', message: `"${entry}" is not a registry host or host:port (no scheme, no path)` });
  }
  return allowed;
}

/** Applies the first rewrite rule whose `from` starts `url`; the URL unchanged when none does. */
export function rewriteUrl(rules: ScanSettings['urlRewrites'], url: string): string {
  const rule = rules.find((candidate) => url.startsWith(candidate.from));
  return rule ? rule.to + url.slice(rule.from.length) : url;
}
