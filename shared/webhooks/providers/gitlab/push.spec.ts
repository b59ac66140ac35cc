import { ValidationError } from '../../../errors/validation-error';
import { fixturePayload, type Payload } from '../../__fixtures__';
import { gitlabPushOutcome } from './push';

const HEAD = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';
const push = (change: (payload: Payload) => void = () => undefined): Record<string, unknown> => {
  const payload = fixturePayload('gitlab-push');
  change(payload);
  return payload;
};

describe('gitlabPushOutcome', () => {
  it('reads a branch push: HTTP clone URL, branch, checkout_sha and every touched path once', () => {
    expect(gitlabPushOutcome(push())).toEqual({
      kind: 'push',
      data: {
        repoUrl: 'https://gitlab.example.com/mike/diaspora.git',
        branch: 'main',
        commit: HEAD,
        changedPaths: ['CHANGELOG', 'app/controller/application.rb', 'docker/old/Dockerfile'],
      },
    });
  });

  it.each([
    ['a tag ref', (p: Payload) => (p.ref = 'refs/tags/v2'), 'tag push (refs/tags/v2)'],
    [
      'a branch deletion',
      (p: Payload) => {
        p.after = '0000000000000000000000000000000000000000';
        p.checkout_sha = null;
      },
      'branch deletion (refs/heads/main)',
    ],
  ])('ignores %s', (_case, change, reason) => {
    expect(gitlabPushOutcome(push(change))).toEqual({ kind: 'ignored', reason });
  });

  it.each([
    ['fewer commits listed than total_commits_count', (p: Payload) => (p.total_commits_count = 45)],
    [
      '20 commits without a count',
      (p: Payload) => {
        p.commits = Array.from({ length: 20 }, () => p.commits[0]);
        delete p.total_commits_count;
      },
    ],
    ['no commits', (p: Payload) => (p.commits = [])],
  ])('leaves changedPaths out (unknown) for %s', (_case, change) => {
    expect(gitlabPushOutcome(push(change))).toEqual({
      kind: 'push',
      data: { repoUrl: 'https://gitlab.example.com/mike/diaspora.git', branch: 'main', commit: HEAD },
    });
  });

  it('takes after when checkout_sha is missing, and the older repository URLs when project has none', () => {
    const outcome = gitlabPushOutcome(
      push((p) => {
        delete p.checkout_sha;
        delete p.project;
      }),
    );
    expect(outcome.kind === 'push' && [outcome.data.commit, outcome.data.repoUrl]).toEqual([HEAD, 'https://gitlab.example.com/mike/diaspora.git']);
  });

  it('refuses a payload without ref or project, naming both', () => {
    let caught: unknown;
    try {
      gitlabPushOutcome(
        push((p) => {
          delete p.ref;
          delete p.project;
          delete p.repository;
        }),
      );
    } catch (error) {
      caught = error;
    }
    expect((caught as ValidationError).errors.map((issue) => issue.field)).toEqual(['ref', 'project.git_http_url']);
  });
});
