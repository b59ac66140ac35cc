import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root';

/** semver 2.0.0's version grammar, so that a broken package.json is noticed, not reported. */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * ccp's version as package.json states it: the one number that SARIF (`tool.driver.version`)
 * and the SBOM (`metadata.tools`) report, so that they cannot drift from the release.
 * @throws Error when package.json has no semver `version`
 * @see https://docs.npmjs.com/cli/v10/configuring-npm/package-json#version
 */
export function readPackageVersion(root: string = packageRoot()): string {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string' || !SEMVER.test(manifest.version)) {
    throw new Error(`${path.join(root, 'package.json')} has no semver version: ${JSON.stringify(manifest.version)}`);
  }
  return manifest.version;
}

/**
 * ccp's version, read from package.json once when this module loads.
 * @see https://semver.org/
 */
export const CCP_VERSION = readPackageVersion();
