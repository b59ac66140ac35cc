import type { Issue } from '../errors/validation-error';
import { DEFAULT_WEBHOOK_BODY_LIMIT, loadWebhookSettings, settingKey } from './settings';

const FILE = { file: '/etc/ccp/config.yaml' };

function load(file: unknown, env: NodeJS.ProcessEnv = {}): { settings: ReturnType<typeof loadWebhookSettings>; issues: Issue[] } {
  const issues: Issue[] = [];
  const settings = loadWebhookSettings(file, env, FILE, issues);
  return { settings, issues };
}

describe('loadWebhookSettings', () => {
  it('defaults to no secret at all and a 1 MiB limit', () => {
    expect(load(undefined)).toEqual({ settings: { secrets: new Map(), bodyLimit: DEFAULT_WEBHOOK_BODY_LIMIT, timestampTolerance: 300 }, issues: [] });
  });

  it('reads the file, with per-repository keys normalised', () => {
    const { settings, issues } = load({
      secret: 'from-file',
      bodyLimit: '256kb',
      secrets: { 'git@github.com:a/b.git': 's1', 'Owner/Repo.git': 's2', 'https://gitlab.example.com/g/s/r': 's3' },
    });
    expect(issues).toEqual([]);
    expect(settings).toEqual({
      secret: 'from-file',
      bodyLimit: 256 * 1024,
      timestampTolerance: 300,
      secrets: new Map([
        ['github.com/a/b', 's1'],
        ['owner/repo', 's2'],
        ['gitlab.example.com/g/s/r', 's3'],
      ]),
    });
  });

  it('lets CCP_WEBHOOK_SECRET and CCP_WEBHOOK_BODY_LIMIT beat the file', () => {
    const { settings } = load({ secret: 'from-file', bodyLimit: 10 }, { CCP_WEBHOOK_SECRET: 'from-env', CCP_WEBHOOK_BODY_LIMIT: '2mb' });
    expect([settings.secret, settings.bodyLimit]).toEqual(['from-env', 2 * 1024 * 1024]);
  });

  it('reads the timestamp tolerance in seconds, the variable beating the file', () => {
    expect([
      load({ timestampTolerance: 60 }).settings.timestampTolerance,
      load({ timestampTolerance: 60 }, { CCP_WEBHOOK_TIMESTAMP_TOLERANCE: '900' }).settings.timestampTolerance,
    ]).toEqual([60, 900]);
  });

  it.each([
    [
      'a tolerance that is no number',
      { timestampTolerance: '5m' },
      [{ ...FILE, field: 'webhooks.timestampTolerance', message: '"5m" is not a number of seconds above 0' }],
    ],
    ['a zero tolerance', { timestampTolerance: 0 }, [{ ...FILE, field: 'webhooks.timestampTolerance', message: '"0" is not a number of seconds above 0' }]],
    ['a section that is no mapping', 'secret', [{ ...FILE, field: 'webhooks', message: 'must be a mapping' }]],
    ['an empty secret', { secret: '' }, [{ ...FILE, field: 'webhooks.secret', message: 'must be a non-empty string' }]],
    [
      'a limit that is no size',
      { bodyLimit: 'huge' },
      [{ ...FILE, field: 'webhooks.bodyLimit', message: '"huge" is not a size (bytes, or a number with kb or mb)' }],
    ],
    ['a zero limit', { bodyLimit: 0 }, [{ ...FILE, field: 'webhooks.bodyLimit', message: '"0" is not a size (bytes, or a number with kb or mb)' }]],
    [
      'secrets that are a list',
      { secrets: ['x'] },
      [{ ...FILE, field: 'webhooks.secrets', message: 'must be a mapping of repository URL or owner/repo to secret' }],
    ],
    [
      'a key that names no repository',
      { secrets: { 'not a repo': 'x' } },
      [{ ...FILE, field: 'webhooks.secrets.not a repo', message: 'is neither a repository URL nor owner/repo' }],
    ],
    ['a secret that is a number', { secrets: { 'a/b': 42 } }, [{ ...FILE, field: 'webhooks.secrets.a/b', message: 'must be a non-empty string' }]],
    [
      'two keys for one repository',
      { secrets: { 'https://github.com/a/b': 'x', 'git@github.com:a/b.git': 'y' } },
      [{ ...FILE, field: 'webhooks.secrets.git@github.com:a/b.git', message: 'names the same repository as another key (github.com/a/b)' }],
    ],
  ])('reports %s with the file and field', (_case, file, expected) => {
    expect(load(file).issues).toEqual(expected);
  });
});

describe('settingKey', () => {
  it.each([
    ['https://github.com/a/b.git', 'github.com/a/b'],
    ['a/b', 'a/b'],
    ['/a/b/', 'file:///a/b'],
    ['github.com/A/B', 'github.com/a/b'],
    ['group/sub/repo.git', 'group/sub/repo'],
    ['repo', null],
    ['a b/c', null],
  ])('%s → %s', (key, expected) => {
    expect(settingKey(key)).toBe(expected);
  });
});
