import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError, type Issue } from '../../../shared/errors/validation-error';
import { buildRpms } from '../../scan-support/rpm-build';
import type { RpmSpec } from './types';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const VERSION = /^[A-Za-z0-9._+~^]+$/;

/**
 * Builds a small noarch RPM from `spec` (checked first) with the tests' one RPM builder,
 * `buildRpms` of test/scan-support/rpm-build, and returns the path of the `.rpm` in `outDir`
 * (`<name>-<version>-<release>.noarch.rpm`).
 * @see https://rpm-software-management.github.io/rpm/manual/spec.html
 */
export async function buildRpm(spec: RpmSpec, outDir: string): Promise<string> {
  checkSpec(spec);
  const top = await mkdtemp(path.join(os.tmpdir(), 'ccp-rpmbuild-'));
  try {
    const files = spec.files.map((file) => ({
      path: file.path,
      content: file.content,
      mode: (file.mode ?? 0o644).toString(8).padStart(4, '0'),
      ...(file.config ? { config: true } : {}),
    }));
    const [built] = await buildRpms(top, [
      {
        name: spec.name,
        version: spec.version,
        release: spec.release,
        ...(spec.epoch !== undefined ? { epoch: spec.epoch } : {}),
        summary: spec.summary ?? `${spec.name} test package`,
        files,
      },
    ]);
    const rpmDir = path.resolve(outDir);
    await mkdir(rpmDir, { recursive: true });
    const target = path.join(rpmDir, path.basename(built!));
    await copyFile(built!, target);
    return target;
  } finally {
    await rm(top, { recursive: true, force: true });
  }
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
