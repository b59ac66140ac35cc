import { packageUrl } from '../../../shared/reports/purl';
import type { ScanReport } from '../../../shared/reports/types';
import { VULNERABILITIES_SCANNER, vulnerabilitiesOf, type Vulnerability } from '../../../shared/reports/vulnerabilities';
import type { ObjectStore } from '../../../shared/store/types';

/** A finding as a mail lists it. */
export interface TopFinding {
  severity: string;
  title: string;
}

/** One lint finding as a mail lists it: where, which rule, what it says. */
export interface LintFinding {
  level: string;
  code: string;
  line: number | null;
  message: string;
}

export interface LintDigest {
  counts: Record<string, number>;
  /** The worst findings, worst first, then by line. */
  top: LintFinding[];
  total: number;
}

const LINT_LEVELS = ['error', 'warning', 'info', 'style'];
const SEVERITY_ORDER = ['error', 'high', 'warning', 'medium', 'info', 'low', 'style'];
const TOP = 5;

/**
 * Counts per level and the worst findings of a stored `lint.json` (hadolint's JSON: a list of
 * `{code, level, message, line}`); `null` when it is absent or not that shape. Every value is
 * read as untrusted text: a message is cut to one line (the mail code escapes and redacts it).
 * @see https://github.com/hadolint/hadolint#output-formats
 */
export async function readLintDigest(store: ObjectStore, key: string): Promise<LintDigest | null> {
  const findings = await readJson(store, key);
  if (!Array.isArray(findings)) return null;
  const counts: Record<string, number> = Object.fromEntries(LINT_LEVELS.map((level) => [level, 0]));
  const all: (LintFinding & { rank: number })[] = [];
  for (const item of findings as Record<string, unknown>[]) {
    if (typeof item !== 'object' || item === null) continue;
    const level = oneLine(String(item.level ?? 'info'), 16);
    counts[level] = (counts[level] ?? 0) + 1;
    const line = Number(item.line);
    all.push({
      level,
      code: oneLine(String(item.code ?? ''), 32),
      line: Number.isInteger(line) && line > 0 ? line : null,
      message: oneLine(String(item.message ?? ''), 500),
      rank: rank(level),
    });
  }
  const top = [...all]
    .sort((a, b) => a.rank - b.rank || (a.line ?? 0) - (b.line ?? 0))
    .slice(0, TOP)
    .map(({ level, code, line, message }) => ({ level, code, line, message }));
  return { counts, top, total: all.length };
}

/** A scanner's part of a stored `scan.json`, as a mail summarises it. */
export interface ScannerDigest {
  status: string;
  reason?: string;
  /** Findings per severity (`high`, `medium`, `low`, `info`). */
  severities: Record<string, number>;
  findings: number;
  top: TopFinding[];
}

/**
 * Each scanner's status, reason, findings per severity and worst findings from a stored
 * `scan.json` (`scanners` as a map of id → report); `null` when the file is absent or another shape.
 * @see ../../../shared/reports/types.ts
 */
export async function readScanDigest(store: ObjectStore, key: string): Promise<Map<string, ScannerDigest> | null> {
  const scan = (await readJson(store, key)) as { scanners?: unknown } | null;
  const scanners = scan?.scanners;
  if (!scanners || typeof scanners !== 'object' || Array.isArray(scanners)) return null;
  const result = new Map<string, ScannerDigest>();
  for (const [id, value] of Object.entries(scanners as Record<string, unknown>)) {
    if (!value || typeof value !== 'object') continue;
    const report = value as { status?: unknown; reason?: unknown; findings?: unknown };
    const list = (Array.isArray(report.findings) ? report.findings : []) as Record<string, unknown>[];
    const severities: Record<string, number> = {};
    for (const finding of list) {
      const severity = oneLine(String(finding?.severity ?? 'info'), 16);
      severities[severity] = (severities[severity] ?? 0) + 1;
    }
    result.set(oneLine(id, 64), {
      status: oneLine(String(report.status ?? 'ok'), 16),
      ...(typeof report.reason === 'string' ? { reason: oneLine(report.reason, 500) } : {}),
      severities,
      findings: list.length,
      top: worst(
        list.map((finding) => ({
          severity: String(finding?.severity ?? 'info'),
          title: oneLine(String(finding?.title ?? finding?.id ?? ''), 300),
          rank: rank(String(finding?.severity)),
        })),
      ),
    });
  }
  return result;
}

/** Text from a report on one line and at most `max` characters: a finding is one bullet. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Each scanner's worst findings from a stored `scan.json`: its `scanners` as a map of id →
 * `{findings: [{severity, title}]}` or a list of `{id, findings}`. Empty when the file is
 * absent or another shape; the event's own counts are shown then.
 */
export async function readScanFindings(store: ObjectStore, key: string): Promise<Map<string, { ids: string[]; top: TopFinding[] }>> {
  const scan = (await readJson(store, key)) as { scanners?: unknown } | null;
  const result = new Map<string, { ids: string[]; top: TopFinding[] }>();
  const scanners = scan?.scanners;
  const entries: [string, unknown][] = Array.isArray(scanners)
    ? (scanners as Record<string, unknown>[]).map((item) => [String(item.id ?? item.scanner ?? ''), item])
    : scanners && typeof scanners === 'object'
      ? Object.entries(scanners)
      : [];
  for (const [id, value] of entries) {
    const findings = (value as { findings?: unknown } | null)?.findings;
    if (!id || !Array.isArray(findings)) continue;
    const list = findings as Record<string, unknown>[];
    result.set(id, {
      ids: list.map((finding) => String(finding.id ?? finding.title ?? '')).sort(),
      top: worst(
        list.map((finding) => ({
          severity: String(finding.severity ?? 'info'),
          title: String(finding.title ?? finding.id ?? ''),
          rank: rank(String(finding.severity)),
        })),
      ),
    });
  }
  return result;
}

/**
 * Installed packages from a stored CycloneDX SBOM, keyed by package URL without version
 * (`pkg:rpm/centos/bash`) → version; `null` when there is none.
 * @see https://cyclonedx.org/docs/1.5/json/#components
 */
export async function readSbomPackages(store: ObjectStore, key: string): Promise<Record<string, string> | null> {
  const sbom = (await readJson(store, key)) as { components?: unknown } | null;
  if (!sbom || !Array.isArray(sbom.components)) return null;
  const packages: Record<string, string> = {};
  for (const component of sbom.components as Record<string, unknown>[]) {
    const name = String(component.name ?? '');
    if (!name) continue;
    const purl = typeof component.purl === 'string' ? component.purl.replace(/[@?#].*$/, '') : packageUrl({ type: 'generic', name });
    packages[purl] = String(component.version ?? '');
  }
  return packages;
}

/** What a mail reads of the `vulnerabilities` scanner. */
export interface VulnerabilityReading {
  status: string;
  items: Vulnerability[];
}

/**
 * The advisories of a stored `scan.json`, most severe first, each text cut to one line (the
 * mail code escapes and redacts it); `null` when the file is unreadable or the scanner did not
 * run in it.
 * @see ../../../shared/reports/vulnerabilities.ts
 */
export async function readVulnerabilities(store: ObjectStore, key: string): Promise<VulnerabilityReading | null> {
  const scan = (await readJson(store, key)) as { scanners?: unknown } | null;
  const scanners = scan?.scanners;
  if (!scanners || typeof scanners !== 'object' || Array.isArray(scanners)) return null;
  const section = (scanners as Record<string, unknown>)[VULNERABILITIES_SCANNER] as { status?: unknown; findings?: unknown } | undefined;
  if (!section || typeof section !== 'object') return null;
  const findings = (Array.isArray(section.findings) ? section.findings : []).filter(
    (finding): finding is ScanReport['scanners'][string]['findings'][number] =>
      typeof finding === 'object' &&
      finding !== null &&
      typeof (finding as { details?: unknown }).details === 'object' &&
      (finding as { details?: unknown }).details !== null,
  );
  const items = vulnerabilitiesOf({ scanners: { [VULNERABILITIES_SCANNER]: { ...(section as ScanReport['scanners'][string]), findings } } }).map((item) => ({
    ...item,
    advisory: oneLine(item.advisory, 100),
    aliases: item.aliases.map((alias) => oneLine(alias, 100)),
    summary: oneLine(item.summary, 300),
    package: oneLine(item.package, 200),
    installed: oneLine(item.installed, 100),
    fixed: item.fixed === null ? null : oneLine(item.fixed, 100),
    ...(item.available ? { available: oneLine(item.available, 100) } : {}),
  }));
  return { status: oneLine(String(section.status ?? 'ok'), 16), items };
}

/** Objects of the report folder, by file name, for the reports that exist. */
export async function listReports(store: ObjectStore, folder: string): Promise<Map<string, string>> {
  const listed = await store.list(folder.endsWith('/') ? folder : `${folder}/`);
  return new Map(listed.objects.map((object) => [object.key.slice(object.key.lastIndexOf('/') + 1), object.key]));
}

async function readJson(store: ObjectStore, key: string): Promise<unknown> {
  const object = await store.get(key);
  if (!object) return null;
  try {
    return JSON.parse(object.body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

function rank(severity: string): number {
  const index = SEVERITY_ORDER.indexOf(severity);
  return index < 0 ? SEVERITY_ORDER.length : index;
}

function worst(findings: (TopFinding & { rank: number })[]): TopFinding[] {
  return [...findings]
    .sort((a, b) => a.rank - b.rank)
    .slice(0, TOP)
    .map(({ severity, title }) => ({ severity, title }));
}
