import type { CloudEvent } from 'cloudevents';
import { imageName } from '../../shared/index/types';
import type { BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { buildMail } from './mail/mails/build-mail';
import { decideBuildMail, policyFor } from './mail/policy';
import { listReports } from './mail/report-reading';
import { rememberOutcome } from './mail/memory';
import { type PlannedMail } from './mail/deliver';
import { type ReportLinker } from './mail/links';
import { reportsPrefix } from '../../shared/store/keys';
import { parentImageOf } from './build-facts';
import { eventKey, type NotifyContext } from './settings';

/**
 * The mail of a `build.completed`, or none: builds of a cascade wait for its combined notice,
 * and the quiet policy drops automatic rebuilds that succeeded as before. The outcome is
 * remembered either way, so that the next build can tell a fix.
 */
export async function planBuildMail(
  event: CloudEvent<unknown>,
  data: BuildCompletedData,
  context: NotifyContext,
  linker: ReportLinker,
): Promise<PlannedMail[]> {
  const settings = context.mail;
  const log = context.log.child({ buildId: data.buildId, project: imageName(data.project), eventId: event.id });
  const previous = await rememberOutcome(context.store, data.project, 'build', {
    event: eventKey(event),
    outcome: data.status,
    buildId: data.buildId,
    ...(data.image?.digest ? { digest: data.image.digest } : {}),
    at: data.timings.finishedAt,
  });
  if (data.cause.cascade) {
    log.info('not mailed: part of a cascade, mailed with its combined notice', { cascade: data.cause.cascade });
    return [];
  }
  const decision = decideBuildMail(policyFor(settings.policies, data.project), data.cause.kind, data.status, previous?.outcome ?? null);
  log.info(decision.send ? 'build mail due' : 'build not mailed', { why: decision.why });
  if (!decision.send) return [];
  const reports = await listReports(context.store, `${reportsPrefix(data.project)}${data.buildId}`);
  const parent = await parentImageOf(context.store, data.cause, new Map());
  const document = await buildMail({ data, previous, reports, registry: context.config.registry, parent }, context.store, linker);
  return [
    {
      key: 'build',
      to: data.entry.notifyEmail,
      cc: settings.cc,
      document,
      records: [{ ref: data.project, buildId: data.buildId }],
      kind: 'build',
      about: [{ ref: data.project, buildId: data.buildId }],
      headers: { 'X-CCP-Event': event.id, 'X-CCP-Project': imageName(data.project), 'X-CCP-Build': data.buildId },
    },
  ];
}
