import type { BuildCause, NoticeItem, NoticeRequestedData, ScannerSummary } from '../../../../shared/events/types';
import { imageName, type ProjectEntry } from '../../../../shared/index/types';
import { describeCause } from '../cause';
import type { ReportLinker } from '../links';
import type { LintDigest, ScannerDigest } from '../report-reading';
import type { MailDocument, MailSection } from '../render/document';
import { registryName, reportLinks } from './common';
import { changeItems, lintSection, scanHeadline, scannerItems, sourceRows, type ParentImage } from './sections';

/** What the notify function gathered about one image of a cascade beyond the notice's own fields. */
export interface NoticeItemDetail {
  /** The image's own cause (its build record's, else the cascade's). */
  cause: BuildCause;
  /** The causes before it, oldest first. */
  causeChain: BuildCause[];
  commit?: string;
  entry: ProjectEntry | null;
  lint: LintDigest | null;
  /** The image's scan, when scan.json was there; `missing` when a scan was due and is not. */
  scan: { digest: Map<string, ScannerDigest>; scanners: Record<string, ScannerSummary> } | 'missing' | null;
  parent: ParentImage | null;
  /** Report files of the build's folder (file name → key). */
  reports: ReadonlyMap<string, string>;
}

export interface NoticeMailInput {
  data: NoticeRequestedData;
  /** The items this recipient's projects are, in the cascade's order. */
  items: readonly NoticeItem[];
  /** Details per item, by image name. */
  details: ReadonlyMap<string, NoticeItemDetail>;
  registry: string;
  /** How long the notice waited for the scans, in seconds (named when some are missing). */
  waitedSeconds: number;
}

const OUTCOME_WORD = { succeeded: 'SUCCESS', failed: 'FAILED', skipped: 'SKIPPED' } as const;

/**
 * One mail for a whole cascade (a parent failed and its children were skipped, or one cause
 * rebuilt many images, or the first builds of new entries with their scans): the cascade's
 * cause once, then per image its own cause, repository, branch and commit, what changed, the
 * lint summary, the scan's findings and links to its reports. Scans that had not ended when
 * the wait for them ran out are named. The seed sent one mail per child instead.
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
  const rows: [string, string][] = [
    ['Build Status', status],
    ['Cascade started by', describeCause(data.cause)],
    ['Images', counts],
  ];
  if (origin) rows.push(['Started from', origin]);
  const missing = items.filter((item) => input.details.get(imageName(item.project))?.scan === 'missing').map((item) => imageName(item.project));
  if (missing.length > 0)
    rows.push(['Scans missing', `${missing.join(', ')} (not finished after ${input.waitedSeconds} s; each is mailed on its own when it ends)`]);
  const sections: MailSection[] = [{ heading: `Container builds: ${status}`, rows }];
  for (const item of items) sections.push(...(await itemSections(item, input, linker)));
  const first = items[0] ? imageName(items[0].project) : (origin ?? data.cascade);
  const others = items.length - 1;
  const what = others > 0 ? `${first} and ${others} more image${others > 1 ? 's' : ''}` : first;
  return { subject: `[${registryName(items.find((item) => item.image)?.image?.ref, input.registry)}] ${status}: Container build ${what}`, status, sections };
}

async function itemSections(item: NoticeItem, input: NoticeMailInput, linker: ReportLinker): Promise<MailSection[]> {
  const name = imageName(item.project);
  const detail = input.details.get(name);
  const cause = detail?.cause ?? input.data.cause;
  const rows: [string, string][] = [['Cause of build', describeCause(cause)]];
  const earlier = detail?.causeChain ?? [];
  if (earlier.length > 0) rows.push(['Started by', earlier.map(describeCause).join(' ← ')]);
  if (item.reason) rows.push(['Reason', item.reason]);
  if (item.blockedBy) rows.push(['Waiting on', `${item.blockedBy} (not built because it failed)`]);
  if (item.image) rows.push(['Image', item.image.ref]);
  if (item.image?.digest) rows.push(['Digest', item.image.digest]);
  rows.push(...sourceRows(detail?.entry ?? item.entry, item.outcome === 'skipped' ? null : detail?.commit));
  if (item.buildId) rows.push(['Build id', item.buildId]);
  const sections: MailSection[] = [
    { heading: `${name}: ${OUTCOME_WORD[item.outcome]}`, rows },
    { heading: `${name}: what changed`, items: changeItems(cause, detail?.entry ?? item.entry, detail?.parent ?? null) },
  ];
  if (detail?.lint) sections.push(lintSection(detail.lint, `${name}: Dockerfile lint`));
  if (detail?.scan === 'missing') {
    sections.push({ heading: `${name}: scan`, items: [`The scan had not finished after ${input.waitedSeconds} s; it is mailed on its own when it ends.`] });
  } else if (detail?.scan) {
    sections.push({
      heading: `${name} scan: ${scanHeadline(detail.scan.digest, detail.scan.scanners)}`,
      items: scannerItems(detail.scan.digest, detail.scan.scanners),
    });
  }
  const links = await reportLinks(detail?.reports ?? new Map(), linker);
  if (links.length > 0) sections.push({ heading: `${name}: reports`, links });
  return sections;
}
