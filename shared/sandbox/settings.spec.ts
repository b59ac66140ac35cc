import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/config';
import type { Issue } from '../errors/validation-error';
import { DEFAULT_LIMITS } from './resource-limits';
import { loadSandboxSettings } from './settings';

describe('prebuild sandbox settings', () => {
  it.each([
    ['defaults', undefined, {}, { network: 'isolated', maxOutputBytes: 8 * 1024 * 1024 }],
    ['file', { network: false, maxOutputBytes: '64kb' }, {}, { network: 'off', maxOutputBytes: 65536 }],
    ['file true is isolated', { network: true }, {}, { network: 'isolated', maxOutputBytes: 8 * 1024 * 1024 }],
    [
      'env beats file',
      { network: 'host', maxOutputBytes: 10 },
      { CCP_PREBUILD_NETWORK: 'isolated', CCP_PREBUILD_MAX_OUTPUT: '2mb' },
      { network: 'isolated', maxOutputBytes: 2 * 1024 * 1024 },
    ],
    ['on, as before the choice, is isolated', undefined, { CCP_PREBUILD_NETWORK: 'on' }, { network: 'isolated', maxOutputBytes: 8 * 1024 * 1024 }],
    ['off in env', undefined, { CCP_PREBUILD_NETWORK: 'off' }, { network: 'off', maxOutputBytes: 8 * 1024 * 1024 }],
    ['host only when asked by name', { network: 'isolated' }, { CCP_PREBUILD_NETWORK: ' Host ' }, { network: 'host', maxOutputBytes: 8 * 1024 * 1024 }],
    [
      'limits from the file, env beats file',
      { maxProcesses: 100, memory: '512mb', maxFileSize: 1024, maxOpenFiles: '64', cpuSeconds: 600 },
      {
        CCP_PREBUILD_MAX_PROCESSES: '32',
        CCP_PREBUILD_MEMORY: '1gb',
        CCP_PREBUILD_MAX_FILE_SIZE: '10mb',
        CCP_PREBUILD_MAX_OPEN_FILES: '256',
        CCP_PREBUILD_CPU_SECONDS: '60',
      },
      {
        network: 'isolated',
        maxOutputBytes: 8 * 1024 * 1024,
        limits: { maxProcesses: 32, memoryBytes: 1024 ** 3, maxFileBytes: 10 * 1024 ** 2, maxOpenFiles: 256, cpuSeconds: 60 },
      },
    ],
    [
      'limits from the file',
      { maxProcesses: 100, memory: '512mb', maxFileSize: 1024, maxOpenFiles: '64', cpuSeconds: 600 },
      {},
      {
        network: 'isolated',
        maxOutputBytes: 8 * 1024 * 1024,
        limits: { maxProcesses: 100, memoryBytes: 512 * 1024 ** 2, maxFileBytes: 1024, maxOpenFiles: 64, cpuSeconds: 600 },
      },
    ],
  ])('%s', (_name, file, env, expected) => {
    const issues: Issue[] = [];
    expect(loadSandboxSettings(file, env, {}, issues)).toEqual({ limits: DEFAULT_LIMITS, ...expected });
    expect(issues).toEqual([]);
  });

  it('names the field of a bad value', () => {
    const issues: Issue[] = [];
    loadSandboxSettings(
      { maxOutputBytes: 'lots', maxProcesses: 0, memory: 'much' },
      { CCP_PREBUILD_NETWORK: 'sometimes', CCP_PREBUILD_CPU_SECONDS: '1.5' },
      { file: 'c.yaml' },
      issues,
    );
    expect(issues.map((issue) => [issue.file, issue.field, issue.message])).toEqual([
      ['c.yaml', 'prebuild.network', 'must be off, isolated or host, not "sometimes" (CCP_PREBUILD_NETWORK)'],
      ['c.yaml', 'prebuild.maxOutputBytes', expect.stringContaining('"lots" is not a size')],
      ['c.yaml', 'prebuild.maxProcesses', '"0" is not a positive whole number (CCP_PREBUILD_MAX_PROCESSES)'],
      ['c.yaml', 'prebuild.memory', '"much" is not a size (bytes, or a number with kb, mb or gb) (CCP_PREBUILD_MEMORY)'],
      ['c.yaml', 'prebuild.cpuSeconds', '"1.5" is not a positive whole number (CCP_PREBUILD_CPU_SECONDS)'],
    ]);
  });

  it('is part of the configuration, from the prebuild: key', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sandbox-settings-'));
    try {
      const file = path.join(dir, 'ccp.yaml');
      await writeFile(file, 'prebuild:\n  network: off\n  maxOutputBytes: 1mb\n  maxProcesses: 128\n');
      expect(loadConfig({ config: file }, {}).prebuild).toEqual({
        network: 'off',
        maxOutputBytes: 1024 * 1024,
        limits: { ...DEFAULT_LIMITS, maxProcesses: 128 },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
