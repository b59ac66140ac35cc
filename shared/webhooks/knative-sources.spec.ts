import { CloudEvent } from 'cloudevents';
import { ValidationError } from '../errors/validation-error';
import { ForeignEventTypes } from '../events/types';
import { validateEvent } from '../events/validate';
import { fixturePayload } from './__fixtures__';
import { gitPushFromGithubEvent, gitPushFromGitlabEvent } from './knative-sources';

/** As Knative's GitHubSource sends it: the delivery id, the repository as source, the payload as data. */
function githubEvent(data: unknown, type: string = ForeignEventTypes.githubPush): CloudEvent<unknown> {
  return new CloudEvent({
    id: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    source: 'https://github.com/heketi/heketi',
    type,
    datacontenttype: 'application/json',
    data,
  });
}

function gitlabEvent(data: unknown): CloudEvent<unknown> {
  return new CloudEvent({
    id: '1f2b2a5e-3c1d-4c9e-a6f0-0b8e0d7c6a51',
    source: 'https://gitlab.example.com/mike/diaspora',
    type: ForeignEventTypes.gitlabPush,
    datacontenttype: 'application/json',
    data,
  });
}

describe('gitPushFromGithubEvent', () => {
  it('gives the same git.push data as the webhook gateway, from an event validateEvent accepts', () => {
    const event = githubEvent(fixturePayload('github-push'));
    expect(() => validateEvent(event)).not.toThrow();
    expect(gitPushFromGithubEvent(event)).toEqual({
      repoUrl: 'https://github.com/heketi/heketi.git',
      branch: 'master',
      commit: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      changedPaths: ['README.md', 'docs/old-build.md', 'extras/docker/centos/Dockerfile.testing', 'extras/docker/centos/prepare-build.sh'],
    });
  });

  it('reads data that arrived as a JSON string', () => {
    expect(gitPushFromGithubEvent(githubEvent(JSON.stringify(fixturePayload('github-push'))))?.branch).toBe('master');
  });

  it('is null for a tag push and a branch deletion', () => {
    expect([
      gitPushFromGithubEvent(githubEvent({ ...fixturePayload('github-push'), ref: 'refs/tags/v9' })),
      gitPushFromGithubEvent(githubEvent({ ...fixturePayload('github-push'), deleted: true, after: '0'.repeat(40) })),
    ]).toEqual([null, null]);
  });

  it("takes the event's source when the payload names no repository URL", () => {
    const payload = fixturePayload('github-push');
    delete payload.repository;
    expect(gitPushFromGithubEvent(githubEvent(payload))?.repoUrl).toBe('https://github.com/heketi/heketi');
  });

  it('refuses a malformed payload with data.* fields', () => {
    let caught: unknown;
    try {
      gitPushFromGithubEvent(githubEvent({ ...fixturePayload('github-push'), ref: 7 }));
    } catch (error) {
      caught = error;
    }
    expect((caught as ValidationError).errors).toEqual([{ field: 'data.ref', message: 'must be a non-empty string' }]);
  });

  it.each([
    ['an event of another type', githubEvent(fixturePayload('github-push'), ForeignEventTypes.gitlabPush), 'type'],
    ['data that is no object', githubEvent('not json'), 'data'],
  ])('refuses %s', (_case, event, field) => {
    let caught: unknown;
    try {
      gitPushFromGithubEvent(event);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).errors.map((issue) => issue.field)).toEqual([field]);
  });
});

describe('gitPushFromGitlabEvent', () => {
  it('gives the same git.push data as the webhook gateway', () => {
    const event = gitlabEvent(fixturePayload('gitlab-push'));
    expect(() => validateEvent(event)).not.toThrow();
    expect(gitPushFromGitlabEvent(event)).toEqual({
      repoUrl: 'https://gitlab.example.com/mike/diaspora.git',
      branch: 'main',
      commit: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      changedPaths: ['CHANGELOG', 'app/controller/application.rb', 'docker/old/Dockerfile'],
    });
  });

  it('is null for a branch deletion', () => {
    expect(gitPushFromGitlabEvent(gitlabEvent({ ...fixturePayload('gitlab-push'), after: '0'.repeat(40), checkout_sha: null }))).toBeNull();
  });

  it("takes the event's source when the payload names no project URL", () => {
    const payload = fixturePayload('gitlab-push');
    delete payload.project;
    delete payload.repository;
    expect(gitPushFromGitlabEvent(gitlabEvent(payload))?.repoUrl).toBe('https://gitlab.example.com/mike/diaspora');
  });

  it('refuses a GitHub event', () => {
    expect(() => gitPushFromGitlabEvent(githubEvent(fixturePayload('github-push')))).toThrow(ValidationError);
  });
});
