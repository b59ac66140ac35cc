import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CCP_VERSION, readPackageVersion } from './package-version';

const PACKAGE_JSON = path.resolve(__dirname, '../../package.json');

describe('CCP_VERSION', () => {
  it("is package.json's version", () => {
    expect(CCP_VERSION).toBe((JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version);
  });
});

describe('readPackageVersion', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-version-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each<[string, unknown, string | null]>([
    ['a release', '2.3.4', '2.3.4'],
    ['a pre-release with build metadata', '1.0.0-rc.1+abc', '1.0.0-rc.1+abc'],
    ['a missing version', undefined, null],
    ['a number', 1, null],
    ['a range', '^1.0.0', null],
    ['text with a newline', '1.0.0\nforged', null],
  ])('%s', async (_name, version, expected) => {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'ccp', version }));
    if (expected === null) expect(() => readPackageVersion(dir)).toThrow(/has no semver version/);
    else expect(readPackageVersion(dir)).toBe(expected);
  });
});
