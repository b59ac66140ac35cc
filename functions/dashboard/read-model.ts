import type { BuildRecord, BuildStatus } from '../../shared/builds/types';
import type { CascadeItemStatus, CascadeRecord } from '../../shared/cascade/types';
import { cascadeKey } from '../../shared/cascade/keys';
import type { SeverityCounts } from '../../shared/events/types';
import { imageName, type ProjectEntry, type ProjectRef } from '../../shared/index/types';
import { readImageState } from '../../shared/reports/image-state';
import type { ScanReport, ScanVerdict, SeverityCount } from '../../shared/reports/types';
import { buildRecordKey, buildRecordsPrefix, parseBuildRecordKey, reportsPrefix } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';
import { readMailRecords, type MailRecordPage } from '../../shared/mails/mail-records';

/**
 * What the pages show, read from the object store the pipeline writes (README "Object store
 * layout"): build records, the image state of the last scan and its `scan.json`, `lint.json`,
 * cascade records. Read only; an object that is not the JSON its writer writes is left out
 * (one broken record must not take the page down), a store that fails throws.
 */

/** The last build's status, or `never` for a project without any build. */
export type ProjectStatus = BuildStatus | 'never';

export const PROJECT_STATUSES: readonly ProjectStatus[] = ['failed', 'running', 'queued', 'superseded', 'never', 'succeeded'];

/** One scanner's part of a scan: its status and its findings by severity. */
export interface ScannerSummary {
  id: string;
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  counts: SeverityCount;
}

/** The last scan of an image, from its image state and its `scan.json`. */
export interface ScanSummary {
  at: string;
  verdict: ScanVerdict;
  buildId?: string;
  digest?: string;
  counts: SeverityCount;
  /** Empty when `scan.json` could not be read. */
  scanners: ScannerSummary[];
  reports: { json: string; html: string; sbom: string };
}

/** One finding of `lint.json` (hadolint's JSON format). */
export interface LintFinding {
  line: number;
  column: number;
  code: string;
  level: keyof SeverityCounts;
  message: string;
  file: string;
}

/**
 * The lint of a build. The verdict is not stored apart: a lint that blocks ends its build
 * `failed` with `blocked by lint: …` (shared/index/image-spec.ts `lintBlockReason`), findings
 * counted (`N errors`, `N findings at … or above`) or the lint's own reason (`error`).
 */
export interface LintSummary {
  buildId: string;
  verdict: 'passed' | 'failed' | 'error';
  counts: SeverityCounts;
  findings: LintFinding[];
  reports: { json: string; sarif: string };
}

export interface ProjectSummary {
  entry: ProjectEntry;
  /** `app-id/job-id:tag`. */
  name: string;
  status: ProjectStatus;
  lastBuild: BuildRecord | null;
  scan: ScanSummary | null;
  lint: LintSummary | null;
}

export interface ProjectDetail extends ProjectSummary {
  /** Newest first, at most `limit`. */
  builds: BuildRecord[];
  /** Every build the store holds for the project. */
  buildCount: number;
  /** The report files of each build, by build id (`build.log`, `lint.sarif`, `scan.html`…). */
  reportFiles: ReadonlyMap<string, readonly string[]>;
  /** The mails sent about the project (shared/mails/), newest first, one page. */
  mails: MailRecordPage;
  /** The id the mails page starts below (`?mails-before=`), when it is not the newest. */
  mailsBefore?: string;
}

/** How many mails one project page lists. */
export const MAILS_PER_PAGE = 50;

export interface CascadeSummary {
  id: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  cause: CascadeRecord['cause'];
  origin?: string;
  counts: Record<CascadeItemStatus, number>;
}

/** How many store reads of different projects run at once (a 200-project index in a few round trips). */
export const READ_CONCURRENCY = 16;

/** The newest build of `ref`, or `null`: one listing and one read (build ids sort by time). */
export async function lastBuildOf(store: ObjectStore, ref: ProjectRef): Promise<BuildRecord | null> {
  const { objects } = await store.list(buildRecordsPrefix(ref));
  const keys = objects.map((object) => object.key).filter((key) => parseBuildRecordKey(key) !== null);
  for (let index = keys.length - 1; index >= 0; index--) {
    const record = await readJson<BuildRecord>(store, keys[index]!);
    if (record) return record;
  }
  return null;
}

/** Every project of `entries` with its last build, scan and lint. */
export async function readProjectSummaries(store: ObjectStore, entries: readonly ProjectEntry[]): Promise<ProjectSummary[]> {
  return mapLimit(entries, READ_CONCURRENCY, async (entry) => summaryOf(store, entry, await lastBuildOf(store, entry)));
}

/**
 * The project page's data: up to `limit` builds newest first, their report files, the last lint
 * and scan, and one page of the mails sent about it (the newest, or those before `mailsBefore`).
 */
export async function readProjectDetail(store: ObjectStore, entry: ProjectEntry, limit = 50, mailsBefore?: string): Promise<ProjectDetail> {
  const [{ objects }, reports, mails] = await Promise.all([
    store.list(buildRecordsPrefix(entry)),
    store.list(reportsPrefix(entry)),
    readMailRecords(store, entry, { limit: MAILS_PER_PAGE, ...(mailsBefore !== undefined ? { before: mailsBefore } : {}) }),
  ]);
  const keys = objects.map((object) => object.key).filter((key) => parseBuildRecordKey(key) !== null);
  const newest = keys.slice(-limit).reverse();
  const builds = (await mapLimit(newest, READ_CONCURRENCY, (key) => readJson<BuildRecord>(store, key))).filter(
    (record): record is BuildRecord => record !== null,
  );
  const reportFiles = new Map<string, string[]>();
  const prefix = reportsPrefix(entry);
  for (const { key } of reports.objects) {
    const [buildId, file, ...rest] = key.slice(prefix.length).split('/');
    if (!buildId || !file || rest.length > 0) continue;
    reportFiles.set(buildId, [...(reportFiles.get(buildId) ?? []), file]);
  }
  const summary = await summaryOf(store, entry, builds[0] ?? null, builds.find((build) => build.links.lint) ?? null);
  return { ...summary, builds, buildCount: keys.length, reportFiles, mails, ...(mailsBefore !== undefined ? { mailsBefore } : {}) };
}

/** The build record of `buildId`, or `null`. */
export async function readBuild(store: ObjectStore, ref: ProjectRef, buildId: string): Promise<BuildRecord | null> {
  return readJson<BuildRecord>(store, buildRecordKey(ref, buildId));
}

/** The newest `limit` cascades (by when their record last changed), newest first. */
export async function readCascadeSummaries(store: ObjectStore, limit = 100): Promise<CascadeSummary[]> {
  const { objects } = await store.list('state/cascades/');
  const newest = objects
    .filter((object) => /^state\/cascades\/[^/]+\.json$/.test(object.key))
    .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || b.key.localeCompare(a.key))
    .slice(0, limit);
  const records = await mapLimit(newest, READ_CONCURRENCY, (object) => readJson<CascadeRecord>(store, object.key));
  return records.filter((record): record is CascadeRecord => record !== null && Array.isArray(record.items)).map(cascadeSummaryOf);
}

/** One cascade record, or `null`. */
export async function readCascade(store: ObjectStore, id: string): Promise<CascadeRecord | null> {
  const record = await readJson<CascadeRecord>(store, cascadeKey(id));
  return record && Array.isArray(record.items) ? record : null;
}

export function cascadeSummaryOf(record: CascadeRecord): CascadeSummary {
  const counts: Record<CascadeItemStatus, number> = { origin: 0, waiting: 0, requested: 0, succeeded: 0, failed: 0, skipped: 0 };
  for (const item of record.items) counts[item.status] = (counts[item.status] ?? 0) + 1;
  return {
    id: record.id,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    cause: record.cause,
    ...(record.origin ? { origin: imageName(record.origin) } : {}),
    counts,
  };
}

async function summaryOf(
  store: ObjectStore,
  entry: ProjectEntry,
  lastBuild: BuildRecord | null,
  linted: BuildRecord | null = lastBuild,
): Promise<ProjectSummary> {
  const [scan, lint] = await Promise.all([readScan(store, entry), linted ? readLint(store, linted) : Promise.resolve(null)]);
  return { entry, name: imageName(entry), status: lastBuild?.status ?? 'never', lastBuild, scan, lint };
}

async function readScan(store: ObjectStore, ref: ProjectRef): Promise<ScanSummary | null> {
  const state = await readImageState(store, ref);
  if (!state?.lastScan) return null;
  const report = await readJson<ScanReport>(store, state.lastScan.reports.json);
  const scanners = Object.values(report?.scanners ?? {}).map((scanner) => ({
    id: scanner.id,
    status: scanner.status,
    ...(scanner.reason ? { reason: scanner.reason } : {}),
    counts: scanner.counts,
  }));
  return {
    at: state.lastScan.at,
    verdict: state.lastScan.verdict,
    ...(state.lastScan.buildId ? { buildId: state.lastScan.buildId } : {}),
    ...(state.image.digest ? { digest: state.image.digest } : {}),
    counts: state.lastScan.counts,
    scanners,
    reports: state.lastScan.reports,
  };
}

const LEVELS: readonly (keyof SeverityCounts)[] = ['error', 'warning', 'info', 'style'];

async function readLint(store: ObjectStore, record: BuildRecord): Promise<LintSummary | null> {
  const reports = record.links.lint;
  if (!reports) return null;
  const parsed = await readJson<unknown>(store, reports.json);
  if (!Array.isArray(parsed)) return null;
  const findings = parsed.filter(isLintFinding);
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0, style: 0 };
  for (const finding of findings) counts[finding.level] += 1;
  const blocked = record.status === 'failed' && record.reason?.startsWith('blocked by lint: ');
  const verdict = !blocked ? 'passed' : /^blocked by lint: \d+ (errors?|findings?) /.test(record.reason!) ? 'failed' : 'error';
  return { buildId: record.buildId, verdict, counts, findings, reports };
}

function isLintFinding(value: unknown): value is LintFinding {
  const finding = value as Partial<LintFinding> | null;
  return (
    typeof finding === 'object' &&
    finding !== null &&
    typeof finding.line === 'number' &&
    typeof finding.code === 'string' &&
    typeof finding.message === 'string' &&
    LEVELS.includes(finding.level as keyof SeverityCounts)
  );
}

/** The object at `key` parsed as JSON; `null` when it is absent or is not JSON. */
export async function readJson<T>(store: ObjectStore, key: string): Promise<T | null> {
  const stored = await store.get(key);
  if (!stored) return null;
  try {
    return JSON.parse(stored.body.toString('utf8')) as T;
  } catch {
    return null;
  }
}

/** `work` over `items`, at most `limit` at once, results in the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
