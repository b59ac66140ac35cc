import type { IncomingHttpHeaders } from 'node:http';
import { ValidationError } from '../../errors/validation-error';
import { fixtureBody, type WebhookFixture } from '../__fixtures__';
import { bodyDigest, signBody } from '../signature';
import type { WebhookProviderName, WebhookRequest } from '../types';
import { WEBHOOK_PROVIDERS } from './api';

const SECRET = 'shared-secret';

/** How each provider's sender signs a push and names it; a provider without an entry fails the spec. */
const SENDERS: Record<
  WebhookProviderName,
  { fixture: WebhookFixture; headers(body: Buffer, secret: string): IncomingHttpHeaders; deliveryHeader: string; repo: string }
> = {
  github: {
    fixture: 'github-push',
    headers: (body, secret) => ({ 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signBody(body, secret) }),
    deliveryHeader: 'x-github-delivery',
    repo: 'https://github.com/heketi/heketi.git',
  },
  gitlab: {
    fixture: 'gitlab-push',
    headers: (_body, secret) => ({ 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret }),
    deliveryHeader: 'x-gitlab-event-uuid',
    repo: 'https://gitlab.example.com/mike/diaspora.git',
  },
  generic: {
    fixture: 'generic-push',
    headers: (body, secret) => ({ 'content-type': 'application/json', 'x-ccp-signature-256': signBody(body, secret) }),
    deliveryHeader: 'x-ccp-delivery',
    repo: 'https://git.example.org/team/images.git',
  },
};

const providers = [...WEBHOOK_PROVIDERS.values()].map((provider) => [provider.name, provider] as const);

describe('WEBHOOK_PROVIDERS', () => {
  it('registers github, gitlab and generic under their own names', () => {
    expect([...WEBHOOK_PROVIDERS.entries()].map(([key, provider]) => [key, provider.name])).toEqual([
      ['github', 'github'],
      ['gitlab', 'gitlab'],
      ['generic', 'generic'],
    ]);
  });

  describe.each(providers)('%s', (name, provider) => {
    const sender = SENDERS[name];
    const body = fixtureBody(sender.fixture);
    const request = (headers: IncomingHttpHeaders = sender.headers(body, SECRET)): WebhookRequest => ({ headers, body });

    it('names its credential header in lower case, as Node reads headers', () => {
      expect(provider.credentialHeader).toBe(provider.credentialHeader.toLowerCase());
      expect(Object.keys(sender.headers(body, SECRET))).toContain(provider.credentialHeader);
    });

    it('verifies the sender holding the secret, and no one else', () => {
      expect([
        provider.verify(request(), SECRET),
        provider.verify(request(sender.headers(body, 'other')), SECRET),
        provider.verify(request({}), SECRET),
      ]).toEqual([true, false, false]);
    });

    it('finds the repository and reads the push', () => {
      const payload = provider.readPayload(request());
      expect(provider.repoUrls(payload)[0]).toBe(sender.repo);
      const outcome = provider.interpret(request(), payload);
      expect(outcome.kind === 'push' && outcome.data.repoUrl).toBe(sender.repo);
    });

    it("uses the sender's delivery id, else a digest of the body", () => {
      expect([
        provider.deliveryId(request({ ...sender.headers(body, SECRET), [sender.deliveryHeader]: 'delivery-1' })),
        provider.deliveryId(request()),
      ]).toEqual(['delivery-1', bodyDigest(body)]);
    });

    it.each([
      ['a body that is no JSON', Buffer.from('{"ref": ')],
      ['a JSON list', Buffer.from('[1, 2]')],
    ])('refuses %s with a ValidationError', (_case, bad) => {
      expect(() => provider.readPayload({ headers: { 'content-type': 'application/json' }, body: bad })).toThrow(ValidationError);
    });
  });

  it('github: reads a form-encoded payload, and the signature covers the encoded form', () => {
    const github = WEBHOOK_PROVIDERS.get('github')!;
    const form = Buffer.from(new URLSearchParams({ payload: fixtureBody('github-push').toString('utf8') }).toString());
    const request = {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push', 'x-hub-signature-256': signBody(form, SECRET) },
      body: form,
    };
    const outcome = github.interpret(request, github.readPayload(request));
    expect([github.verify(request, SECRET), outcome.kind === 'push' && outcome.data.branch]).toEqual([true, 'master']);
  });

  it.each([
    ['github', { 'x-github-event': 'ping' }, 'github-ping', { kind: 'ping' }],
    ['github', { 'x-github-event': 'issues' }, 'github-ping', { kind: 'ignored', reason: 'GitHub event "issues" is not handled' }],
    ['gitlab', { 'x-gitlab-event': 'Tag Push Hook' }, 'gitlab-push', { kind: 'ignored', reason: 'GitLab event "Tag Push Hook" is not handled' }],
    ['gitlab', { 'x-gitlab-event': 'System Hook' }, 'gitlab-push', { kind: 'ignored', reason: 'GitLab event "System Hook" is not handled' }],
  ] as const)('%s: %j → %j', (name, headers, fixture, outcome) => {
    const provider = WEBHOOK_PROVIDERS.get(name)!;
    const request = { headers, body: fixtureBody(fixture) };
    expect(provider.interpret(request, provider.readPayload(request))).toEqual(outcome);
  });

  it.each([
    ['github', 'X-GitHub-Event'],
    ['gitlab', 'X-Gitlab-Event'],
  ] as const)('%s: refuses a delivery without its event header', (name, header) => {
    const provider = WEBHOOK_PROVIDERS.get(name)!;
    const request = { headers: {}, body: fixtureBody(SENDERS[name].fixture) };
    expect(() => provider.interpret(request, provider.readPayload(request))).toThrow(`${header}: header is required`);
  });

  it('gitlab: prefers Idempotency-Key, then X-Gitlab-Event-UUID, then X-Gitlab-Webhook-UUID', () => {
    const gitlab = WEBHOOK_PROVIDERS.get('gitlab')!;
    const body = fixtureBody('gitlab-push');
    const ids = [
      { 'idempotency-key': 'k', 'x-gitlab-event-uuid': 'e', 'x-gitlab-webhook-uuid': 'w' },
      { 'x-gitlab-event-uuid': 'e', 'x-gitlab-webhook-uuid': 'w' },
      { 'x-gitlab-webhook-uuid': 'w' },
    ].map((headers) => gitlab.deliveryId({ headers, body }));
    expect(ids).toEqual(['k', 'e', 'w']);
  });
});
