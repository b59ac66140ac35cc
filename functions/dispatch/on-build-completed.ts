import type { CloudEvent } from 'cloudevents';
import { planCascade } from './planning/cascade-plan';
import { recordCompletion } from './planning/cascade-advance';
import type { BuildCompletedData } from '../../shared/events/contracts/build-completed';
import type { Logger } from '../../shared/log/logger';
import { imageName } from '../../shared/index/types';
import type { FunctionContext } from '../../shared/function/types';
import { cascadesOf, currentIndex, dispatchSettings, learnBaseImages, type DispatchContext } from './dispatcher-state';
import { noticeEvent, replay, requestEvent, startCascade } from './emit';
import { childrenWaitOn, signatureCheck, withOriginSignature } from './planning/parent-signatures';
import type { CascadeSignatureCheck } from '../../shared/cascade/types';
import { registryClientFor } from '../../shared/registry/pipeline-registry';
import { ParentSignatureVerifier, type ParentVerdict } from '../../shared/signing/parent-signatures';

/** The signature check of this event's pushed image, made at most once, only when asked for. */
type SignatureCheckOf = () => Promise<CascadeSignatureCheck | undefined>;

/**
 * A build ended. Of a cascade: record it, request what it unblocked (or skip the subtree of a
 * failure) and, after the last one, the combined notice. Outside any cascade (a manual build,
 * a first build requested directly) and succeeded: everything built on the image rebuilds,
 * as a new cascade. The queued builds it superseded (`replaces`) end with it, each in its own
 * cascade, so that no cascade waits for a build that will never run. With
 * `CCP_PARENT_SIGNATURES` on, a succeeded build's pushed digest is verified (once per event)
 * before any child is released: under `enforce` a parent that does not verify ends its waiting
 * children `failed`, unbuilt, with the reason (planning/parent-signatures.ts).
 * @see ../../docs/admin-guide.md#signed-images
 */
export async function onBuildCompleted(data: BuildCompletedData, context: DispatchContext): Promise<CloudEvent<unknown>[]> {
  const name = imageName(data.project);
  const cascade = data.cause.cascade;
  const log = context.log.child({ buildId: data.buildId, project: name, ...(cascade ? { cascade } : {}) });
  // Its FROM lines (baseImages) become its parents in the graph from now on.
  await learnBaseImages(data, context, log);
  const check = parentSignatureCheck(data, name, context, log);
  // Builds this one replaced while they were queued end with it, in their own cascades.
  const replaced: CloudEvent<unknown>[] = [];
  const reason =
    data.status === 'succeeded'
      ? `built by build ${data.buildId}, which superseded it`
      : `superseded by build ${data.buildId}, which failed${data.reason ? `: ${data.reason}` : ''}`;
  for (const { buildId, cascade: theirs } of data.replaces ?? []) {
    replaced.push(...(await advanceCascade(theirs, { ...data, buildId, reason }, check, context, log.child({ cascade: theirs, replacedBuild: buildId }))));
  }
  if (cascade) return [...replaced, ...(await advanceCascade(cascade, data, check, context, log))];
  // The cascades of the replaced builds have planned what is built on the image already.
  if (data.status !== 'succeeded' || (data.replaces ?? []).length > 0) return replaced;
  const view = context.indexViews.overlay(await currentIndex(context), [data.entry]);
  if (view.graph.children(name).length === 0) return replaced;
  const planned = planCascade({
    id: `after-${data.buildId}`,
    cause: { kind: 'parent-rebuilt', message: `${name} rebuilt because ${data.cause.message}`, parent: name },
    seeds: [],
    origin: { name, entry: data.entry, buildId: data.buildId, cause: data.cause, causeChain: data.causeChain.slice(0, -1) },
    graph: view.graph,
    entries: view.entries,
    maxInFlight: dispatchSettings(context).maxInFlight,
    now: new Date(),
  });
  if (!planned) return replaced;
  const signature = await check();
  return [...replaced, ...(await startCascade(signature ? withOriginSignature(planned, signature) : planned, context))];
}

/**
 * The check of a succeeded build's pushed digest against the configured public keys, made on the
 * first call and remembered for the rest of the event (the replaced builds' cascades and its own
 * share it); `undefined` when `CCP_PARENT_SIGNATURES` is `off` or the build failed.
 */
function parentSignatureCheck(data: BuildCompletedData, name: string, context: FunctionContext, log: Logger): SignatureCheckOf {
  const settings = context.config.parentSignatures;
  if (settings.policy === 'off' || data.status !== 'succeeded') return () => Promise.resolve(undefined);
  let made: Promise<CascadeSignatureCheck> | undefined;
  const make = async (): Promise<CascadeSignatureCheck> => {
    const image = data.image;
    const verdict: ParentVerdict = image?.digest
      ? await new ParentSignatureVerifier(registryClientFor(context.config), settings).verify(image.ref, image.digest)
      : { ref: image?.ref ?? name, digest: 'unknown', verified: false, problem: 'no signature', reason: 'the build reported no pushed digest' };
    const result = signatureCheck(settings.policy, name, verdict);
    if (result.verified) log.info('parent signature verified', { digest: result.digest });
    else log.warn('parent signature does not verify', { digest: result.digest, decision: result.decision, reason: result.message });
    return result;
  };
  return () => (made ??= make());
}

/**
 * Records the end of one build of `cascade`, requests what it unblocked (or skips the subtree
 * of a failure) and, after the last one, the combined notice.
 */
async function advanceCascade(
  cascade: string,
  data: BuildCompletedData,
  check: SignatureCheckOf,
  context: FunctionContext,
  log: Logger,
): Promise<CloudEvent<unknown>[]> {
  const now = new Date();
  // Checked before the conditional update (it fetches), and only when a child still waits for it.
  const before = data.status === 'succeeded' ? await cascadesOf(context).get(cascade) : null;
  const signature = before && childrenWaitOn(before, imageName(data.project)) ? await check() : undefined;
  const updated = await cascadesOf(context).update(cascade, (record) => {
    const step = recordCompletion(record, data, now, signature);
    return step ? { record: step.record, result: step } : null;
  });
  if (!updated) {
    log.warn('build names a cascade that does not exist; nothing follows from it');
    return [];
  }
  if (!updated.changed || !updated.result) {
    log.info('build end known already; replaying what the cascade promised');
    return replay(updated.record);
  }
  const step = updated.result;
  for (const item of step.skipped) log.info('skipped: a parent failed', { project: item.name, blockedBy: item.blockedBy });
  for (const item of step.refused)
    log.warn('refused: a parent signature does not verify', { project: item.name, refusedBy: item.refusedBy, reason: item.reason });
  for (const item of step.requested)
    log.info('build requested', { project: item.name, buildId: item.buildId, ...(item.warning ? { warning: item.warning } : {}) });
  if (step.finished) log.info('cascade ended; one combined notice', { items: step.record.items.length });
  return [...step.requested.map(requestEvent), ...(step.finished ? [noticeEvent(step.record)] : [])];
}
