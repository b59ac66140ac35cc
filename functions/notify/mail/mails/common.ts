import type { ReportLinker } from '../links';
import type { MailLink } from '../render/document';

/** How each report file is named in a mail, in the order mails list them. */
export const REPORT_LABELS: readonly [string, string][] = [
  ['build.log', 'Build log'],
  ['lint.json', 'Lint report (JSON)'],
  ['lint.sarif', 'Lint report (SARIF)'],
  ['scan.html', 'Scan report'],
  ['scan.json', 'Scan report (JSON)'],
  ['sbom.cdx.json', 'SBOM (CycloneDX)'],
];

/** Links to the reports that exist, labelled and in a fixed order; unknown files come last. */
export async function reportLinks(files: ReadonlyMap<string, string>, linker: ReportLinker): Promise<MailLink[]> {
  const known = new Map(REPORT_LABELS);
  const names = [...files.keys()].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  return Promise.all(names.map(async (name) => ({ label: known.get(name) ?? name, url: await linker.link(files.get(name)!) })));
}

function order(name: string): number {
  const index = REPORT_LABELS.findIndex(([file]) => file === name);
  return index < 0 ? REPORT_LABELS.length : index;
}

/**
 * The registry a subject names: the host of the image reference (`host[:port]/…`), else the
 * configured registry, else `ccp`.
 */
export function registryName(imageRef: string | undefined, configured: string): string {
  const first = imageRef?.split('/')[0];
  if (first && imageRef!.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return configured || 'ccp';
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
