import type { CloudEvent } from 'cloudevents';
import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import { dataOf, validateEvent } from '../../shared/events/validate';
import { type LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { entryFromIndex } from '../../shared/index/entry-from-index';
import type { BuildContext } from './service-for';

export { FUNCTION_NAME } from './service';

/**
 * On `lint.completed`: builds the image when the lint does not block (checkout, prebuild,
 * `buildah bud`, push), streaming `build.log` into the object store and keeping the build
 * record; answers `build.completed`. A blocking lint answers `build.completed` failed with the
 * lint's reason, without building. On a build Job's status change (cluster backend), answers
 * `build.completed` once the Job has ended.
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-build.1.md
 */
export async function handle(event: CloudEvent<unknown>, context: BuildContext): Promise<CloudEvent<unknown>[]> {
  validateEvent(event);
  if (event.type === ForeignEventTypes.apiServerUpdate) return context.builds.handleJobEvent(event);
  const sent = dataOf(event, EventTypes.lintCompleted);
  // Anything on the Broker can send a lint.completed: build the index's entry, never the event's.
  const lint: LintCompletedData = { ...sent, entry: (await entryFromIndex(sent.entry, sent.project, context)) ?? sent.entry };
  const log = context.log.child({
    buildId: lint.buildId,
    project: `${lint.project.appId}/${lint.project.jobId}:${lint.project.desiredTag}`,
    eventId: event.id,
  });
  const emitted = await context.builds.handleLint(lint);
  log.info('build handled', { emitted: emitted.map((reply) => reply.id) });
  return emitted;
}
