import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/config';
import type { Issue } from '../errors/validation-error';
import { loadSandboxSettings } from './settings';

describe('prebuild sandbox settings', () => {
  it.each([
    ['defaults', undefined, {}, { network: 'isolated', maxOutputBytes: 8 * 1024 * 1024 }],
    ['file', { network: false, maxOutputBytes: '64kb' }, {}, { network: 'off', maxOutputBytes: 65536 }],
    ['file true is isolated', { network: true }, {}, { network: 'isolated', maxOutputBytes: 8 * 1024 * 1024 }],
    ['env beats file', { network: 'host', maxOutputBytes: 10 }, { CCP_PREBUILD_NETWORK: 'isolated', CCP_PREBUILD_MAX_OUTPUT: '2mb' }, { network: 'isolated', maxOutputBytes: 2 * 1024 * 1024 }],
    ['on, as before the choice, is isolated', undefined, { CCP_PREBUILD_NETWORK: 'on' }, { network: 'isolated', maxOutputBytes: 8 * 1024 * 1024 }],
    ['off in env', undefined, { CCP_PREBUILD_NETWORK: 'off' }, { network: 'off', maxOutputBytes: 8 * 1024 * 1024 }],
    ['host only when asked by name', { network: 'isolated' }, { CCP_PREBUILD_NETWORK: ' Host ' }, { network: 'host', maxOutputBytes: 8 * 1024 * 1024 }],
  ])('%s', (_name, file, env, expected) => {
    const issues: Issue[] = [];
    expect(loadSandboxSettings(file, env, {}, issues)).toEqual(expected);
    expect(issues).toEqual([]);
  });

  it('names the field of a bad value', () => {
    const issues: Issue[] = [];
    loadSandboxSettings({ maxOutputBytes: 'lots' }, { CCP_PREBUILD_NETWORK: 'sometimes' }, { file: 'c.yaml' }, issues);
    expect(issues.map((issue) => [issue.file, issue.field, issue.message])).toEqual([
      ['c.yaml', 'prebuild.network', 'must be off, isolated or host, not "sometimes" (CCP_PREBUILD_NETWORK)'],
      ['c.yaml', 'prebuild.maxOutputBytes', expect.stringContaining('"lots" is not a size')],
    ]);
  });

  it('is part of the configuration, from the prebuild: key', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sandbox-settings-'));
    try {
      const file = path.join(dir, 'ccp.yaml');
      await writeFile(file, 'prebuild:\n  network: off\n  maxOutputBytes: 1mb\n');
      expect(loadConfig({ config: file }, {}).prebuild).toEqual({ network: 'off', maxOutputBytes: 1024 * 1024 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
