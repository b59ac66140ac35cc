import type { BuildStatus } from '../builds/types';
import { imageName, type ProjectRef } from '../index/types';
import { SEVERITIES } from '../reports/scan-report';
import { buildRecordKey, imageStateKey, parseBuildRecordKey } from '../store/keys';
import type { ObjectInfo, ObjectStore } from '../store/types';

/** Report files of a build, in the order a person reads them; other files follow by name. */
export const REPORT_FILES = ['lint.json', 'lint.sarif', 'build.log', 'scan.html', 'scan.json', 'sbom.cdx.json'];

/** Projects per page: each costs three store reads, so a page stays cheap on any store. */
export const DEFAULT_PAGE_SIZE = 50;

/** Files listed per build: a folder stuffed with thousands of files must not blow up the page. */
const MAX_FILES = 20;

/** Store reads in flight at once while a page is filled (S3 round trips, fs opens). */
const CONCURRENCY = 8;

const STATUSES: readonly string[] = ['queued', 'running', 'succeeded', 'failed', 'superseded'] satisfies BuildStatus[];
const VERDICTS = ['clean', 'findings', 'high', 'incomplete', 'skipped'];

/** One report file of a build: its store key and its path below `/reports/`, percent-encoded. */
export interface IndexedFile {
  name: string;
  key: string;
  path: string;
}

/** The latest build of one project as the index shows it. Every string came from the store: escape it. */
export interface IndexedProject {
  /** `app-id/job-id:tag`. */
  project: string;
  ref: ProjectRef;
  buildId: string;
  /** When the build record was last written (the store's clock), ISO 8601. */
  updatedAt: string;
  /** The build's status; `unknown` when the record is missing or unreadable. */
  status: BuildStatus | 'unknown';
  reason?: string;
  /** `blocked`: the lint stopped the build; `passed`: the build went past it; `unknown`: no lint report named. */
  lint: 'passed' | 'blocked' | 'unknown';
  /** The image's last scan, from `state/images/…`, when there is one. */
  scan?: { buildId?: string; at: string; verdict: string; counts: Record<string, number>; html?: IndexedFile };
  files: IndexedFile[];
  /** Set when the build folder holds more than {@link MAX_FILES} files. */
  moreFiles?: number;
}

/** One page of the index: `projects` newest first. */
export interface ReportsIndexPage {
  format: 'ccp.reports-index/v1';
  page: number;
  pageSize: number;
  /** Projects with at least one build record. */
  total: number;
  pages: number;
  projects: IndexedProject[];
}

/**
 * The latest build of each project, newest first, one page of them: one listing of
 * `state/builds/` (keys only, no bodies) picks each project's build whose record the store
 * wrote last (the store's clock, not a build id or time a sender chose), then each project on
 * the page costs its record, a listing of its report folder and its image state.
 * @see ../store/readme.md
 */
export async function readReportsIndex(store: ObjectStore, page = 1, pageSize = DEFAULT_PAGE_SIZE): Promise<ReportsIndexPage> {
  const latest = latestBuilds((await store.list('state/builds/')).objects);
  const pages = Math.max(1, Math.ceil(latest.length / pageSize));
  const slice = latest.slice((page - 1) * pageSize, page * pageSize);
  const projects = await mapLimited(slice, CONCURRENCY, (build) => describeBuild(store, build));
  return { format: 'ccp.reports-index/v1', page, pageSize, total: latest.length, pages, projects };
}

interface LatestBuild {
  ref: ProjectRef;
  buildId: string;
  lastModified: Date;
}

/** Each project's most recently written build record, newest first (ties: larger build id, then name). */
function latestBuilds(records: ObjectInfo[]): LatestBuild[] {
  const byProject = new Map<string, LatestBuild>();
  for (const object of records) {
    const parsed = parseBuildRecordKey(object.key);
    if (!parsed || !isLayoutKey(parsed.ref, parsed.buildId)) continue;
    const name = imageName(parsed.ref);
    const known = byProject.get(name);
    if (!known || newer({ ...parsed, lastModified: object.lastModified }, known) > 0) byProject.set(name, { ...parsed, lastModified: object.lastModified });
  }
  return [...byProject.values()].sort((a, b) => newer(b, a) || compare(imageName(a.ref), imageName(b.ref)));
}

/** A file put into `state/builds/` by hand may name no valid build: it is left out, not an error of the page. */
function isLayoutKey(ref: ProjectRef, buildId: string): boolean {
  try {
    buildRecordKey(ref, buildId);
    return true;
  } catch {
    return false;
  }
}

function newer(a: LatestBuild, b: LatestBuild): number {
  return a.lastModified.getTime() - b.lastModified.getTime() || compare(a.buildId, b.buildId);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function describeBuild(store: ObjectStore, build: LatestBuild): Promise<IndexedProject> {
  const folder = `reports/${pathOf(build.ref)}/${build.buildId}/`;
  const [record, listing, state] = await Promise.all([
    readJson(store, buildRecordKey(build.ref, build.buildId)),
    store.list(folder, { delimiter: '/' }),
    readJson(store, imageStateKey(build.ref)),
  ]);
  const status = typeof record?.status === 'string' && STATUSES.includes(record.status) ? (record.status as BuildStatus) : 'unknown';
  const reason = typeof record?.reason === 'string' ? record.reason : undefined;
  const names = listing.objects.map((object) => object.key.slice(folder.length)).sort((a, b) => rank(a) - rank(b) || compare(a, b));
  const scan = scanOf(state);
  return {
    project: imageName(build.ref),
    ref: build.ref,
    buildId: build.buildId,
    updatedAt: build.lastModified.toISOString(),
    status,
    ...(reason !== undefined ? { reason } : {}),
    lint: lintOf(record, status, reason),
    ...(scan ? { scan } : {}),
    files: names.slice(0, MAX_FILES).map((name) => fileOf(`${folder}${name}`)),
    ...(names.length > MAX_FILES ? { moreFiles: names.length - MAX_FILES } : {}),
  };
}

/** The build function records `blocked by lint: …` when the lint stops a build; any other record got past the lint. */
function lintOf(record: Record<string, unknown> | null, status: IndexedProject['status'], reason: string | undefined): IndexedProject['lint'] {
  if (status === 'failed' && reason?.startsWith('blocked by lint:')) return 'blocked';
  const links = record?.links as { lint?: unknown } | undefined;
  return links?.lint && status !== 'unknown' ? 'passed' : 'unknown';
}

function scanOf(state: Record<string, unknown> | null): IndexedProject['scan'] | undefined {
  const last = state?.lastScan as Record<string, unknown> | undefined;
  if (!last || typeof last.at !== 'string' || typeof last.verdict !== 'string') return undefined;
  const counts = (last.counts ?? {}) as Record<string, unknown>;
  const html = (last.reports as { html?: unknown } | undefined)?.html;
  return {
    ...(typeof last.buildId === 'string' ? { buildId: last.buildId } : {}),
    at: last.at,
    verdict: VERDICTS.includes(last.verdict) ? last.verdict : 'unknown',
    counts: Object.fromEntries(SEVERITIES.map((severity) => [severity, Number.isSafeInteger(counts[severity]) ? (counts[severity] as number) : 0])),
    // Only a key of this store's reports becomes a link: the state is data, not a URL to follow.
    ...(typeof html === 'string' && html.startsWith('reports/') && !html.includes('..') ? { html: fileOf(html) } : {}),
  };
}

function fileOf(key: string): IndexedFile {
  return { name: key.slice(key.lastIndexOf('/') + 1), key, path: `/${key.split('/').map(encodeURIComponent).join('/')}` };
}

function rank(name: string): number {
  const at = REPORT_FILES.indexOf(name);
  return at < 0 ? REPORT_FILES.length : at;
}

function pathOf(ref: ProjectRef): string {
  return `${ref.appId}/${ref.jobId}/${ref.desiredTag}`;
}

/** A JSON object from the store; `null` when absent, unreadable (a planted link) or not an object. */
async function readJson(store: ObjectStore, key: string): Promise<Record<string, unknown> | null> {
  try {
    const stored = await store.get(key);
    const value: unknown = stored ? JSON.parse(stored.body.toString('utf8')) : null;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
