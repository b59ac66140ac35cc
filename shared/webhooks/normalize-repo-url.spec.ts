import { normalizeRepoUrl, repoPathKey } from './normalize-repo-url';

describe('normalizeRepoUrl', () => {
  it.each([
    ['https://github.com/a/b', 'github.com/a/b'],
    ['https://github.com/a/b.git', 'github.com/a/b'],
    ['https://github.com/a/b/', 'github.com/a/b'],
    ['git@github.com:a/b.git', 'github.com/a/b'],
    ['git@github.com:a/b', 'github.com/a/b'],
    ['ssh://git@github.com/a/b', 'github.com/a/b'],
    ['ssh://git@github.com:22/a/b.git', 'github.com/a/b'],
    ['git+ssh://git@github.com/a/b.git', 'github.com/a/b'],
    ['git://github.com/a/b.git', 'github.com/a/b'],
    ['http://github.com/a/b', 'github.com/a/b'],
    ['HTTPS://GitHub.COM/a/b', 'github.com/a/b'],
    ['https://github.com/Heketi/Heketi.GIT', 'github.com/heketi/heketi'],
    ['https://user:token@github.com/a/b.git', 'github.com/a/b'],
    ['https://github.com/a/b?x=1#frag', 'github.com/a/b'],
    ['https://github.com:443/a/b', 'github.com/a/b'],
    ['  https://github.com/a/b  ', 'github.com/a/b'],
    ['https://gitlab.example.com/group/sub/repo.git', 'gitlab.example.com/group/sub/repo'],
    ['git@gitlab.example.com:group/sub/repo.git', 'gitlab.example.com/group/sub/repo'],
    ['https://git.example.org:8443/a/b', 'git.example.org:8443/a/b'],
    ['http://127.0.0.1:3000/team/images.git', '127.0.0.1:3000/team/images'],
    ['server:images.git', 'server/images'],
    ['/srv/git/images', 'file:///srv/git/images'],
    ['/srv/git/images/', 'file:///srv/git/images'],
    ['/srv/git/images/.git', 'file:///srv/git/images'],
    ['file:///srv/git/Images', 'file:///srv/git/Images'],
    ['file://localhost/srv/git/images', 'file:///srv/git/images'],
  ])('%s → %s', (url, key) => {
    expect(normalizeRepoUrl(url)).toBe(key);
  });

  it.each([[''], ['   '], ['a/b'], ['github.com/a/b'], ['https://github.com/'], ['ftp://example.org/a/b'], ['relative/path'], ['https://']])(
    '%j is no repository URL: null',
    (url) => {
      expect(normalizeRepoUrl(url)).toBeNull();
    },
  );

  it('gives the four forms of one GitHub repository one key', () => {
    const forms = ['https://github.com/a/b', 'https://github.com/a/b.git', 'git@github.com:a/b.git', 'ssh://git@github.com/a/b'];
    expect(new Set(forms.map(normalizeRepoUrl))).toEqual(new Set(['github.com/a/b']));
  });
});

describe('repoPathKey', () => {
  it.each([
    ['github.com/a/b', 'a/b'],
    ['gitlab.example.com/group/sub/repo', 'group/sub/repo'],
    ['git.example.org:8443/a/b', 'a/b'],
    ['file:///srv/git/images', null],
  ])('%s → %s', (key, pathKey) => {
    expect(repoPathKey(key)).toBe(pathKey);
  });
});
