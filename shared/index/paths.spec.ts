import { ValidationError } from '../errors/validation-error';
import { findPathProblems, resolveProjectPaths } from './paths';

const entry = (fields: { gitPath?: string; targetFile?: string; buildContext?: string; prebuildScript?: string; prebuildContext?: string }) => ({
  gitPath: '',
  targetFile: 'Dockerfile',
  buildContext: './',
  ...fields,
});

describe('resolveProjectPaths', () => {
  it.each([
    ['the root', {}, { gitPath: '.', dockerfile: 'Dockerfile', contextDir: '.' }],
    ['the seed\'s "/" for the root', { gitPath: '/' }, { gitPath: '.', dockerfile: 'Dockerfile', contextDir: '.' }],
    ['a leading slash from the root', { gitPath: '/python/3/' }, { gitPath: 'python/3', dockerfile: 'python/3/Dockerfile', contextDir: 'python/3' }],
    [
      'a context back at the root',
      { gitPath: 'Dockerfiles/api/', buildContext: '../../' },
      { gitPath: 'Dockerfiles/api', dockerfile: 'Dockerfiles/api/Dockerfile', contextDir: '.' },
    ],
    ['a context one level up', { gitPath: '8.0/', buildContext: '../' }, { gitPath: '8.0', dockerfile: '8.0/Dockerfile', contextDir: '.' }],
    [
      'a target file in a sub-folder',
      { gitPath: 'a', targetFile: './docker/Dockerfile.centos7' },
      { gitPath: 'a', dockerfile: 'a/docker/Dockerfile.centos7', contextDir: 'a' },
    ],
    ['an empty build context', { gitPath: 'a', buildContext: '' }, { gitPath: 'a', dockerfile: 'a/Dockerfile', contextDir: 'a' }],
    [
      'a prebuild script',
      { gitPath: 'extras/docker/centos', prebuildContext: 'extras/docker/centos', prebuildScript: './prepare-build.sh' },
      {
        gitPath: 'extras/docker/centos',
        dockerfile: 'extras/docker/centos/Dockerfile',
        contextDir: 'extras/docker/centos',
        prebuildDir: 'extras/docker/centos',
        prebuildScript: 'extras/docker/centos/prepare-build.sh',
      },
    ],
    [
      'a prebuild script from the root',
      { prebuildContext: '/', prebuildScript: 'hooks/pre_build' },
      { gitPath: '.', dockerfile: 'Dockerfile', contextDir: '.', prebuildDir: '.', prebuildScript: 'hooks/pre_build' },
    ],
  ])('resolves %s', (_case, fields, expected) => {
    expect(resolveProjectPaths(entry(fields))).toEqual(expected);
  });

  it.each([
    ['git-path above the root', { gitPath: '../x' }, [{ key: 'git-path', message: '"../x" leaves the repository' }]],
    [
      'a context above the root',
      { gitPath: 'a/b', buildContext: '../../..' },
      [{ key: 'build-context', message: '"../../.." relative to git-path "a/b" leaves the repository' }],
    ],
    ['an absolute target-file', { targetFile: '/Dockerfile' }, [{ key: 'target-file', message: '"/Dockerfile" is absolute; it must be relative to git-path' }]],
    ['a Windows drive path', { buildContext: 'C:\\build' }, [{ key: 'build-context', message: '"C:\\build" is absolute; it must be relative to git-path' }]],
    [
      'a prebuild script above the root',
      { prebuildContext: 'a', prebuildScript: '../../s.sh' },
      [{ key: 'prebuild-script', message: '"../../s.sh" relative to prebuild-context "a" leaves the repository' }],
    ],
    [
      'a prebuild script above the root without a prebuild-context',
      { prebuildScript: '../s.sh' },
      [{ key: 'prebuild-script', message: '"../s.sh" relative to prebuild-context "" leaves the repository' }],
    ],
    ['a climb hidden in the middle', { gitPath: 'a/../../b' }, [{ key: 'git-path', message: '"a/../../b" leaves the repository' }]],
  ])('finds %s', (_case, fields, problems) => {
    expect(findPathProblems(entry(fields))).toEqual(problems);
    expect(() => resolveProjectPaths(entry(fields))).toThrow(ValidationError);
  });
});
