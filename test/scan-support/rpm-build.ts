import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A file a test package installs. */
export interface TestRpmFile {
  path: string;
  content: string;
  mode?: string;
  /** `%config(noreplace)`. */
  config?: boolean;
}

/** A tiny package for tests: noarch unless `arch` says otherwise (then it is only labelled so). */
export interface TestRpm {
  name: string;
  version: string;
  release?: string;
  epoch?: number;
  /** One line; `a test package` by default. */
  summary?: string;
  files?: TestRpmFile[];
  provides?: string[];
}

function specText(rpm: TestRpm, sourceNames: string[]): string {
  const files = rpm.files ?? [];
  return [
    `Name: ${rpm.name}`,
    `Version: ${rpm.version}`,
    `Release: ${rpm.release ?? '1'}`,
    ...(rpm.epoch !== undefined ? [`Epoch: ${rpm.epoch}`] : []),
    `Summary: ${(rpm.summary ?? 'a test package').replace(/\n/g, ' ')}`,
    'License: MIT',
    'BuildArch: noarch',
    ...(rpm.provides ?? []).map((provide) => `Provides: ${provide}`),
    '%description',
    'A package built by a test.',
    '%install',
    ...files.map((file, i) => `install -D -m ${file.mode ?? '0644'} %{_sourcedir}/${sourceNames[i]} %{buildroot}${file.path}`),
    '%files',
    ...files.map((file) => `${file.config ? '%config(noreplace) ' : ''}${file.path}`),
    '',
  ].join('\n');
}

/**
 * Builds tiny noarch RPMs with the host's rpmbuild (one call for all of them) under `workDir`;
 * returns the paths of the built packages in the order given.
 * @see https://rpm-software-management.github.io/rpm/manual/spec.html
 */
export async function buildRpms(workDir: string, rpms: TestRpm[]): Promise<string[]> {
  const top = path.resolve(workDir, 'rpmbuild');
  await mkdir(path.join(top, 'SOURCES'), { recursive: true });
  await mkdir(path.join(top, 'SPECS'), { recursive: true });
  const specs: string[] = [];
  for (const [n, rpm] of rpms.entries()) {
    const names = (rpm.files ?? []).map((_, i) => `${rpm.name}-${n}-${i}`);
    await Promise.all((rpm.files ?? []).map((file, i) => writeFile(path.join(top, 'SOURCES', names[i]), file.content)));
    const spec = path.join(top, 'SPECS', `${rpm.name}-${n}.spec`);
    await writeFile(spec, specText(rpm, names));
    specs.push(spec);
  }
  const defines = ['_topdir', top, '_build_id_links', 'none', '__os_install_post', '%{nil}', 'debug_package', '%{nil}', '_binary_payload', 'w1.gzdio'];
  const args: string[] = [];
  for (let i = 0; i < defines.length; i += 2) args.push('--define', `${defines[i]} ${defines[i + 1]}`);
  // HOME in the top dir: no ~/.rpmmacros of whoever runs the tests changes the packages.
  await run('rpmbuild', ['-bb', '--quiet', ...args, ...specs], { env: { ...process.env, HOME: top }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  const built = await readdir(path.join(top, 'RPMS', 'noarch'));
  return rpms.map((rpm) => {
    const evr = `${rpm.version}-${rpm.release ?? '1'}`;
    const file = built.find((name) => name === `${rpm.name}-${evr}.noarch.rpm`);
    if (!file) throw new Error(`rpmbuild did not produce ${rpm.name}-${evr}.noarch.rpm (found ${built.join(', ')})`);
    return path.join(top, 'RPMS', 'noarch', file);
  });
}

/** Installs packages into a root filesystem with `rpm --root` and the RHEL rpmdb path. */
export async function installRpms(rootfs: string, packages: string[]): Promise<void> {
  await run('rpm', ['--root', path.resolve(rootfs), '--dbpath', '/var/lib/rpm', '-i', '--nodeps', '--noscripts', ...packages], {
    env: { PATH: process.env.PATH, HOME: '/nonexistent' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Makes (or updates) a yum repository in `dir` with createrepo_c; `compression` of primary & co. (gz by default). */
export async function createRepo(dir: string, options: { update?: boolean; compression?: 'gz' | 'xz' | 'zstd' | 'bz2' } = {}): Promise<void> {
  await run('createrepo_c', ['--quiet', '--no-database', ...(options.update ? ['--update'] : []), '--general-compress-type', options.compression ?? 'gz', dir]);
}
