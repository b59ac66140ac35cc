import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SCAN_TOOL_VERSION } from '../../functions/scan/scan-image';
import { packageRoot } from '../../shared/config/package-root';
import { CCP_VERSION } from '../../shared/config/package-version';
import { formatSarif } from '../../functions/lint/linter/format/sarif';
import { LINTER_VERSION } from '../../functions/lint/linter/version';
import { buildSbom } from '../../functions/scan/reports/cyclonedx';

/** What a user sees in every report must be the release they run: package.json's version. */
const PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

describe("every report names ccp at package.json's version", () => {
  it.each<[string, () => string]>([
    ['CCP_VERSION', () => CCP_VERSION],
    ['the SARIF tool version (ccp lint, the lint function)', () => LINTER_VERSION],
    [
      'a SARIF log without an explicit version',
      () => (JSON.parse(formatSarif([])) as { runs: { tool: { driver: { version: string } } }[] }).runs[0]!.tool.driver.version,
    ],
    ['the SBOM tool of the scan function', () => SCAN_TOOL_VERSION],
    [
      'an SBOM without an explicit version',
      () =>
        buildSbom({ image: { ref: '127.0.0.1:5000/a/b:latest', digest: 'sha256:00' }, packages: [], timestamp: '2026-01-01T00:00:00Z', scanId: 's' }).metadata
          .tools.components[0]!.version,
    ],
  ])('%s', (_name, version) => {
    expect(version()).toBe(PACKAGE_VERSION);
  });
});
