import type { ScanCompletedData } from '../../../../shared/events/types';
import { imageName } from '../../../../shared/index/types';
import type { ReportLinker } from '../links';
import type { PackageDiff } from '../package-changes';
import type { ScannerDigest, VulnerabilityReading } from '../report-reading';
import {
  countVulnerabilities,
  VULNERABILITIES_SCANNER,
  FIX_STATUSES,
  meetsThreshold,
  SEVERITY_BANDS,
  type SeverityThreshold,
  type Vulnerability,
} from '../../../../shared/reports/vulnerabilities';
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
  /** The advisories found (null: the scanner did not run), those new since the previous scan (null: nothing to compare), and the least band listed. */
  vulnerabilities?: { reading: VulnerabilityReading | null; fresh: Vulnerability[] | null; threshold: SeverityThreshold };
}

const LISTED = 20;

/**
 * The mail of one scan. The subject says what was found, not a status: `[<registry>]
 * <app-id>/<job-id>:<tag> scan: 3 updates, 1 high finding` (`weekly scan` for a rescan), then
 * the advisories (new since the previous scan first, then counts by severity and status and the
 * others, fixable-now ones highlighted, only those at or above `mail.vulnerabilitySeverity`),
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
    ...vulnerabilitySections(input.vulnerabilities),
    { heading: 'Scanners', items: scannerItems(withoutAdvisoryTitles(input), data.scanners, 5) },
    packageSection(input),
    { heading: 'Reports', links: await reportLinks(input.reports, linker) },
  ];
  return { subject: `[${registryName(data.image.ref, input.registry)}] ${name} ${kind}: ${headline}`, status, sections };
}

/**
 * The scan digest without the vulnerabilities scanner's worst findings when the advisories have
 * their own sections: listed twice, and past the mail's severity threshold, they would bury them.
 */
function withoutAdvisoryTitles(input: ScanMailInput): ScanMailInput['scan'] {
  const own = input.scan?.get(VULNERABILITIES_SCANNER);
  if (!input.scan || !own || input.vulnerabilities?.reading?.status !== 'ok') return input.scan;
  return new Map([...input.scan].map(([id, digest]) => [id, id === VULNERABILITIES_SCANNER ? { ...digest, top: [] } : digest]));
}

const STATUS_WORDS: Record<Vulnerability['status'], string> = { 'fixable-now': 'FIXABLE NOW', 'fix-upstream-only': 'fix upstream only', 'no-fix': 'no fix' };

/** One advisory on one line: band and score, ids, package, what can be done, summary. */
export function vulnerabilityItem(item: Vulnerability): string {
  const cve = item.aliases.filter((alias) => alias.startsWith('CVE-') && alias !== item.advisory);
  const score = item.score !== undefined ? ` ${item.score.toFixed(1)}` : '';
  const fix =
    item.status === 'fixable-now'
      ? `FIXABLE NOW: ${item.fixed}${item.available && item.available !== item.fixed ? ` (available ${item.available})` : ''}`
      : item.status === 'fix-upstream-only'
        ? `fix upstream only: ${item.fixed}`
        : 'no fix';
  return `${item.band}${score} ${item.advisory}${cve.length > 0 ? ` (${cve.join(', ')})` : ''} in ${item.package} ${item.installed}: ${fix}${item.summary ? ` — ${item.summary}` : ''}`;
}

/**
 * The advisories part of a scan mail: first a section of the advisories new since the previous
 * scan (when there is one to compare with and it found any), then counts by severity and by
 * status over every advisory and the list of the rest. Lists hold only advisories at or above
 * the threshold, most severe and fixable-now first; a fixable-now one is highlighted.
 */
export function vulnerabilitySections(input: ScanMailInput['vulnerabilities']): MailSection[] {
  if (!input?.reading) return [];
  const { reading, fresh, threshold } = input;
  if (reading.status !== 'ok') return [];
  if (reading.items.length === 0) return [{ heading: 'Vulnerabilities', items: ['No advisory affects this image.'] }];
  const listed = (items: readonly Vulnerability[]): MailSection => {
    const shown = items.filter((item) => meetsThreshold(item.band, threshold));
    const below = items.length - shown.length;
    const more = shown.length - LISTED;
    const lines = shown.slice(0, LISTED);
    return {
      items: [
        ...lines.map(vulnerabilityItem),
        ...(more > 0 ? [`… and ${more} more (see the scan page)`] : []),
        ...(below > 0 ? [`${below} below ${threshold} not listed (see the scan page)`] : []),
      ],
      highlighted: lines.flatMap((item, at) => (item.status === 'fixable-now' ? [at] : [])),
    };
  };
  const freshKeys = new Set((fresh ?? []).map((item) => item.key));
  const sections: MailSection[] = [];
  if (fresh && fresh.length > 0)
    sections.push({ heading: `New since the previous scan: ${fresh.length} advisor${fresh.length === 1 ? 'y' : 'ies'}`, ...listed(fresh) });
  const counts = countVulnerabilities(reading.items);
  const rest = reading.items.filter((item) => !freshKeys.has(item.key));
  const summary = (entries: [string, number][]): string =>
    entries
      .filter(([, count]) => count > 0)
      .map(([name, count]) => `${count} ${name}`)
      .join(', ');
  const section: MailSection = {
    heading: `Vulnerabilities: ${reading.items.length} advisor${reading.items.length === 1 ? 'y' : 'ies'}`,
    rows: [
      ['By severity', summary(SEVERITY_BANDS.map((band) => [band, counts.bands[band]]))],
      ['By status', summary(FIX_STATUSES.map((status) => [STATUS_WORDS[status], counts.statuses[status]]))],
    ],
  };
  // With a new section above, this list holds the advisories reported before.
  if (rest.length > 0) Object.assign(section, listed(rest));
  sections.push(section);
  return sections;
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
