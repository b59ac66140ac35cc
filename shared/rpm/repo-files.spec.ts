import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseRepoIni, readRepoFiles } from './repo-files';
import { expandVars, installedArch, resolveRepoVars } from './repo-vars';
import type { RpmPackage } from './rpmdb';

const pkg = (name: string, arch: string): RpmPackage => ({ name, arch, epoch: 0, version: '1', release: '1' });

describe('expandVars', () => {
  const vars = { releasever: '9', basearch: 'x86_64', infra: 'container', empty: '' };
  it.each([
    ['http://m/$releasever/BaseOS/$basearch/os/', 'http://m/9/BaseOS/x86_64/os/'],
    ['http://m/${releasever}x/', 'http://m/9x/'],
    ['&infra=$infra', '&infra=container'],
    ['$unknown/x', '$unknown/x'],
    ['${empty:-fallback}', 'fallback'],
    ['${releasever:+set}', 'set'],
    ['${empty:+set}', ''],
  ])('%s', (text, expanded) => {
    expect(expandVars(text, vars)).toEqual(expanded);
  });
});

describe('parseRepoIni', () => {
  it('reads sections, continuation lines and comments', () => {
    const text = '# comment\n[base]\nname = Base\nbaseurl=http://a/\n  http://b/\n; more\nenabled=0\n[other]\nmirrorlist=http://m/?r=$releasever\n';
    expect(parseRepoIni(text)).toEqual([
      { id: 'base', options: { name: 'Base', baseurl: 'http://a/\nhttp://b/', enabled: '0' } },
      { id: 'other', options: { mirrorlist: 'http://m/?r=$releasever' } },
    ]);
  });
});

describe('readRepoFiles and resolveRepoVars', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ccp-repo-files-'));
    mkdirSync(path.join(root, 'etc/yum.repos.d'), { recursive: true });
    mkdirSync(path.join(root, 'etc/dnf/vars'), { recursive: true });
    mkdirSync(path.join(root, 'etc/yum/vars'), { recursive: true });
    writeFileSync(path.join(root, 'etc/os-release'), 'NAME="CentOS Stream"\nID="centos"\nVERSION_ID="9"\n');
    writeFileSync(path.join(root, 'etc/dnf/vars/stream'), '9-stream\n');
    writeFileSync(path.join(root, 'etc/yum/vars/infra'), 'container\n');
    writeFileSync(
      path.join(root, 'etc/yum.repos.d/centos.repo'),
      [
        '[baseos]',
        'name=CentOS Stream $releasever - BaseOS',
        'metalink=https://mirrors.centos.org/metalink?repo=centos-baseos-$stream&arch=$basearch&protocol=https,http',
        'enabled=1',
        '[appstream]',
        'name=AppStream',
        'baseurl=http://a/$contentdir/$stream/AppStream/$basearch/os/, http://b/$releasever/',
        'enabled=true',
        '[debug]',
        'name=Debug',
        'mirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=os&infra=$infra',
        'enabled=0',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(root, 'etc/yum.repos.d/not-a-repo.txt'), '[x]\nbaseurl=http://x/\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('expands the variables dnf would and keeps disabled repos marked', () => {
    const vars = resolveRepoVars(root, [pkg('bash', 'aarch64'), pkg('tzdata', 'noarch')], undefined);
    expect(vars).toEqual(
      expect.objectContaining({
        releasever: '9',
        arch: 'aarch64',
        basearch: 'aarch64',
        stream: '9-stream',
        infra: 'container',
        contentdir: 'centos',
        releasever_major: '9',
      }),
    );
    expect(readRepoFiles(root, vars)).toEqual([
      {
        id: 'baseos',
        name: 'CentOS Stream 9 - BaseOS',
        file: '/etc/yum.repos.d/centos.repo',
        baseurls: [],
        metalink: 'https://mirrors.centos.org/metalink?repo=centos-baseos-9-stream&arch=aarch64&protocol=https,http',
        enabled: true,
      },
      {
        id: 'appstream',
        name: 'AppStream',
        file: '/etc/yum.repos.d/centos.repo',
        baseurls: ['http://a/centos/9-stream/AppStream/aarch64/os/', 'http://b/9/'],
        enabled: true,
      },
      {
        id: 'debug',
        name: 'Debug',
        file: '/etc/yum.repos.d/centos.repo',
        baseurls: [],
        mirrorlist: 'http://mirrorlist.centos.org/?release=9&arch=aarch64&repo=os&infra=container',
        enabled: false,
      },
    ]);
  });

  it.each([
    ['configured', { releasever: '8' }, '7Server', '8'],
    ['the system-release(releasever) provide', {}, '7Server', '7Server'],
    ['os-release', {}, undefined, '9'],
  ])('takes $releasever from %s first', (_from, overrides, provide, expected) => {
    expect(resolveRepoVars(root, [], provide, overrides).releasever).toEqual(expected);
  });

  it('defaults the arch to x86_64 and maps i686 to i386', () => {
    expect(installedArch([])).toEqual('x86_64');
    expect(resolveRepoVars(root, [pkg('glibc', 'i686')], undefined).basearch).toEqual('i386');
  });
});
