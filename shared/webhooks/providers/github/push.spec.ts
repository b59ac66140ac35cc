import { ValidationError } from '../../../errors/validation-error';
import { fixturePayload, type Payload } from '../../__fixtures__';
import { githubPushOutcome } from './push';

const HEAD = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';
const push = (change: (payload: Payload) => void = () => undefined): Record<string, unknown> => {
  const payload = fixturePayload('github-push');
  change(payload);
  return payload;
};

describe('githubPushOutcome', () => {
  it('reads a branch push: clone URL, branch, head commit and every touched path once', () => {
    expect(githubPushOutcome(push())).toEqual({
      kind: 'push',
      data: {
        repoUrl: 'https://github.com/heketi/heketi.git',
        branch: 'master',
        commit: HEAD,
        changedPaths: ['README.md', 'docs/old-build.md', 'extras/docker/centos/Dockerfile.testing', 'extras/docker/centos/prepare-build.sh'],
      },
    });
  });

  it.each([
    ['a tag push', (p: Payload) => (p.ref = 'refs/tags/v1.0'), 'tag push (refs/tags/v1.0)'],
    ['a branch deletion (deleted: true)', (p: Payload) => (p.deleted = true), 'branch deletion (refs/heads/master)'],
    ['a branch deletion (after all zeros)', (p: Payload) => (p.after = '0'.repeat(40)), 'branch deletion (refs/heads/master)'],
    ['a note ref', (p: Payload) => (p.ref = 'refs/notes/commits'), 'ref refs/notes/commits is not a branch'],
  ])('ignores %s', (_case, change, reason) => {
    expect(githubPushOutcome(push(change))).toEqual({ kind: 'ignored', reason });
  });

  it.each([
    ['no commits listed', (p: Payload) => (p.commits = [])],
    ['no commits field', (p: Payload) => delete p.commits],
    ['a size above the listed commits', (p: Payload) => (p.size = 3)],
    ['20 commits listed without a size', (p: Payload) => (p.commits = Array.from({ length: 20 }, () => p.commits[0]))],
    ['a forced push', (p: Payload) => (p.forced = true)],
    ['a new branch', (p: Payload) => (p.created = true)],
  ])('leaves changedPaths out (unknown) for %s', (_case, change) => {
    const outcome = githubPushOutcome(push(change));
    expect(outcome).toEqual({ kind: 'push', data: { repoUrl: 'https://github.com/heketi/heketi.git', branch: 'master', commit: HEAD } });
  });

  it('keeps changedPaths when size says every commit is listed', () => {
    const outcome = githubPushOutcome(push((p) => (p.size = 2)));
    expect(outcome.kind === 'push' && outcome.data.changedPaths?.length).toBe(4);
  });

  it('falls back to the html, ssh, git and plain URLs of the repository', () => {
    const outcome = githubPushOutcome(push((p) => (p.repository = { ssh_url: 'git@github.com:heketi/heketi.git' })));
    expect(outcome.kind === 'push' && outcome.data.repoUrl).toBe('git@github.com:heketi/heketi.git');
  });

  it('takes a branch name with slashes whole', () => {
    const outcome = githubPushOutcome(push((p) => (p.ref = 'refs/heads/release/1.x')));
    expect(outcome.kind === 'push' && outcome.data.branch).toBe('release/1.x');
  });

  it.each([
    ['no ref', (p: Payload) => delete p.ref, [{ field: 'ref', message: 'must be a non-empty string' }]],
    [
      'no repository',
      (p: Payload) => delete p.repository,
      [{ field: 'repository.clone_url', message: 'is required (or repository.html_url, repository.ssh_url, repository.git_url, repository.url)' }],
    ],
    ['no after', (p: Payload) => delete p.after, [{ field: 'after', message: 'must be a non-empty string' }]],
    ['commits that are no list', (p: Payload) => (p.commits = 'many'), [{ field: 'commits', message: 'must be a list' }]],
    ['paths that are no list', (p: Payload) => (p.commits[1].modified = 'README.md'), [{ field: 'commits[1].modified', message: 'must be a list of paths' }]],
  ])('refuses a payload with %s, naming the field', (_case, change, errors) => {
    let caught: unknown;
    try {
      githubPushOutcome(push(change));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).errors).toEqual(errors);
  });
});
