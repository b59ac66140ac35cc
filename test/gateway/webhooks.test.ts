import { EventTypes } from '../../shared/events/types';
import { validateEvent } from '../../shared/events/validate';
import { fixtureBody } from '../../shared/webhooks/__fixtures__';
import { signBody } from '../../shared/webhooks/signature';
import { GLOBAL_SECRET, genericHeaders, githubHeaders, githubPush, gitlabHeaders, post, settings, startGateway, without, type Gateway } from './harness';
import { DEFAULT_TIMESTAMP_TOLERANCE } from '../../shared/webhooks/settings';

const HEAD = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

describe('webhook gateway over HTTP (127.0.0.1)', () => {
  let gateway: Gateway;
  beforeEach(async () => {
    gateway = await startGateway(settings({ 'gitlab.example.com/mike/diaspora': 'gitlab-token-9e2', 'team/images': 'generic-secret-41a' }));
  });
  afterEach(() => gateway.close());

  describe('GitHub', () => {
    it('publishes exactly one git.push for a signed push, with the delivery id as event id', async () => {
      const body = githubPush();
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET));
      expect(sent.status).toBe(202);
      expect(gateway.published).toHaveLength(1);
      const [event] = gateway.published;
      expect(() => validateEvent(event!)).not.toThrow();
      expect({ id: event!.id, type: event!.type, source: event!.source, data: event!.data }).toEqual({
        id: DELIVERY,
        type: EventTypes.gitPush,
        source: '/ccp/gateway/github',
        data: {
          repoUrl: 'https://github.com/heketi/heketi.git',
          branch: 'master',
          commit: HEAD,
          changedPaths: ['README.md', 'docs/old-build.md', 'extras/docker/centos/Dockerfile.testing', 'extras/docker/centos/prepare-build.sh'],
        },
      });
      expect(sent.body).toEqual({ published: { id: DELIVERY, source: '/ccp/gateway/github', type: EventTypes.gitPush }, push: event!.data });
    });

    it.each([
      ['a forged signature (another secret)', (body: Buffer) => githubHeaders(body, 'not-the-secret')],
      ['a signature of another body', () => githubHeaders(Buffer.from('{}'), GLOBAL_SECRET)],
      ['a malformed signature header', (body: Buffer) => ({ ...githubHeaders(body, GLOBAL_SECRET), 'x-hub-signature-256': 'sha256=xyz' })],
      [
        'an old SHA-1 signature only',
        (body: Buffer) => ({
          ...without(githubHeaders(body, GLOBAL_SECRET), 'x-hub-signature-256'),
          'x-hub-signature': 'sha1=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12',
        }),
      ],
      ['no signature at all', (body: Buffer) => without(githubHeaders(body, GLOBAL_SECRET), 'x-hub-signature-256')],
    ])('answers 401 to %s and publishes nothing', async (_case, headersOf) => {
      const body = githubPush();
      const sent = await post(`${gateway.url}/webhooks/github`, body, headersOf(body));
      expect([sent.status, gateway.published.length, typeof sent.body.error]).toEqual([401, 0, 'string']);
    });

    it('verifies the raw bytes: a body re-serialised after signing is refused', async () => {
      const body = githubPush();
      const headers = githubHeaders(body, GLOBAL_SECRET);
      const sent = await post(`${gateway.url}/webhooks/github`, JSON.stringify(JSON.parse(body.toString('utf8'))), headers);
      expect([sent.status, gateway.published.length]).toEqual([401, 0]);
    });

    it('answers a signed ping with 200 {pong} and publishes nothing', async () => {
      const body = fixtureBody('github-ping');
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET, 'ping'));
      expect([sent.status, sent.body, gateway.published.length]).toEqual([200, { pong: true }, 0]);
    });

    it.each([
      ['a tag push', (p: Record<string, unknown>) => (p.ref = 'refs/tags/v1.2.0'), 'tag push (refs/tags/v1.2.0)'],
      [
        'a branch deletion',
        (p: Record<string, unknown>) => {
          p.deleted = true;
          p.after = '0000000000000000000000000000000000000000';
          p.commits = [];
        },
        'branch deletion (refs/heads/master)',
      ],
    ])('answers %s with 202 and publishes nothing', async (_case, change, reason) => {
      const body = githubPush(change);
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET));
      expect([sent.status, sent.body, gateway.published.length]).toEqual([202, { ignored: reason }, 0]);
    });

    it('answers an event it does not handle with 202 ignored', async () => {
      const body = Buffer.from(JSON.stringify({ action: 'opened', repository: { clone_url: 'https://github.com/heketi/heketi.git' } }));
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET, 'issues'));
      expect([sent.status, sent.body, gateway.published.length]).toEqual([202, { ignored: 'GitHub event "issues" is not handled' }, 0]);
    });

    it('answers malformed JSON with 400, even when signed', async () => {
      const body = Buffer.from('{"ref": "refs/heads/master",');
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET));
      expect([sent.status, (sent.body.errors as Array<{ field: string }>)[0]!.field, gateway.published.length]).toEqual([400, 'body', 0]);
    });

    it('answers a signed push without its fields with 400 naming them', async () => {
      const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/master', repository: { clone_url: 'https://github.com/a/b.git' } }));
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET));
      expect([sent.status, sent.body.errors]).toEqual([400, [{ field: 'after', message: 'must be a non-empty string' }]]);
    });
  });

  describe('GitLab', () => {
    it("publishes a git.push for the project's own token, with the event UUID as id", async () => {
      const sent = await post(`${gateway.url}/webhooks/gitlab`, fixtureBody('gitlab-push'), gitlabHeaders('gitlab-token-9e2'));
      expect(sent.status).toBe(202);
      expect(gateway.published.map((event) => [event.id, event.source, event.data])).toEqual([
        [
          '3b1e2a7c-59f4-4a44-8d7c-0c6b1d3e9f10',
          '/ccp/gateway/gitlab',
          {
            repoUrl: 'https://gitlab.example.com/mike/diaspora.git',
            branch: 'main',
            commit: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
            changedPaths: ['CHANGELOG', 'app/controller/application.rb', 'docker/old/Dockerfile'],
          },
        ],
      ]);
    });

    it.each([
      ['a wrong token', 'gitlab-token-9e3'],
      ['the global secret, for a project that has its own', GLOBAL_SECRET],
      ['an empty token', ''],
    ])('answers 401 to %s', async (_case, token) => {
      const sent = await post(`${gateway.url}/webhooks/gitlab`, fixtureBody('gitlab-push'), gitlabHeaders(token));
      expect([sent.status, gateway.published.length]).toEqual([401, 0]);
    });

    it('ignores a Tag Push Hook with 202', async () => {
      const sent = await post(`${gateway.url}/webhooks/gitlab`, fixtureBody('gitlab-push'), gitlabHeaders('gitlab-token-9e2', 'Tag Push Hook'));
      expect([sent.status, gateway.published.length]).toEqual([202, 0]);
    });

    it('names the delivery by a digest of the body when GitLab sends no UUID', async () => {
      await post(`${gateway.url}/webhooks/gitlab`, fixtureBody('gitlab-push'), without(gitlabHeaders('gitlab-token-9e2'), 'x-gitlab-event-uuid'));
      expect(gateway.published[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('generic', () => {
    const body = fixtureBody('generic-push');

    it('publishes a git.push for a body signed with the repository secret, X-Ccp-Delivery as id', async () => {
      const sent = await post(`${gateway.url}/webhooks/generic`, body, genericHeaders(body, 'generic-secret-41a', 'ci-run-1207'));
      expect([sent.status, gateway.published.map((event) => [event.id, event.source, event.data])]).toEqual([
        202,
        [
          [
            'ci-run-1207',
            '/ccp/gateway/generic',
            {
              repoUrl: 'https://git.example.org/team/images.git',
              branch: 'main',
              commit: '4f2a9c3e1b0d8a7f6e5d4c3b2a190817263544fa',
              changedPaths: ['app/Dockerfile', 'base/Dockerfile'],
            },
          ],
        ],
      ]);
    });

    it('refuses the global secret for a repository with its own (401)', async () => {
      const sent = await post(`${gateway.url}/webhooks/generic`, body, genericHeaders(body, GLOBAL_SECRET));
      expect([sent.status, sent.body.error, gateway.published.length]).toEqual([401, 'the x-ccp-signature-256 header does not match the repository secret', 0]);
    });

    it('refuses a signed push that lacks fields (400), naming each', async () => {
      const bad = Buffer.from(JSON.stringify({ repoUrl: 'https://git.example.org/team/images.git' }));
      const sent = await post(`${gateway.url}/webhooks/generic`, bad, genericHeaders(bad, 'generic-secret-41a'));
      expect([sent.status, (sent.body.errors as Array<{ field: string }>).map((issue) => issue.field)]).toEqual([400, ['branch', 'commit']]);
    });
  });

  it('answers 404 naming the endpoints for an unknown provider', async () => {
    const sent = await post(`${gateway.url}/webhooks/bitbucket`, '{}', { 'content-type': 'application/json' });
    expect([sent.status, sent.body.error]).toEqual([
      404,
      'no webhook endpoint POST /webhooks/bitbucket: POST to one of /webhooks/github, /webhooks/gitlab, /webhooks/generic',
    ]);
  });

  it('logs one line per webhook with provider, delivery, repo, branch, outcome and status, and never a secret or signature', async () => {
    const body = githubPush();
    const headers = githubHeaders(body, GLOBAL_SECRET);
    await post(`${gateway.url}/webhooks/github`, body, headers);
    await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, 'forged-secret'));
    await post(`${gateway.url}/webhooks/gitlab`, fixtureBody('gitlab-push'), gitlabHeaders('gitlab-token-9e2'));
    expect(
      gateway.logs.map(({ provider, delivery, repo, branch, outcome, status, msg }) => ({ msg, provider, delivery, repo, branch, outcome, status })),
    ).toEqual([
      {
        msg: 'webhook',
        provider: 'github',
        delivery: DELIVERY,
        repo: 'https://github.com/heketi/heketi.git',
        branch: 'master',
        outcome: 'published',
        status: 202,
      },
      {
        msg: 'webhook',
        provider: 'github',
        delivery: DELIVERY,
        repo: 'https://github.com/heketi/heketi.git',
        branch: undefined,
        outcome: 'unauthorized',
        status: 401,
      },
      {
        msg: 'webhook',
        provider: 'gitlab',
        delivery: '3b1e2a7c-59f4-4a44-8d7c-0c6b1d3e9f10',
        repo: 'https://gitlab.example.com/mike/diaspora.git',
        branch: 'main',
        outcome: 'published',
        status: 202,
      },
    ]);
    const secrets = [
      GLOBAL_SECRET,
      'forged-secret',
      'gitlab-token-9e2',
      headers['x-hub-signature-256']!.slice('sha256='.length),
      signBody(body, 'forged-secret').slice('sha256='.length),
    ];
    expect(secrets.filter((secret) => gateway.rawLogs.some((line) => line.includes(secret)))).toEqual([]);
  });
});

describe('webhook gateway limits and secrets', () => {
  it('answers 413 to a body over the limit, and publishes nothing', async () => {
    const gateway = await startGateway(settings({}, { bodyLimit: 2048 }));
    try {
      const body = githubPush((p) => (p.padding = 'x'.repeat(4096)));
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET));
      expect([sent.status, sent.body, gateway.published.length]).toEqual([413, { error: 'the body is larger than the webhook limit of 2048 bytes' }, 0]);
      expect(gateway.logs.map(({ outcome, status }) => ({ outcome, status }))).toEqual([{ outcome: 'too-large', status: 413 }]);
    } finally {
      await gateway.close();
    }
  });

  it('answers 401 when no secret is configured for the repository, saying so, even to a signed push', async () => {
    const gateway = await startGateway({ secrets: new Map([['other/repo', 's']]), bodyLimit: 1024 * 1024, timestampTolerance: DEFAULT_TIMESTAMP_TOLERANCE });
    try {
      const body = githubPush();
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, 's'));
      expect([sent.status, sent.body.error, gateway.published.length]).toEqual([
        401,
        'no webhook secret is configured for https://github.com/heketi/heketi.git: unsigned pushes are never accepted',
        0,
      ]);
    } finally {
      await gateway.close();
    }
  });

  it.each([
    ['the full URL key', 'github.com/heketi/heketi'],
    ['the owner/repo key', 'heketi/heketi'],
  ])('takes a per-repository secret by %s and refuses the global one for that repository', async (_case, key) => {
    const gateway = await startGateway(settings({ [key]: 'heketi-own-secret' }));
    try {
      const body = githubPush();
      const own = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, 'heketi-own-secret', 'push', 'd-1'));
      const global = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET, 'push', 'd-2'));
      expect([own.status, global.status, gateway.published.map((event) => event.id)]).toEqual([202, 401, ['d-1']]);
    } finally {
      await gateway.close();
    }
  });

  it('answers 503 when the event cannot be published, so the sender can redeliver', async () => {
    const gateway = await startGateway(settings(), async () => {
      throw new Error('broker unreachable');
    });
    try {
      const body = githubPush();
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET));
      expect([sent.status, sent.body.error]).toEqual([503, 'could not publish the git.push event: broker unreachable']);
    } finally {
      await gateway.close();
    }
  });
});
