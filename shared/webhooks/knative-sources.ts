import type { CloudEvent } from 'cloudevents';
import { ValidationError } from '../errors/validation-error';
import { isPlainObject } from '../events/schema';
import { ForeignEventTypes, type GitPushData } from '../events/types';
import { parseData } from '../events/validate';
import { GITHUB_REPO_URL_FIELDS, githubPushOutcome } from './providers/github/push';
import { GITLAB_REPO_URL_FIELDS, gitlabPushOutcome } from './providers/gitlab/push';
import { stringsAt } from './payload';
import type { WebhookOutcome } from './types';

/**
 * The `git.push` data of a Knative GitHubSource event (`dev.knative.source.github.push`, whose
 * data is GitHub's push payload): the same reading as the webhook gateway's. `null` for a tag
 * push or a branch deletion, which build nothing. A payload without repository URLs takes the
 * event's `source` (`https://github.com/<owner>/<repo>`). Throws a ValidationError with
 * `data.*` fields when the payload lacks what a push needs, or for an event of another type.
 * @see https://github.com/knative-extensions/eventing-github
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 */
export function gitPushFromGithubEvent(event: CloudEvent<unknown>): GitPushData | null {
  return pushFromEvent(event, ForeignEventTypes.githubPush, GITHUB_REPO_URL_FIELDS, 'html_url', githubPushOutcome);
}

/**
 * The `git.push` data of a Knative GitLabSource event (`dev.knative.sources.gitlab.push`,
 * whose data is GitLab's push payload), read as the webhook gateway reads a `Push Hook`.
 * `null` for a tag push or a branch deletion; throws a ValidationError with `data.*` fields
 * for a malformed payload, or for an event of another type.
 * @see https://github.com/knative-extensions/eventing-gitlab
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events
 */
export function gitPushFromGitlabEvent(event: CloudEvent<unknown>): GitPushData | null {
  return pushFromEvent(event, ForeignEventTypes.gitlabPush, GITLAB_REPO_URL_FIELDS, 'web_url', gitlabPushOutcome);
}

function pushFromEvent(
  event: CloudEvent<unknown>,
  type: string,
  repoFields: readonly string[],
  sourceField: string,
  outcomeOf: (payload: unknown) => WebhookOutcome,
): GitPushData | null {
  if (event.type !== type) throw new ValidationError(`not a ${type} event`, [{ field: 'type', message: `is "${event.type}", expected "${type}"` }]);
  let payload = parseData(event.data);
  if (!isPlainObject(payload)) throw new ValidationError(`malformed ${type} event ${event.id}`, [{ field: 'data', message: 'must be a JSON object' }]);
  if (stringsAt(payload, repoFields).length === 0 && /^https?:\/\//.test(event.source)) {
    const container = repoFields[0]!.split('.')[0]!;
    payload = { ...payload, [container]: { ...(isPlainObject(payload[container]) ? payload[container] : {}), [sourceField]: event.source } };
  }
  let outcome: WebhookOutcome;
  try {
    outcome = outcomeOf(payload);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      `malformed ${type} event ${event.id}`,
      error.errors.map((issue) => ({ ...issue, field: `data.${issue.field}` })),
    );
  }
  return outcome.kind === 'push' ? outcome.data : null;
}
