import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ValidationError, type Issue } from '../../../shared/errors/validation-error';
import type { RpmSpec } from './types';

const exec = promisify(execFile);

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const VERSION = /^[A-Za-z0-9._+~^]+$/;

/**
 * Builds a small noarch RPM from `spec` with `rpmbuild` in a temporary top dir and returns the
 * path of the `.rpm` in `outDir` (`<name>-<version>-<release>.noarch.rpm`). No build scripts
 * run beyond copying the files; the brp post-processing is switched off (0.15 s a package).
 * @see https://rpm-software-management.github.io/rpm/manual/spec.html
 */
export async function buildRpm(spec: RpmSpec, outDir: string): Promise<string> {
  checkSpec(spec);
  const top = await mkdtemp(path.join(os.tmpdir(), 'ccp-rpmbuild-'));
  try {
    const sources = path.join(top, 'SOURCES');
    await mkdir(sources, { recursive: true });
    const install: string[] = [];
    const listed: string[] = [];
    for (const [index, file] of spec.files.entries()) {
      const source = `file-${index}`;
      await writeFile(path.join(sources, source), file.content);
      const mode = (file.mode ?? 0o644).toString(8).padStart(4, '0');
      install.push(`install -D -m ${mode} %{_sourcedir}/${source} %{buildroot}${file.path}`);
      listed.push(file.config ? `%config(noreplace) ${file.path}` : file.path);
    }
    const specFile = path.join(top, `${spec.name}.spec`);
    await writeFile(specFile, specText(spec, install, listed));
    const rpmDir = path.resolve(outDir);
    await mkdir(rpmDir, { recursive: true });
    await exec(
      'rpmbuild',
      ['--quiet', '-bb', '--define', `_topdir ${top}`, '--define', `_rpmdir ${rpmDir}`, '--define', '_rpmfilename %{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm', '--define', '__os_install_post %{nil}', '--define', '_build_id_links none', specFile],
      { env: { ...process.env, HOME: top }, timeout: 60_000 },
    );
    return path.join(rpmDir, `${spec.name}-${spec.version}-${spec.release}.noarch.rpm`);
  } finally {
    await rm(top, { recursive: true, force: true });
  }
}

function specText(spec: RpmSpec, install: string[], listed: string[]): string {
  const summary = (spec.summary ?? `${spec.name} test package`).replace(/\n/g, ' ');
  return [
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    `Release: ${spec.release}`,
    ...(spec.epoch !== undefined ? [`Epoch: ${spec.epoch}`] : []),
    `Summary: ${summary}`,
    'License: MIT',
    'BuildArch: noarch',
    '',
    '%description',
    summary,
    '',
    '%install',
    ...install,
    '',
    '%files',
    ...listed,
    '',
  ].join('\n');
}

function checkSpec(spec: RpmSpec): void {
  const issues: Issue[] = [];
  if (!NAME.test(spec.name)) issues.push({ field: 'name', message: `"${spec.name}" is not an RPM name` });
  if (!VERSION.test(spec.version)) issues.push({ field: 'version', message: `"${spec.version}" is not an RPM version` });
  if (!VERSION.test(spec.release)) issues.push({ field: 'release', message: `"${spec.release}" is not an RPM release` });
  if (spec.epoch !== undefined && (!Number.isInteger(spec.epoch) || spec.epoch < 0)) issues.push({ field: 'epoch', message: 'must be a whole number ≥ 0' });
  spec.files.forEach((file, index) => {
    if (!/^\/[^\s%]+$/.test(file.path) || file.path.split('/').includes('..')) {
      issues.push({ field: `files[${index}].path`, message: `"${file.path}" must be absolute, without spaces, % or ..` });
    }
  });
  if (issues.length > 0) throw new ValidationError(`invalid RPM spec for ${spec.name}`, issues);
}
