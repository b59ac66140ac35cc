import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/config';
import type { Issue } from '../errors/validation-error';
import { loadSandboxSettings } from './settings';

describe('prebuild sandbox settings', () => {
  it.each([
    ['defaults', undefined, {}, { network: true, maxOutputBytes: 8 * 1024 * 1024 }],
    ['file', { network: false, maxOutputBytes: '64kb' }, {}, { network: false, maxOutputBytes: 65536 }],
    ['env beats file', { network: false, maxOutputBytes: 10 }, { CCP_PREBUILD_NETWORK: 'on', CCP_PREBUILD_MAX_OUTPUT: '2mb' }, { network: true, maxOutputBytes: 2 * 1024 * 1024 }],
    ['off in env', undefined, { CCP_PREBUILD_NETWORK: 'off' }, { network: false, maxOutputBytes: 8 * 1024 * 1024 }],
  ])('%s', (_name, file, env, expected) => {
    const issues: Issue[] = [];
    expect(loadSandboxSettings(file, env, {}, issues)).toEqual(expected);
    expect(issues).toEqual([]);
  });

  it('names the field of a bad value', () => {
    const issues: Issue[] = [];
    loadSandboxSettings({ maxOutputBytes: 'lots' }, { CCP_PREBUILD_NETWORK: 'sometimes' }, { file: 'c.yaml' }, issues);
    expect(issues.map((issue) => [issue.file, issue.field])).toEqual([
      ['c.yaml', 'prebuild.network'],
      ['c.yaml', 'prebuild.maxOutputBytes'],
    ]);
  });

  it('is part of the configuration, from the prebuild: key', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sandbox-settings-'));
    try {
      const file = path.join(dir, 'ccp.yaml');
      await writeFile(file, 'prebuild:\n  network: off\n  maxOutputBytes: 1mb\n');
      expect(loadConfig({ config: file }, {}).prebuild).toEqual({ network: false, maxOutputBytes: 1024 * 1024 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
