import { isCascadeId, projectPath, projectTargets, type ProjectTarget } from './urls';

const ref = (appId: string, jobId: string, desiredTag: string) => ({ appId, jobId, desiredTag });

describe('dashboard URLs', () => {
  it.each<[string, ProjectTarget[] | null]>([
    ['centos/httpd/latest', [{ kind: 'project', ref: ref('centos', 'httpd', 'latest') }]],
    ['centos/httpd/latest/', [{ kind: 'project', ref: ref('centos', 'httpd', 'latest') }]],
    ['apps/team/web/1.0', [{ kind: 'project', ref: ref('apps', 'team/web', '1.0') }]],
    [
      'a/b/c/builds/b1/log',
      [
        { kind: 'log', ref: ref('a', 'b', 'c'), buildId: 'b1' },
        { kind: 'project', ref: ref('a', 'b/c/builds/b1', 'log') },
      ],
    ],
    [
      'a/b/c/builds/b1/log/stream',
      [
        { kind: 'stream', ref: ref('a', 'b', 'c'), buildId: 'b1' },
        { kind: 'project', ref: ref('a', 'b/c/builds/b1/log', 'stream') },
      ],
    ],
    ['a/b%2Fc/d', [{ kind: 'project', ref: ref('a', 'b/c', 'd') }]],
    ['a/b', []],
    ['a/../d', []],
    ['a/b/%3Cscript%3E', []],
    ['a//d', []],
    ['a/b/c/builds/..%2Fx/log', []],
    ['a/b/%E0%A4%A', null],
  ])('reads /projects/%s', (rest, expected) => {
    expect(projectTargets(rest)).toEqual(expected);
  });

  it('builds a project path with every part encoded and a nested job id kept as path', () => {
    expect(projectPath(ref('apps', 'team/web', '1.0'))).toEqual('/projects/apps/team/web/1.0');
  });

  it.each([
    ['push-0123456789abcdef', true],
    ['after-20261201T090000Z-aaaa', true],
    ['../x', false],
    ['a/b', false],
    ['', false],
    ['<x>', false],
  ])('cascade id %j is valid: %s', (id, valid) => {
    expect(isCascadeId(id)).toBe(valid);
  });
});
