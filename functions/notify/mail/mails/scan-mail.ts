import type { ScanCompletedData } from '../../../../shared/events/types';
import { imageName } from '../../../../shared/index/types';
import type { ReportLinker } from '../links';
import type { PackageDiff } from '../package-changes';
import type { ScannerDigest } from '../report-reading';
import type { MailDocument, MailSection } from '../render/document';
import { registryName, reportLinks } from './common';
import { scanHeadline, scanIsBad, scannerItems } from './sections';

export interface ScanMailInput {
  data: ScanCompletedData;
  /** Each scanner's part of scan.json (null when it is unreadable: the event's counts are shown). */
  scan: ReadonlyMap<string, ScannerDigest> | null;
  /** Packages now installed (null: no SBOM), and the change since the previous scan (null: first scan). */
  packages: Record<string, string> | null;
  diff: PackageDiff | null;
  reports: ReadonlyMap<string, string>;
  registry: string;
}

const LISTED = 20;

/**
 * The mail of one scan. The subject says what was found, not a status: `[<registry>]
 * <app-id>/<job-id>:<tag> scan: 3 updates, 1 high finding` (`weekly scan` for a rescan), then
 * each scanner's counts and worst findings, the package changes since the previous scan, and
 * links to the scan page, its JSON and the SBOM.
 */
export async function scanMail(input: ScanMailInput, linker: ReportLinker): Promise<MailDocument> {
  const { data } = input;
  const status = scanIsBad(input.scan, data.scanners) ? 'FAILED' : 'SUCCESS';
  const name = imageName(data.project);
  const headline = scanHeadline(input.scan, data.scanners);
  const rows: [string, string][] = [
    ['Found', headline],
    ['Image', data.image.ref],
  ];
  if (data.image.digest) rows.push(['Digest', data.image.digest]);
  if (data.buildId) rows.push(['Build id', data.buildId]);
  const kind = data.buildId ? 'scan' : 'weekly scan';
  const sections: MailSection[] = [
    { heading: `${name} ${kind}: ${headline}`, rows },
    { heading: 'Scanners', items: scannerItems(input.scan, data.scanners, 5) },
    packageSection(input),
    { heading: 'Reports', links: await reportLinks(input.reports, linker) },
  ];
  return { subject: `[${registryName(data.image.ref, input.registry)}] ${name} ${kind}: ${headline}`, status, sections };
}

function packageSection(input: ScanMailInput): MailSection {
  const heading = 'Packages since the previous scan';
  if (!input.packages) return { heading, items: ['The scan wrote no SBOM; packages cannot be compared.'] };
  if (!input.diff) return { heading, items: [`First scan of this image: ${Object.keys(input.packages).length} packages installed.`] };
  const { updated, added, removed } = input.diff;
  const items = [
    ...updated.map((change) => `${change.name} ${change.from} → ${change.to}`),
    ...added.map((item) => `added ${item.name} ${item.version}`),
    ...removed.map((item) => `removed ${item.name} ${item.version}`),
  ];
  if (items.length === 0) return { heading, items: ['No package changed.'] };
  const more = items.length - LISTED;
  return { heading, items: [...items.slice(0, LISTED), ...(more > 0 ? [`… and ${more} more (see the SBOM)`] : [])] };
}
