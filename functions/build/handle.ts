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
 * `build.completed` once the Job has ended. On `scan.completed`, attaches the scan's SBOM to the
 * image it built as a signed attestation (see {@link attestScan}); answers nothing.
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-build.1.md
 */
export async function handle(event: CloudEvent<unknown>, context: BuildContext): Promise<CloudEvent<unknown>[]> {
  validateEvent(event);
  if (event.type === ForeignEventTypes.apiServerUpdate) return context.builds.handleJobEvent(event);
  if (event.type === EventTypes.scanCompleted) return attestScan(event, context);
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

/**
 * On `scan.completed`: the scan's CycloneDX SBOM, checked against this function's own build
 * records, signed and attached to the image's `.att` (functions/build/attest/attach-sbom.ts).
 * Without an attestation key one info line and nothing else. Answers no event.
 * @see https://github.com/in-toto/attestation/blob/main/spec/predicates/cyclonedx.md
 */
async function attestScan(event: CloudEvent<unknown>, context: BuildContext): Promise<CloudEvent<unknown>[]> {
  const scan = dataOf(event, EventTypes.scanCompleted);
  const log = context.log.child({ project: `${scan.project.appId}/${scan.project.jobId}:${scan.project.desiredTag}`, eventId: event.id });
  if (!context.attachSbom) {
    log.info('SBOM not attested: no attestation key (CCP_ATTESTATION_KEY_FILE)');
    return [];
  }
  const attached = await context.attachSbom(scan);
  if (attached.status === 'refused') log.warn('SBOM not attested', { reason: attached.reason });
  else log.info(attached.status === 'attached' ? 'SBOM attested' : 'SBOM already attested', { ...attached });
  return [];
}
