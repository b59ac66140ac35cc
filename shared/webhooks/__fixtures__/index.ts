import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Real-shaped webhook payloads (GitHub's and GitLab's documented examples, trimmed). */
export type WebhookFixture = 'github-push' | 'github-ping' | 'gitlab-push' | 'generic-push';

/** The fixture's bytes, as a sender would POST them. */
export function fixtureBody(name: WebhookFixture): Buffer {
  return readFileSync(path.join(__dirname, `${name}.json`));
}

/** A fresh parsed copy of the fixture, to change in a test. */
export function fixturePayload(name: WebhookFixture): Payload {
  return JSON.parse(fixtureBody(name).toString('utf8')) as Payload;
}

/** A payload as tests reshape it: any field, any depth. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests add, drop and break fields freely
export type Payload = Record<string, any>;
