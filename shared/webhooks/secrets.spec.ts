import { secretForRepo } from './secrets';
import type { WebhookSettings } from './types';

const settings = (secret: string | undefined, secrets: Record<string, string>): WebhookSettings => ({
  ...(secret ? { secret } : {}),
  secrets: new Map(Object.entries(secrets)),
  bodyLimit: 1024,
  timestampTolerance: 300,
});

describe('secretForRepo', () => {
  const both = settings('global', { 'github.com/a/b': 'own-full', 'c/d': 'own-path', 'gitlab.example.com/g/s/r': 'own-gitlab' });

  it.each([
    ['a full key, from the clone URL', ['https://github.com/a/b.git'], { secret: 'own-full', scope: 'repository' }],
    ['a full key, from the ssh URL', ['git@github.com:A/B.git'], { secret: 'own-full', scope: 'repository' }],
    ['an owner/repo key', ['https://github.com/c/d.git'], { secret: 'own-path', scope: 'repository' }],
    ['an owner/repo key on another host', ['https://gitlab.example.com/c/d'], { secret: 'own-path', scope: 'repository' }],
    ['a nested group', ['https://gitlab.example.com/g/s/r.git'], { secret: 'own-gitlab', scope: 'repository' }],
    ['the global secret for others', ['https://github.com/e/f'], { secret: 'global', scope: 'global' }],
    ['the global secret when no URL is named', [], { secret: 'global', scope: 'global' }],
    ['the global secret for what is no URL', ['not a url'], { secret: 'global', scope: 'global' }],
    ['a full key before a path key, whatever the URL order', ['https://github.com/c/d', 'https://github.com/a/b'], { secret: 'own-full', scope: 'repository' }],
  ])('%s', (_case, urls, expected) => {
    expect(secretForRepo(both, urls)).toEqual(expected);
  });

  it('is null when neither the repository nor the service has a secret', () => {
    expect(secretForRepo(settings(undefined, { 'a/b': 'x' }), ['https://github.com/e/f'])).toBeNull();
  });
});
