import { normalizeBaseUrl, repoKeyOf } from './repo-key';

describe('repoKeyOf', () => {
  it.each([
    ['http://mirror.example.org/9/BaseOS/x86_64/os', 'http://mirror.example.org/9/BaseOS/x86_64/os/'],
    ['http://mirror.example.org/9/BaseOS/x86_64/os///', 'http://mirror.example.org/9/BaseOS/x86_64/os/'],
    [' http://mirror.example.org/a/ ', 'http://mirror.example.org/a/'],
  ])('%j normalizes to %j', (url, normalized) => {
    expect(normalizeBaseUrl(url)).toEqual(normalized);
    expect(repoKeyOf(url)).toEqual(repoKeyOf(normalized));
  });

  it('is 32 hex digits, a valid store key segment, and differs between repositories', () => {
    const key = repoKeyOf('http://mirror.example.org/a/');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(repoKeyOf('http://mirror.example.org/b/')).not.toEqual(key);
  });
});
