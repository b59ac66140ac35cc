import type { Issue } from '../errors/validation-error';
import { loadScanSettings, rewriteUrl, SCAN_DEFAULTS } from './scan-settings';

describe('loadScanSettings', () => {
  it('has defaults', () => {
    const issues: Issue[] = [];
    expect(loadScanSettings(undefined, {}, {}, issues)).toEqual(SCAN_DEFAULTS);
    expect(issues).toEqual([]);
  });

  it('reads the environment before the file', () => {
    const issues: Issue[] = [];
    const settings = loadScanSettings(
      { registries: { pypi: 'http://file/pypi', npm: 'http://file/npm' }, maxBytes: 10, urlRewrites: [{ from: 'a', to: 'b' }] },
      {
        CCP_PYPI_URL: 'http://127.0.0.1:1/',
        CCP_RUBYGEMS_URL: 'http://127.0.0.1:3',
        CCP_SCAN_URL_REWRITES: 'https://pypi.org=>http://mirror/pypi, https://x=>http://y',
        CCP_SCAN_TIMEOUT_MS: '5000',
      },
      {},
      issues,
    );
    expect(settings).toEqual({
      registries: { pypi: 'http://127.0.0.1:1', npm: 'http://file/npm', rubygems: 'http://127.0.0.1:3' },
      urlRewrites: [
        { from: 'https://pypi.org', to: 'http://mirror/pypi' },
        { from: 'https://x', to: 'http://y' },
      ],
      maxBytes: 10,
      scannerTimeoutMs: 5000,
      requestTimeoutMs: SCAN_DEFAULTS.requestTimeoutMs,
      maxFiles: SCAN_DEFAULTS.maxFiles,
      allowedRegistries: [],
      osv: SCAN_DEFAULTS.osv,
    });
    expect(issues).toEqual([]);
  });

  it.each([
    [{ CCP_NPM_REGISTRY_URL: 'ftp://x' }, 'scan.registries.npm', 'must be an http(s) URL, not "ftp://x"'],
    [{ CCP_SCAN_URL_REWRITES: 'a->b' }, 'scan.urlRewrites', '"a->b" is not "from=>to"'],
    [{ CCP_SCAN_MAX_BYTES: '1.5GB' }, 'scan.maxBytes', 'must be a whole number above 0, not "1.5GB"'],
    [{ CCP_SCAN_REQUEST_TIMEOUT_MS: '-1' }, 'scan.requestTimeoutMs', 'must be a whole number above 0, not "-1"'],
    [{ CCP_SCAN_MAX_FILES: 'lots' }, 'scan.maxFiles', 'must be a whole number above 0, not "lots"'],
    [
      { CCP_SCAN_ALLOWED_REGISTRIES: 'quay.io,https://evil.example/x' },
      'scan.allowedRegistries',
      '"https://evil.example/x" is not a registry host or host:port (no scheme, no path)',
    ],
    [{ CCP_OSV_URLS: 'http://mirror.example/osv,file:///srv/osv' }, 'scan.osv.urls', '"file:///srv/osv" is not an http(s) URL'],
    [
      { CCP_OSV_ECOSYSTEMS: 'PyPI,Debian:12' },
      'scan.osv.ecosystems',
      '"Debian:12" is not one of Red Hat, AlmaLinux, Rocky Linux, PyPI, npm, RubyGems (optionally with :<release>)',
    ],
    [{ CCP_OSV_PENDING_MAX_AGE_HOURS: '0' }, 'scan.osv.pendingMaxAgeHours', 'must be a whole number above 0, not "0"'],
  ])('names the field of a bad value: %j', (env, field, message) => {
    const issues: Issue[] = [];
    loadScanSettings(undefined, env, { file: 'ccp.yaml' }, issues);
    expect(issues).toEqual([{ file: 'ccp.yaml', field, message }]);
  });

  it.each([
    [{ CCP_SCAN_ALLOWED_REGISTRIES: 'Quay.io, registry.example.org:5000,[::1]:5000' }, undefined, ['quay.io', 'registry.example.org:5000', '[::1]:5000']],
    [{}, ['quay.io', '127.0.0.1:5001'], ['quay.io', '127.0.0.1:5001']],
    [{ CCP_SCAN_ALLOWED_REGISTRIES: 'ghcr.io' }, ['quay.io'], ['ghcr.io']],
    [{}, undefined, []],
  ])('reads the allowed registries from %j, else the file %j', (env, allowed, expected) => {
    const issues: Issue[] = [];
    expect(loadScanSettings(allowed ? { allowedRegistries: allowed } : undefined, env, {}, issues).allowedRegistries).toEqual(expected);
    expect(issues).toEqual([]);
  });

  it.each([
    [{}, undefined, { urls: [], ecosystems: ['Red Hat', 'AlmaLinux', 'Rocky Linux', 'PyPI', 'npm', 'RubyGems'], pendingMaxAgeHours: 720 }],
    [
      { CCP_OSV_URLS: 'http://127.0.0.1:8080/osv/, https://mirror.example', CCP_OSV_ECOSYSTEMS: 'AlmaLinux:9,PyPI', CCP_OSV_PENDING_MAX_AGE_HOURS: '48' },
      undefined,
      { urls: ['http://127.0.0.1:8080/osv', 'https://mirror.example'], ecosystems: ['AlmaLinux:9', 'PyPI'], pendingMaxAgeHours: 48 },
    ],
    [
      { CCP_OSV_ECOSYSTEMS: 'npm' },
      { urls: ['https://file.example/osv'], ecosystems: ['PyPI'], pendingMaxAgeHours: 24 },
      { urls: ['https://file.example/osv'], ecosystems: ['npm'], pendingMaxAgeHours: 24 },
    ],
  ])('reads the OSV mirrors, ecosystems and pending-fix age from %j, else the file %j', (env, osv, expected) => {
    const issues: Issue[] = [];
    expect(loadScanSettings(osv ? { osv } : undefined, env, {}, issues).osv).toEqual(expected);
    expect(issues).toEqual([]);
  });

  it.each([
    [{}, undefined, undefined, []],
    [{ CCP_SCAN_FAIL_ON: 'critical' }, undefined, 'critical', []],
    [{}, 'all', 'all', []],
    [{ CCP_SCAN_FAIL_ON: 'low' }, 'high', 'low', []],
    [{ CCP_SCAN_FAIL_ON: 'severe' }, undefined, undefined, [{ field: 'scan.failOn', message: 'must be one of critical, high, medium, low, all' }]],
  ])('reads the exit threshold from %j, else the file %j: %j', (env, failOn, expected, problems) => {
    const issues: Issue[] = [];
    expect(loadScanSettings(failOn ? { failOn } : undefined, env, {}, issues).failOn).toEqual(expected);
    expect(issues.map(({ field, message }) => ({ field, message }))).toEqual(problems);
  });

  it('reads the file-count bound', () => {
    const issues: Issue[] = [];
    expect([
      loadScanSettings({ maxFiles: 10 }, {}, {}, issues).maxFiles,
      loadScanSettings({ maxFiles: 10 }, { CCP_SCAN_MAX_FILES: '20' }, {}, issues).maxFiles,
      SCAN_DEFAULTS.maxFiles,
    ]).toEqual([10, 20, 200_000]);
    expect(issues).toEqual([]);
  });

  it('rewrites by the first matching prefix', () => {
    const rules = [
      { from: 'https://pypi.org', to: 'http://127.0.0.1:8/p' },
      { from: 'https://', to: 'http://' },
    ];
    expect(rewriteUrl(rules, 'https://pypi.org/pypi/x/json')).toBe('http://127.0.0.1:8/p/pypi/x/json');
    expect(rewriteUrl(rules, 'https://rubygems.org/api')).toBe('http://rubygems.org/api');
    expect(rewriteUrl(rules, 'http://other/')).toBe('http://other/');
  });
});
