import type { ScanCompletedData } from '../../events/types';
import { imageName } from '../../index/types';
import type { ReportLinker } from '../links';
import type { PackageDiff } from '../package-changes';
import type { TopFinding } from '../report-reading';
import type { MailDocument, MailSection } from '../render/document';
import { registryName, reportLinks } from './common';

export interface ScanMailInput {
  data: ScanCompletedData;
  /** Top findings per scanner from scan.json (may be empty: the event's counts are shown). */
  findings: ReadonlyMap<string, { top: TopFinding[] }>;
  /** Packages now installed (null: no SBOM), and the change since the previous scan (null: first scan). */
  packages: Record<string, string> | null;
  diff: PackageDiff | null;
  reports: ReadonlyMap<string, string>;
  registry: string;
}

const LISTED = 20;

/**
 * The mail of one scan: `[<registry>] SUCCESS|FAILED: Weekly scan for <image>` (`Scan for` when
 * it follows a build), each scanner's counts and worst findings, the package changes since the
 * previous scan, and links to the scan page, its JSON and the SBOM.
 */
export async function scanMail(input: ScanMailInput, linker: ReportLinker): Promise<MailDocument> {
  const { data } = input;
  const failed = Object.values(data.scanners).some((scanner) => scanner.status === 'failed');
  const status = failed ? 'FAILED' : 'SUCCESS';
  const name = imageName(data.project);
  const rows: [string, string][] = [['Scan Status', status], ['Image', data.image.ref]];
  if (data.image.digest) rows.push(['Digest', data.image.digest]);
  if (data.buildId) rows.push(['Build id', data.buildId]);
  const sections: MailSection[] = [{ heading: `Scan of ${name}: ${status}`, rows }];
  for (const [id, summary] of Object.entries(data.scanners).sort(([a], [b]) => a.localeCompare(b))) {
    const detail = summary.status === 'ok' ? `${summary.findings} findings` : `${summary.status}${summary.reason ? `: ${summary.reason}` : ''}`;
    sections.push({
      heading: `${id}: ${detail}`,
      items: (input.findings.get(id)?.top ?? []).map((finding) => `[${finding.severity}] ${finding.title}`),
    });
  }
  sections.push(packageSection(input));
  sections.push({ heading: 'Reports', links: await reportLinks(input.reports, linker) });
  const kind = data.buildId ? 'Scan' : 'Weekly scan';
  return { subject: `[${registryName(data.image.ref, input.registry)}] ${status}: ${kind} for ${name}`, status, sections };
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
