import { declare, Invalid, type Parser, type SettingGroup } from './api';
import { list, oneOf, wholeNumber } from './parsers';
import { SEVERITY_THRESHOLDS, type SeverityThreshold } from '../../reports/vulnerabilities';

/** `host`, `host:port` or `[v6]:port`, as image references name registries; no scheme or path. */
const REGISTRY_ADDRESS = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

/** A package registry's base URL, without trailing slashes. */
const registryUrl: Parser<string> = (raw) =>
  /^https?:\/\/[^\s]+$/.test(String(raw)) ? String(raw).replace(/\/+$/, '') : new Invalid(`must be an http(s) URL, not "${String(raw)}"`);

const bound = wholeNumber(1, (raw) => `must be a whole number above 0, not "${String(raw)}"`);

/** `from=>to,from=>to`, or the file's list of `{from, to}`. */
const urlRewrites: Parser<{ from: string; to: string }[]> = (raw) => {
  if (Array.isArray(raw)) {
    const rules = raw.filter((rule: { from?: unknown; to?: unknown } | null) => typeof rule?.from === 'string' && typeof rule?.to === 'string') as {
      from: string;
      to: string;
    }[];
    return rules.length === raw.length ? rules : new Invalid('each rule must be a mapping with from and to');
  }
  const rules: { from: string; to: string }[] = [];
  const bad: string[] = [];
  for (const rule of String(raw)
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [from, to, extra] = rule.split('=>').map((part) => part.trim());
    if (!from || to === undefined || extra !== undefined) bad.push(`"${rule}" is not "from=>to"`);
    else rules.push({ from, to });
  }
  return bad.length > 0 ? new Invalid(...bad) : rules;
};

/** `a:5000,b` or the file's list, each entry checked, in lower case. */
const registries: Parser<string[]> = (raw) => {
  const entries = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : null;
  if (!entries) return new Invalid('must be a list of host:port, or a comma-separated string');
  const bad = entries.map((item) => String(item).trim()).filter((entry) => entry && !REGISTRY_ADDRESS.test(entry));
  if (bad.length > 0) return new Invalid(...bad.map((entry) => `"${entry}" is not a registry host or host:port (no scheme, no path)`));
  return entries.map((item) => String(item).trim().toLowerCase()).filter(Boolean);
};

/** OSV mirror base URLs: each an http(s) URL, trailing slashes dropped. */
const osvUrls: Parser<string[]> = (raw, setting) => {
  const urls = list('must be a comma-separated string or a list of URLs')(raw, setting);
  if (urls instanceof Invalid) return urls;
  const bad = urls.filter((url) => !/^https?:\/\/[^\s]+$/.test(url));
  return bad.length > 0 ? new Invalid(...bad.map((url) => `"${url}" is not an http(s) URL`)) : urls.map((url) => url.replace(/\/+$/, ''));
};

/** The OSV ecosystems the vulnerabilities scanner reads: their names as OSV spells them, with an optional `:release`. */
const OSV_BASES = ['Red Hat', 'AlmaLinux', 'Rocky Linux', 'PyPI', 'npm', 'RubyGems'];
const osvEcosystems: Parser<string[]> = (raw, setting) => {
  const names = list('must be a comma-separated string or a list of ecosystems')(raw, setting);
  if (names instanceof Invalid) return names;
  const bad = names.filter((name) => !OSV_BASES.includes(name.split(':')[0]!));
  return bad.length > 0 ? new Invalid(...bad.map((name) => `"${name}" is not one of ${OSV_BASES.join(', ')} (optionally with :<release>)`)) : names;
};

/** How the scan function reaches registries and how much it may spend. */
export const SCAN = {
  pypi: declare({
    env: 'CCP_PYPI_URL',
    key: 'scan.registries.pypi',
    description: 'the PyPI the update scanners and rebuild on advisory (track-repos) ask',
    default: 'https://pypi.org',
    parse: registryUrl,
  }),
  npm: declare({
    env: 'CCP_NPM_REGISTRY_URL',
    key: 'scan.registries.npm',
    description: 'the npm registry the update scanners and rebuild on advisory (track-repos) ask',
    default: 'https://registry.npmjs.org',
    parse: registryUrl,
  }),
  rubygems: declare({
    env: 'CCP_RUBYGEMS_URL',
    key: 'scan.registries.rubygems',
    description: 'the RubyGems the update scanners and rebuild on advisory (track-repos) ask',
    default: 'https://rubygems.org',
    parse: registryUrl,
  }),
  urlRewrites: declare({
    env: 'CCP_SCAN_URL_REWRITES',
    key: 'scan.urlRewrites',
    description: '`from=>to,…` prefix rewrites for every URL a scanner fetches (mirrors, air-gapped clusters)',
    default: [] as { from: string; to: string }[],
    parse: urlRewrites,
  }),
  maxBytes: declare({
    env: 'CCP_SCAN_MAX_BYTES',
    key: 'scan.maxBytes',
    description: 'largest image unpacked (uncompressed bytes)',
    default: 4 * 1024 ** 3,
    parse: bound,
  }),
  scannerTimeoutMs: declare({
    env: 'CCP_SCAN_TIMEOUT_MS',
    key: 'scan.scannerTimeoutMs',
    description: 'time limit of one scanner, ms',
    default: 300_000,
    parse: bound,
  }),
  requestTimeoutMs: declare({
    env: 'CCP_SCAN_REQUEST_TIMEOUT_MS',
    key: 'scan.requestTimeoutMs',
    description: 'time limit of one registry or repository request, its body included, ms',
    default: 15_000,
    parse: bound,
  }),
  maxFiles: declare({
    env: 'CCP_SCAN_MAX_FILES',
    key: 'scan.maxFiles',
    description: 'tar entries an image may have over all its layers (default 200,000); beyond, the scan ends with `image … has more than 200,000 files`',
    // A big image (a full JDK or node_modules stack) has about 100,000 entries; 400,000 empty files
    // gzip to 3 MB and cost minutes and as many inodes.
    default: 200_000,
    parse: bound,
  }),
  osvUrls: declare({
    env: 'CCP_OSV_URLS',
    key: 'scan.osv.urls',
    description:
      'OSV mirrors laid out as the osv.dev export bucket (`<url>/<ecosystem>/all.zip`), tried in order; none (the default) turns the vulnerabilities scanner off',
    default: [] as string[],
    parse: osvUrls,
  }),
  osvEcosystems: declare({
    env: 'CCP_OSV_ECOSYSTEMS',
    key: 'scan.osv.ecosystems',
    description: 'OSV ecosystems fetched and matched',
    default: [...OSV_BASES],
    parse: osvEcosystems,
  }),
  osvPendingMaxAgeHours: declare({
    env: 'CCP_OSV_PENDING_MAX_AGE_HOURS',
    key: 'scan.osv.pendingMaxAgeHours',
    description:
      'how long track-repos keeps asking the registry for the fix of an advisory that affects a pip, npm or gem package of a built image but whose fix was not published yet (default 720: 30 days); the image rebuilds when the fix ships within that time',
    default: 720,
    parse: bound,
  }),
  failOn: declare({
    env: 'CCP_SCAN_FAIL_ON',
    key: 'scan.failOn',
    embeddedOnly: 'the exit status of the ccp scan command; the scan function in the cluster has none',
    description:
      "`ccp scan`'s exit status 1 for advisories of this CVSS band or above (`critical`, `high`, `medium`, `low`, `all`); `--fail-on` beats it. Unset (the default): 1 for any high finding, a critical or high advisory among them, as before. Either way a failed scanner, or a high finding of another scanner, exits 1",
    parse: oneOf<SeverityThreshold>(SEVERITY_THRESHOLDS, `must be one of ${SEVERITY_THRESHOLDS.join(', ')}`),
  }),
  allowedRegistries: declare({
    env: 'CCP_SCAN_ALLOWED_REGISTRIES',
    key: 'scan.allowedRegistries',
    description:
      "registries (`host:port` or `host`, comma-separated or a list) that the scan, weekly-scan and dispatch functions and `ccp scan` read images from besides `CCP_REGISTRY`; any other (an event naming `169.254.169.254/x:y`) is refused before a connection. A Bearer token realm or a redirect must stay on the registry's own host or an allowed one: a registry that redirects blobs to a storage backend needs that host listed too; credentials never leave the registry's own host",
    default: [] as string[],
    parse: registries,
  }),
};

export const SCAN_ROWS: Record<'registries' | 'limits' | 'osv', SettingGroup> = {
  registries: {
    settings: [SCAN.pypi, SCAN.npm, SCAN.rubygems],
    keys: '`scan.registries.{pypi,npm,rubygems}`',
    description: 'registries the update scanners and rebuild on advisory ask (defaults: pypi.org, registry.npmjs.org, rubygems.org)',
  },
  limits: {
    settings: [SCAN.maxBytes, SCAN.scannerTimeoutMs, SCAN.requestTimeoutMs],
    description:
      'largest image unpacked (default 4 GiB), time limit per scanner (5 min) and per request (15 s; a blob must be read to its end within it, else the scan ends with `layer sha256:… timed out after 15 s`)',
  },
  osv: {
    settings: [SCAN.osvUrls, SCAN.osvEcosystems, SCAN.osvPendingMaxAgeHours],
    description:
      'the advisory database of the `vulnerabilities` scanner: OSV exports (`<url>/<ecosystem>/all.zip`, e.g. https://osv-vulnerabilities.storage.googleapis.com) fetched with If-None-Match / If-Modified-Since into the object store, at most hourly; ecosystems (default `Red Hat,AlmaLinux,Rocky Linux,PyPI,npm,RubyGems`, `AlmaLinux:9` for one release). No URL (the default): the scanner is skipped, so no scan reaches out unasked',
  },
};
