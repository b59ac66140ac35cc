import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../../../shared/errors/validation-error';
import { loadLintConfig } from './load';
import { parseLintConfig } from './parse';

describe('parseLintConfig', () => {
  it('reads every honoured option', () => {
    const text = [
      'failure-threshold: warning',
      'ignored: [DL3008, SC2086]',
      'trustedRegistries:',
      '  - quay.io',
      '  - "*.example.com"',
      'override:',
      '  error: [DL3001]',
      '  info: [DL4000]',
      'disable-ignore-pragma: false',
      'no-color: true',
    ].join('\n');
    expect(parseLintConfig(text, '.hadolint.yaml')).toEqual({
      failureThreshold: 'warning',
      ignored: ['DL3008', 'SC2086'],
      trustedRegistries: ['quay.io', '*.example.com'],
      override: { error: ['DL3001'], info: ['DL4000'] },
      disableIgnorePragma: false,
    });
  });

  it.each(['', '# only a comment\n', '---\n'])('reads an empty file %j as no options', (text) => {
    expect(parseLintConfig(text, '.hadolint.yaml')).toEqual({});
  });

  it.each<[string, string, { field: string; line: number; message: string }[]]>([
    [
      'bad threshold',
      'failure-threshold: fatal',
      [{ field: 'failure-threshold', line: 1, message: 'must be one of error, warning, info, style, ignore, none' }],
    ],
    ['ignored not a list', 'ignored: DL3008', [{ field: 'ignored', line: 1, message: 'must be a list' }]],
    ['bad code', 'ignored:\n  - DL3008\n  - dl-3008', [{ field: 'ignored[1]', line: 3, message: '"dl-3008" is not a rule code like DL3008 or SC2086' }]],
    ['unknown level', 'override:\n  fatal: [DL3008]', [{ field: 'override.fatal', line: 2, message: 'unknown level (known: error, warning, info, style)' }]],
    [
      'typo in a key',
      'ignore: [DL3008]',
      [{ field: 'ignore', line: 1, message: 'unknown option (known: ignored, trustedRegistries, failure-threshold, override, disable-ignore-pragma)' }],
    ],
    ['not a mapping', '- DL3008', [{ field: '(root)', line: 1, message: 'must be a mapping of hadolint options' }]],
  ])('rejects %s naming file, field and line', (_title, text, expected) => {
    let error: unknown;
    try {
      parseLintConfig(text, 'repo/.hadolint.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map(({ field, line, message }) => ({ field, line, message }))).toEqual(expected);
    expect((error as ValidationError).errors.every((issue) => issue.file === 'repo/.hadolint.yaml')).toBe(true);
  });

  it('reports broken YAML with its position', () => {
    expect(() => parseLintConfig('ignored: [DL3008\n', 'x.yaml')).toThrow(ValidationError);
    try {
      parseLintConfig('ignored: [DL3008\n', 'x.yaml');
    } catch (error) {
      expect((error as ValidationError).errors[0]).toMatchObject({ file: 'x.yaml', field: '(yaml)' });
    }
  });
});

describe('loadLintConfig', () => {
  it('returns null for a missing file and the parsed config otherwise', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-lint-config-'));
    expect(await loadLintConfig(path.join(dir, '.hadolint.yaml'))).toBeNull();
    await writeFile(path.join(dir, '.hadolint.yaml'), 'ignored: [DL3006]\n');
    expect(await loadLintConfig(path.join(dir, '.hadolint.yaml'))).toEqual({ ignored: ['DL3006'] });
  });
});
