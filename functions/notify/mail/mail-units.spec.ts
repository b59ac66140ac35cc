import { isValidAddress, normalizeAddress } from './address';
import { describeCause } from './cause';
import { diffPackages } from './package-changes';
import { decideBuildMail, decideScanMail, policyFor } from './policy';
import { redact } from '../../../shared/redact/redact';
import { loadMailSettings } from '../../../shared/config/mail-settings';
import { MAIL_TRANSPORTS, createMailTransport } from './transports/api';
import { changeItems, scanHeadline } from './mails/sections';
import type { ScannerDigest } from './report-reading';
import { renderHtml } from './render/html';
import { renderText } from './render/text';

describe('isValidAddress', () => {
  it.each([
    ['dev@team.example.org', true],
    ['root@localhost', true],
    ['first.last+tag@example.org', true],
    ['not an address', false],
    ['two@@example.org', false],
    ['Dev <dev@example.org>', false],
    ['dev@example..org', false],
    ['.dev@example.org', false],
    ['', false],
  ])('%s: %s', (address, valid) => {
    expect(isValidAddress(address)).toBe(valid);
  });

  it('lower-cases the domain only', () => {
    expect(normalizeAddress(' Dev@Example.ORG ')).toEqual('Dev@example.org');
  });
});

describe('describeCause', () => {
  it.each([
    [{ kind: 'first-build' as const, message: 'x' }, 'First build: new index entry'],
    [{ kind: 'git-push' as const, message: 'x', commit: 'abc', branch: 'main', repoUrl: 'https://g/r' }, 'Git commit abc to branch main of repo https://g/r'],
    [{ kind: 'git-push' as const, message: 'push without details' }, 'push without details'],
    [{ kind: 'parent-rebuilt' as const, message: 'x', parent: 'centos/base:latest' }, 'Parent container image centos/base:latest is rebuilt'],
    [
      {
        kind: 'parent-rebuilt' as const,
        message: 'parent centos/base:latest rebuilt because openssl 3.0.7-24 → 3.0.7-25 in repo baseos',
        parent: 'centos/base:latest',
      },
      'Parent container image centos/base:latest is rebuilt because openssl 3.0.7-24 → 3.0.7-25 in repo baseos',
    ],
    [
      {
        kind: 'rpm-update' as const,
        message: 'x',
        packages: [
          { name: 'bash', from: '5.1-1', to: '5.1-2', repo: 'baseos' },
          { name: 'zlib', from: '1', to: '2' },
        ],
      },
      'RPM updates: bash 5.1-1 → 5.1-2 in repo baseos; zlib 1 → 2',
    ],
    [
      {
        kind: 'rpm-update' as const,
        message: 'x',
        packages: [
          { name: 'requests', from: '2.25.0', to: '2.31.0', repo: 'PyPI' },
          { name: 'bash', from: '5.1-1', to: '5.1-2', repo: 'baseos' },
        ],
      },
      'Package updates: requests 2.25.0 → 2.31.0 (PyPI); bash 5.1-1 → 5.1-2 in repo baseos',
    ],
    [{ kind: 'index-change' as const, message: 'x' }, 'Update to build configurations'],
    [{ kind: 'manual' as const, message: 'Requested by an admin' }, 'Manual build: Requested by an admin'],
  ])('%j → %s', (cause, expected) => {
    expect(describeCause(cause)).toEqual(expected);
  });
});

describe('quiet policies', () => {
  const ref = { appId: 'team', jobId: 'web', desiredTag: 'latest' };

  it('merges *, then the app-id, then the image', () => {
    expect(
      policyFor({ '*': { builds: 'all', scans: 'always' }, team: { builds: 'failures-and-fixes' }, 'team/web:latest': { scans: 'changes' } }, ref),
    ).toEqual({
      builds: 'failures-and-fixes',
      scans: 'changes',
    });
  });

  it.each([
    ['manual', 'succeeded', null, true],
    ['rpm-update', 'succeeded', 'succeeded', false],
    ['rpm-update', 'succeeded', 'failed', true],
    ['rpm-update', 'failed', 'failed', true],
  ] as const)('a %s build %s after %s is mailed: %s', (cause, status, previous, send) => {
    expect(decideBuildMail({}, cause, status, previous).send).toBe(send);
  });

  it.each([
    [{}, null, 'a', true],
    [{}, 'a', 'a', false],
    [{}, 'a', 'b', true],
    [{ scans: 'always' as const }, 'a', 'a', true],
  ])('scan policy %j, previous %s, now %s: mailed %s', (policy, previous, now, send) => {
    expect(decideScanMail(policy, previous, now).send).toBe(send);
  });
});

describe('redact', () => {
  it('removes configured secrets and URL credentials', () => {
    expect(redact('pull https://bot:tok3n@r.example.org/x with pw hunter22', ['hunter22'])).toEqual('pull https://***@r.example.org/x with pw ***');
  });
});

describe('diffPackages', () => {
  it('lists updated, added and removed packages by name', () => {
    expect(diffPackages({ 'pkg:rpm/c/bash': '1', 'pkg:rpm/c/gone': '3' }, { 'pkg:rpm/c/bash': '2', 'pkg:rpm/c/new': '1' })).toEqual({
      updated: [{ name: 'rpm/c/bash', from: '1', to: '2' }],
      added: [{ name: 'rpm/c/new', version: '1' }],
      removed: [{ name: 'rpm/c/gone', version: '3' }],
    });
  });
});

describe('mail transports', () => {
  const none = loadMailSettings({}, {}, {}, []);

  it.each(MAIL_TRANSPORTS.map((plugin) => [plugin.id, plugin] as const))('%s has a description and is off without settings', (_id, plugin) => {
    expect(plugin.description.length).toBeGreaterThan(10);
    expect(plugin.configured(none)).toBe(false);
  });

  it('has no transport without settings, the folder over SMTP when both are set', () => {
    expect(createMailTransport(none)).toBeNull();
    const both = { ...none, toDir: '/tmp/x', smtp: { host: 'h', port: 25 } };
    expect(createMailTransport(both)?.id).toEqual('dir');
    expect(createMailTransport({ ...none, smtp: { host: 'h', port: 25 } })?.id).toEqual('smtp');
  });
});

describe('scanHeadline', () => {
  const digest = (entries: [string, Partial<ScannerDigest>][]): Map<string, ScannerDigest> =>
    new Map(entries.map(([id, part]) => [id, { status: 'ok', severities: {}, findings: 0, top: [], ...part }]));
  it.each([
    [
      'updates and a high finding',
      digest([
        ['rpm-updates', { findings: 3, severities: { medium: 3 } }],
        ['capabilities', { findings: 1, severities: { high: 1 } }],
      ]),
      { 'rpm-updates': { status: 'ok' as const, findings: 3 }, capabilities: { status: 'ok' as const, findings: 1 } },
      '3 updates, 1 high finding',
    ],
    [
      'two severities',
      digest([['rpm-verify', { findings: 3, severities: { low: 1, medium: 2 } }]]),
      { 'rpm-verify': { status: 'ok' as const, findings: 3 } },
      '2 medium findings, 1 low finding',
    ],
    [
      'a failed scanner',
      digest([
        ['rpm-verify', { status: 'failed' }],
        ['rpm-updates', {}],
      ]),
      { 'rpm-verify': { status: 'failed' as const, findings: 0 }, 'rpm-updates': { status: 'ok' as const, findings: 0 } },
      'rpm-verify failed',
    ],
    ['nothing', digest([['rpm-updates', {}]]), { 'rpm-updates': { status: 'ok' as const, findings: 0 } }, 'no findings'],
    ['an absent image', null, { 'rpm-updates': { status: 'skipped' as const, findings: 0 } }, 'not scanned'],
    [
      'no scan.json',
      null,
      { 'pip-updates': { status: 'ok' as const, findings: 2 }, capabilities: { status: 'ok' as const, findings: 1 } },
      '2 updates, 1 finding',
    ],
  ])('%s: %s', (_name, scan, scanners, expected) => {
    expect(scanHeadline(scan, scanners)).toEqual(expected);
  });
});

describe('changeItems', () => {
  const web = {
    id: 1,
    appId: 'team',
    jobId: 'web',
    gitUrl: 'https://g/web',
    gitBranch: 'main',
    gitPath: 'docker',
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: [],
    buildContext: './',
    dependsOn: ['centos/base:latest'],
    source: { file: 'index.d/team.yaml', line: 3 },
  };
  it.each([
    [
      { kind: 'git-push' as const, message: 'x', commit: 'abc', branch: 'main', repoUrl: 'https://g/web' },
      null,
      ['Commit abc on branch main of https://g/web'],
    ],
    [
      { kind: 'parent-rebuilt' as const, message: 'parent centos/base:latest rebuilt because x', parent: 'centos/base:latest' },
      { ref: 'r/centos/base:latest', digest: 'sha256:1' },
      ['Parent image centos/base:latest was rebuilt: r/centos/base:latest@sha256:1', 'parent centos/base:latest rebuilt because x'],
    ],
    [
      { kind: 'parent-rebuilt' as const, message: 'm', parent: 'centos/base:latest' },
      null,
      ['Parent image centos/base:latest was rebuilt: centos/base:latest (digest not known)', 'm'],
    ],
    [{ kind: 'rpm-update' as const, message: 'x', packages: [{ name: 'bash', from: '1', to: '2' }] }, null, ['bash 1 → 2']],
  ])('%j', (cause, parent, expected) => {
    expect(changeItems(cause, web, parent)).toEqual(expected);
  });

  it('lists the entry fields of a first build', () => {
    expect(changeItems({ kind: 'first-build', message: 'x' }, web, null)).toEqual([
      'New index entry (index.d/team.yaml, line 3):',
      'git-url: https://g/web',
      'git-branch: main',
      'git-path: docker',
      'target-file: Dockerfile',
      'build-context: ./',
      'desired-tag: latest',
      'depends-on: centos/base:latest',
    ]);
  });
});

describe('renderers', () => {
  const document = {
    subject: 's',
    status: 'SUCCESS' as const,
    sections: [{ heading: 'h', rows: [['Reason', 'a\nb\rc']] as [string, string][], items: ['x\r\ny'] }],
  };
  it.each([
    ['text', renderText(document)],
    ['html', renderHtml(document)],
  ])('%s ends every line in CRLF', (_part, rendered) => {
    expect(rendered.match(/(?<!\r)\n/g)).toBeNull();
    expect(rendered.endsWith('\r\n')).toBe(true);
  });
});
