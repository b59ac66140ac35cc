import { isValidAddress, normalizeAddress } from './address';
import { describeCause } from './cause';
import { diffPackages } from './package-changes';
import { decideBuildMail, decideScanMail, policyFor } from './policy';
import { redact } from '../redact';
import { loadMailSettings } from './settings';
import { MAIL_TRANSPORTS, createMailTransport } from './transports/api';

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
      { kind: 'parent-rebuilt' as const, message: 'parent centos/base:latest rebuilt because openssl 3.0.7-24 → 3.0.7-25 in repo baseos', parent: 'centos/base:latest' },
      'Parent container image centos/base:latest is rebuilt because openssl 3.0.7-24 → 3.0.7-25 in repo baseos',
    ],
    [{ kind: 'rpm-update' as const, message: 'x', packages: [{ name: 'bash', from: '5.1-1', to: '5.1-2', repo: 'baseos' }, { name: 'zlib', from: '1', to: '2' }] }, 'RPM updates: bash 5.1-1 → 5.1-2 in repo baseos; zlib 1 → 2'],
    [{ kind: 'index-change' as const, message: 'x' }, 'Update to build configurations'],
    [{ kind: 'manual' as const, message: 'Requested by an admin' }, 'Manual build: Requested by an admin'],
  ])('%j → %s', (cause, expected) => {
    expect(describeCause(cause)).toEqual(expected);
  });
});

describe('quiet policies', () => {
  const ref = { appId: 'team', jobId: 'web', desiredTag: 'latest' };

  it('merges *, then the app-id, then the image', () => {
    expect(policyFor({ '*': { builds: 'all', scans: 'always' }, team: { builds: 'failures-and-fixes' }, 'team/web:latest': { scans: 'changes' } }, ref)).toEqual({
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
