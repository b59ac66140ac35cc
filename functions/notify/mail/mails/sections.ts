import { describePackageChange } from '../../../../shared/events/package-change';
import type { BuildCause, ScannerSummary } from '../../../../shared/events/types';
import type { ProjectEntry } from '../../../../shared/index/types';
import type { LintDigest, ScannerDigest } from '../report-reading';
import type { MailSection } from '../render/document';

/**
 * Where an image comes from: repository, branch, Dockerfile and the commit built (the rows
 * owners asked for in every build and cascade mail).
 */
export function sourceRows(entry: ProjectEntry | null | undefined, commit: string | undefined | null): [string, string][] {
  const rows: [string, string][] = [];
  if (entry) {
    rows.push(
      ['Repository', entry.gitUrl],
      ['Branch', entry.gitBranch],
      ['Dockerfile', `${entry.gitPath && entry.gitPath !== '.' ? `${entry.gitPath}/` : ''}${entry.targetFile}`],
    );
  }
  // null: nothing was built (a skipped image), so there is no commit to name.
  if (commit !== null) rows.push(['Commit', commit ?? 'unknown (the repository could not be read)']);
  return rows;
}

/**
 * The lint summary: counts per level and the worst findings as `[level] line N RULE: message`,
 * so an owner reads what to fix without opening the JSON or SARIF report.
 * @see https://github.com/hadolint/hadolint#rules
 */
export function lintSection(lint: LintDigest, heading = 'Dockerfile lint'): MailSection {
  const counts = Object.entries(lint.counts)
    .map(([level, count]) => `${count} ${level}`)
    .join(', ');
  const items = lint.top.map((finding) => `[${finding.level}] ${finding.line !== null ? `line ${finding.line} ` : ''}${finding.code}: ${finding.message}`);
  if (lint.total > lint.top.length) items.push(`… and ${lint.total - lint.top.length} more (see the lint report)`);
  if (lint.total === 0) items.push('No findings.');
  return { heading, rows: [['Findings', counts]], items };
}

const UPDATE_SCANNER = /-updates$/;
const SEVERITIES = ['high', 'medium', 'low', 'info'];

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * What a scan found, in a few words for a subject: `3 updates, 1 high finding`, the scanners that
 * failed, `no findings`, or `not scanned` when every scanner was skipped. From `scan.json` when it
 * is readable, else from the event's counts.
 */
export function scanHeadline(digest: ReadonlyMap<string, ScannerDigest> | null, scanners: Readonly<Record<string, ScannerSummary>>): string {
  const parts: string[] = [];
  let updates = 0;
  const bySeverity: Record<string, number> = {};
  let unrated = 0;
  const failed: string[] = [];
  const ids = Object.keys(scanners).sort();
  for (const id of ids) {
    const summary = scanners[id]!;
    const detail = digest?.get(id);
    if ((detail?.status ?? summary.status) === 'failed') failed.push(id);
    if (UPDATE_SCANNER.test(id)) updates += detail?.findings ?? summary.findings;
    else if (detail) for (const [severity, count] of Object.entries(detail.severities)) bySeverity[severity] = (bySeverity[severity] ?? 0) + count;
    else unrated += summary.findings;
  }
  if (updates > 0) parts.push(plural(updates, 'update'));
  for (const severity of [
    ...SEVERITIES,
    ...Object.keys(bySeverity)
      .filter((key) => !SEVERITIES.includes(key))
      .sort(),
  ]) {
    if (bySeverity[severity]) parts.push(plural(bySeverity[severity]!, `${severity} finding`));
  }
  if (unrated > 0) parts.push(plural(unrated, 'finding'));
  if (failed.length > 0) parts.push(`${failed.join(', ')} failed`);
  if (parts.length > 0) return parts.join(', ');
  return ids.length > 0 && ids.every((id) => (digest?.get(id)?.status ?? scanners[id]!.status) === 'skipped') ? 'not scanned' : 'no findings';
}

/** True when the scan needs a look: a high finding or a scanner that failed. */
export function scanIsBad(digest: ReadonlyMap<string, ScannerDigest> | null, scanners: Readonly<Record<string, ScannerSummary>>): boolean {
  return Object.entries(scanners).some(
    ([id, summary]) => (digest?.get(id)?.status ?? summary.status) === 'failed' || (digest?.get(id)?.severities.high ?? 0) > 0,
  );
}

/** One line per scanner: `rpm-updates: 3 findings` or its status and reason, then its worst findings. */
export function scannerItems(
  digest: ReadonlyMap<string, ScannerDigest> | null,
  scanners: Readonly<Record<string, ScannerSummary>>,
  topPerScanner = 3,
): string[] {
  const items: string[] = [];
  for (const id of Object.keys(scanners).sort()) {
    const summary = scanners[id]!;
    const detail = digest?.get(id);
    const status = detail?.status ?? summary.status;
    const reason = detail?.reason ?? summary.reason;
    const findings = detail?.findings ?? summary.findings;
    items.push(status === 'ok' ? `${id}: ${plural(findings, 'finding')}` : `${id}: ${status}${reason ? `: ${reason}` : ''}`);
    for (const finding of (detail?.top ?? []).slice(0, topPerScanner)) items.push(`  [${finding.severity}] ${finding.title}`);
  }
  return items;
}

/** What a parent-rebuilt item needs to say which parent image it was built on. */
export interface ParentImage {
  ref?: string;
  digest?: string;
}

/**
 * "What changed" for one image, by its own cause: the package changes of an RPM update, the
 * commit of a push, the parent image and its digest for a parent rebuild, the entry's fields
 * for an index change or a first build.
 * @see ../../../README.md#rebuild-triggers
 */
export function changeItems(cause: BuildCause, entry: ProjectEntry | null | undefined, parent: ParentImage | null): string[] {
  switch (cause.kind) {
    case 'rpm-update':
      return cause.packages && cause.packages.length > 0 ? cause.packages.map(describePackageChange) : [cause.message];
    case 'git-push':
      return [`Commit ${cause.commit ?? 'unknown'}${cause.branch ? ` on branch ${cause.branch}` : ''}${cause.repoUrl ? ` of ${cause.repoUrl}` : ''}`];
    case 'parent-rebuilt': {
      const name = cause.parent ?? 'the parent image';
      const image = parent?.digest ? `${parent.ref ?? name}@${parent.digest}` : `${parent?.ref ?? name} (digest not known)`;
      return [`Parent image ${name} was rebuilt: ${image}`, cause.message];
    }
    case 'index-change':
      return entry ? [`The index entry (${entry.source.file}, line ${entry.source.line}) changed; it now reads:`, ...entryFields(entry)] : [cause.message];
    case 'first-build':
      return entry ? [`New index entry (${entry.source.file}, line ${entry.source.line}):`, ...entryFields(entry)] : ['A new index entry.'];
    case 'manual':
      return [cause.message];
  }
}

/** The fields of an index entry as the index spells them. */
function entryFields(entry: ProjectEntry): string[] {
  return [
    `git-url: ${entry.gitUrl}`,
    `git-branch: ${entry.gitBranch}`,
    `git-path: ${entry.gitPath || '.'}`,
    `target-file: ${entry.targetFile}`,
    `build-context: ${entry.buildContext}`,
    `desired-tag: ${entry.desiredTag}`,
    ...(entry.dependsOn.length > 0 ? [`depends-on: ${entry.dependsOn.join(', ')}`] : []),
    ...(entry.prebuildScript ? [`prebuild-script: ${entry.prebuildScript}`] : []),
  ];
}
