import type { CloudEvent } from 'cloudevents';
import type { NoticeItem, NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import { imageName } from '../../shared/index/types';
import { decideBuildMail, policyFor } from './mail/policy';
import { normalizeAddress } from './mail/address';
import { noticeMail } from './mail/mails/notice-mail';
import { notifyStateKey, type NotifyState } from './mail/memory';
import { type PlannedMail } from './mail/deliver';
import { type ReportLinker } from './mail/links';
import type { FunctionContext } from '../../shared/function/types';
import { awaitScans } from './await-scans';
import { readBuildFacts } from './build-facts';
import { noticeDetails } from './notice-details';
import { eventKey, type NotifyContext } from './settings';

/**
 * The mails of a cascade's combined notice: one per recipient, listing that recipient's images
 * (the configured Cc get one listing all). A recipient whose images all pass the quiet policy
 * (automatic rebuilds that succeeded as before) gets none. Before composing, the notice waits
 * for the scans of the cascade's images (up to `mail.noticeScanWaitSeconds`), so that first
 * builds are mailed once, build and scan together.
 */
export async function planNoticeMails(
  event: CloudEvent<unknown>,
  data: NoticeRequestedData,
  context: NotifyContext,
  linker: ReportLinker,
): Promise<PlannedMail[]> {
  const settings = context.mail;
  const log = context.log.child({ eventId: event.id, cascade: data.cascade });
  const byAddress = new Map<string, NoticeItem[]>();
  const worthy = new Set<NoticeItem>();
  for (const item of data.items) {
    const entry = item.entry ?? (await context.findEntry(item.project));
    if (!entry) log.warn('a project of the cascade is not in the index; only the Cc hear of it', { project: imageName(item.project) });
    for (const address of entry?.notifyEmail ?? []) {
      const key = normalizeAddress(address);
      byAddress.set(key, [...(byAddress.get(key) ?? []), item]);
    }
    if (await isWorthy(item, data, context)) worthy.add(item);
  }
  const groups: [string, NoticeItem[]][] = [...byAddress.entries()];
  for (const cc of settings.cc) if (!byAddress.has(normalizeAddress(cc))) groups.push([normalizeAddress(cc), [...data.items]]);
  const due = groups.filter(([address, items]) => {
    if (items.some((item) => worthy.has(item))) return true;
    log.info('cascade not mailed to this recipient: every image of theirs was quiet', { recipient: address });
    return false;
  });
  if (due.length === 0) return [];

  // Nothing is sent without a transport: no reason to hold the delivery for the scans then.
  const waitSeconds = settings.smtp || settings.toDir ? settings.noticeScanWaitSeconds : 0;
  const missing = await awaitScans({
    store: context.store,
    log,
    cascade: data.cascade,
    event: eventKey(event),
    items: data.items,
    waitSeconds,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  const details = await noticeDetails(data, context, missing);
  const mails: PlannedMail[] = [];
  for (const [address, items] of due) {
    const document = await noticeMail({ data, items, details, registry: context.config.registry, waitedSeconds: waitSeconds }, linker);
    mails.push({
      key: `notice:${address}`,
      to: [address],
      cc: [],
      document,
      records: items.filter((item) => item.buildId).map((item) => ({ ref: item.project, buildId: item.buildId! })),
      kind: 'cascade-notice',
      about: items.map((item) => ({ ref: item.project, ...(item.buildId ? { buildId: item.buildId } : {}) })),
      cascade: data.cascade,
      headers: { 'X-CCP-Event': event.id, 'X-CCP-Cascade': data.cascade },
    });
  }
  return mails;
}

/**
 * Failed and skipped images are always news; a success only as its build's policy says, by the
 * image's own cause: a first build in a cascade of configuration updates is still a first build.
 */
async function isWorthy(item: NoticeItem, data: NoticeRequestedData, context: NotifyContext): Promise<boolean> {
  if (item.outcome !== 'succeeded') return true;
  const policy = policyFor(context.mail.policies, item.project);
  const own = item.buildId ? (await readBuildFacts(context.store, item.project, item.buildId))?.cause.kind : undefined;
  return decideBuildMail(policy, own ?? data.cause.kind, 'succeeded', await previousOutcome(item, context)).send;
}

/** The outcome before this item's build, from what the notify function remembered when the build completed. */
async function previousOutcome(item: NoticeItem, context: FunctionContext): Promise<'succeeded' | 'failed' | null> {
  const stored = await context.store.get(notifyStateKey(item.project));
  if (!stored) return null;
  try {
    const state = JSON.parse(stored.body.toString('utf8')) as NotifyState;
    const build = state.build;
    if (!build) return null;
    return build.current.buildId === item.buildId ? (build.previous?.outcome ?? null) : build.current.outcome;
  } catch {
    return null;
  }
}
