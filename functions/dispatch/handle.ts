import type { CloudEvent } from 'cloudevents';
import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import { dataOf, validateEvent } from '../../shared/events/validate';
import { gitPushFromGithubEvent, gitPushFromGitlabEvent } from '../../shared/webhooks/knative-sources';
import type { DispatchContext } from './dispatcher-state';
import { onBuildCompleted } from './on-build-completed';
import { onImagePushed } from './on-image-pushed';
import { onIndexChanged } from './on-index-changed';
import { onPush } from './on-push';
import { onOsvAdvisoryChanged } from './on-osv-advisory-changed';
import { onRpmRepoChanged } from './on-rpm-repo-changed';

export { FUNCTION_NAME } from './emit';

/**
 * Turns what changed into builds, in order: pushes (ours and Knative's GitHub/GitLab sources),
 * index changes, builds ended, images pushed from outside, RPM repository updates, advisories whose fix is in reach. Every
 * build it requests belongs to a cascade (`state/cascades/<id>.json`), which ends with one
 * combined `notice.requested`.
 * @see ../../README.md#rebuild-triggers
 */
export async function handle(event: CloudEvent<unknown>, context: DispatchContext): Promise<CloudEvent<unknown>[]> {
  validateEvent(event);
  switch (event.type) {
    case EventTypes.gitPush:
      return onPush(dataOf(event, EventTypes.gitPush), event, context);
    case ForeignEventTypes.githubPush:
    case ForeignEventTypes.gitlabPush: {
      const push = event.type === ForeignEventTypes.githubPush ? gitPushFromGithubEvent(event) : gitPushFromGitlabEvent(event);
      if (!push) {
        context.log.info('source event is no branch push; ignored', { eventId: event.id, eventType: event.type });
        return [];
      }
      return onPush(push, event, context);
    }
    case EventTypes.indexChanged:
      return onIndexChanged(dataOf(event, EventTypes.indexChanged), event, context);
    case EventTypes.buildCompleted:
      return onBuildCompleted(dataOf(event, EventTypes.buildCompleted), context);
    case EventTypes.imagePushed:
      return onImagePushed(dataOf(event, EventTypes.imagePushed), event, context);
    case EventTypes.rpmRepoChanged:
      return onRpmRepoChanged(dataOf(event, EventTypes.rpmRepoChanged), event, context);
    case EventTypes.osvAdvisoryChanged:
      return onOsvAdvisoryChanged(dataOf(event, EventTypes.osvAdvisoryChanged), event, context);
    default:
      throw new ValidationError('not a dispatcher event', [{ field: 'type', message: `${event.type} is not handled by the dispatcher` }]);
  }
}
