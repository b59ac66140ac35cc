import type { NoticeItem, NoticeRequestedData } from '../../events/types';
import { imageName } from '../../index/types';
import { describeCause } from '../cause';
import type { ReportLinker } from '../links';
import type { MailDocument, MailSection } from '../render/document';
import { registryName, reportLinks } from './common';

export interface NoticeMailInput {
  data: NoticeRequestedData;
  /** The items this recipient's projects are, in the cascade's order. */
  items: readonly NoticeItem[];
  /** Report files per item build id. */
  reports: ReadonlyMap<string, ReadonlyMap<string, string>>;
  registry: string;
}

const OUTCOME_WORD = { succeeded: 'SUCCESS', failed: 'FAILED', skipped: 'SKIPPED' } as const;

/**
 * One mail for a whole cascade (a parent failed and its children were skipped, or one cause
 * rebuilt many images): the cause once, then each of the recipient's images with its outcome,
 * why, and links to its reports. The seed sent one mail per child instead.
 */
export async function noticeMail(input: NoticeMailInput, linker: ReportLinker): Promise<MailDocument> {
  const { data, items } = input;
  const bad = items.some((item) => item.outcome !== 'succeeded');
  const status = bad ? 'FAILED' : 'SUCCESS';
  const counts = (['succeeded', 'failed', 'skipped'] as const)
    .map((outcome) => [outcome, items.filter((item) => item.outcome === outcome).length] as const)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
  const origin = data.origin ? imageName(data.origin) : null;
  const rows: [string, string][] = [['Build Status', status], ['Cause of build', describeCause(data.cause)], ['Images', counts]];
  if (origin) rows.push(['Started from', origin]);
  const sections: MailSection[] = [{ heading: `Container builds: ${status}`, rows }];
  for (const item of items) sections.push(await itemSection(item, input.reports.get(item.buildId ?? '') ?? new Map(), linker));
  const first = items[0] ? imageName(items[0].project) : origin ?? data.cascade;
  const others = items.length - 1;
  const what = others > 0 ? `${first} and ${others} more image${others > 1 ? 's' : ''}` : first;
  return { subject: `[${registryName(items.find((item) => item.image)?.image?.ref, input.registry)}] ${status}: Container build ${what}`, status, sections };
}

async function itemSection(item: NoticeItem, reports: ReadonlyMap<string, string>, linker: ReportLinker): Promise<MailSection> {
  const rows: [string, string][] = [];
  if (item.reason) rows.push(['Reason', item.reason]);
  if (item.blockedBy) rows.push(['Waiting on', `${item.blockedBy} (not built because it failed)`]);
  if (item.image) rows.push(['Image', item.image.ref]);
  if (item.image?.digest) rows.push(['Digest', item.image.digest]);
  if (item.buildId) rows.push(['Build id', item.buildId]);
  return { heading: `${imageName(item.project)}: ${OUTCOME_WORD[item.outcome]}`, rows, links: await reportLinks(reports, linker) };
}
