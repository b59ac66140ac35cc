import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../shared/config/config';
import { ValidationError, formatIssue } from '../../shared/errors/validation-error';
import type { IndexRequestData } from '../../functions/dispatch';
import { shortHash } from '../../shared/cascade/keys';
import type { CascadeItem } from '../../shared/cascade/types';
import { EventTypes } from '../../shared/events/types';
import { functionSource, makeEvent } from '../../shared/events/make';
import { type BuildCause } from '../../shared/events/contracts/parts';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type BuildRequestedData } from '../../shared/events/contracts/build-requested';
import { type LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { type NoticeItem, type NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import { type ScanCompletedData, type ScannerSummary } from '../../shared/events/contracts/scan-completed';
import { loadIndex } from '../../shared/index/load';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { runMailSettings } from '../../functions/notify/mail/run-settings';
import type { ObjectStore } from '../../shared/store/types';
import { startServedRuntime, type EmbeddedRuntime } from '../runtime';
import { logFile, runLog, serveUntilStopped } from '../serve-runtime';
import type { Command } from '../types';
import { cascadeItems, markRunEnded, markRunPending, pendingRun } from './run-resume';

const USAGE = `Usage: ccp run --index DIR|GIT-URL [--branch B] [--once] [--json] [--port N] [--mail-to-dir DIR]

Runs every project of the index through the pipeline in this process (lint, then build and
push, parents before children, then scan), showing progress, then prints a summary per
project with its build status, image digest, scan counts and the paths of its reports.
  --index   a folder of index YAML files, a folder holding index.d/, or a git URL
  --branch  the branch of a git index (default: the remote's default branch)
  --once    exit after the index is processed (else keep serving events and reports)
  --json    print the summary as JSON on stdout (progress stays on stderr)
  --port    where to serve events and reports (default 8080; 0 picks one; --once picks one)
  --mail-to-dir  write the mails notify would send as .eml files into DIR (CCP_MAIL_TO_DIR)`;

/** What `ccp run` reports for one project. */
export interface ProjectSummary {
  project: string;
  buildId: string | null;
  cause: BuildCause['kind'] | null;
  lint: {
    verdict: LintCompletedData['verdict'] | 'not-run';
    counts?: LintCompletedData['counts'];
    reason?: string;
    reports?: { json: string; sarif: string };
  };
  build: {
    status: BuildCompletedData['status'] | 'skipped' | 'not-run';
    reason?: string;
    image?: string;
    digest?: string;
    /** Where the build log is (a file of the embedded store, or an s3:// URL). */
    log?: string;
    durationMs?: number;
  };
  /** The scan of the pushed image (scanners that ran, were skipped or failed, and their findings). */
  scan: {
    status: 'completed' | 'not-run';
    counts?: { scanners: number; ok: number; failed: number; skipped: number; findings: number };
    scanners?: Record<string, ScannerSummary>;
    reports?: { json: string; html: string; sbom: string };
  };
}

export interface RunSummary {
  index: { location: string; projects: number; errors: number; warnings: number };
  projects: ProjectSummary[];
  deadLetters: { trigger: string; eventId: string; eventType: string; error: string; location: string | null }[];
  store: string;
  /** The registry images were pushed to. */
  registry: string;
  /** The JSON log of the run. */
  log: string;
}

export const runCommand: Command = {
  name: ['run'],
  summary: 'process a whole index through the pipeline (lint, build, push, scan), with progress and a summary',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        index: { type: 'string' },
        branch: { type: 'string' },
        once: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        port: { type: 'string', default: '8080' },
        'mail-to-dir': { type: 'string' },
      },
      strict: true,
    });
    if (!values.index) throw new ValidationError('missing option', [{ field: '--index', message: 'name an index folder or git URL' }]);
    const port = parsePort(values.port);
    const location = indexLocation(values.index, io.cwd);
    const loaded = loadConfig(globals, io.env);
    const mail = runMailSettings(loaded.mail, { mailToDir: values['mail-to-dir'], cwd: io.cwd, servePort: values.once ? null : port });
    const config = { ...embeddedScheduling(loaded), index: { location, branch: values.branch }, ...(mail ? { mail } : {}) };
    const log = await runLog(config.dataDir, io.env);
    const progress = (line: string): void => io.stderr(`${line}\n`);

    progress(`ccp: loading the index from ${location}`);
    const index = await loadIndex(location, { branch: values.branch, workDir: config.workDir });
    progress(`ccp: ${index.projects.length} projects in ${index.files.length} files, ${index.errors.length} errors, ${index.warnings.length} warnings`);
    for (const issue of index.errors.slice(0, 20)) progress(`  error ${formatIssue(issue)}`);
    if (index.errors.length > 20) progress(`  … ${index.errors.length - 20} more errors (ccp index validate lists them all)`);

    const served = await startServedRuntime(config, log, { port: values.once ? 0 : port, projects: index.projects });
    let summary: RunSummary;
    try {
      const { projects, deadLetters } = await runProjects(served.runtime, index.projects, index.projects, progress);
      summary = {
        index: { location, projects: index.projects.length, errors: index.errors.length, warnings: index.warnings.length },
        projects,
        deadLetters,
        store: served.runtime.context.store.locationOf('reports'),
        registry: served.runtime.context.config.registry,
        log: logFile(config.dataDir),
      };
    } catch (error) {
      await served.close();
      throw error;
    }
    if (values.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else io.stdout(renderSummary(summary));
    if (mail?.toDir) progress(`ccp: mails are written as .eml files to ${mail.toDir}`);

    const failed = summary.projects.some((project) => project.build.status !== 'succeeded') || summary.deadLetters.length > 0;
    if (values.once) {
      await served.close();
      return failed ? 1 : 0;
    }
    await serveUntilStopped(served, io);
    return 0;
  },
};

/**
 * In one process the build queue is the only place builds run, so the dispatcher requests no
 * more builds at once than it runs (`build.concurrency`): then every free slot goes to the ready
 * build with the longest remaining chain (functions/dispatch/planning/cascade-order.ts) instead of to the
 * next in the queue's line, and a child starts as soon as its parents succeed. (One more, linted
 * ahead, was measured worse: lints end in any order, and the queue's line then started two
 * independent builds before the head of the chain.)
 * @see ../../functions/dispatch/planning/cascade-advance.ts
 */
export function embeddedScheduling<C extends Pick<Config, 'build' | 'dispatch'>>(config: C): C {
  return { ...config, dispatch: { ...config.dispatch, maxInFlight: Math.max(1, Math.min(config.dispatch.maxInFlight, config.build.concurrency)) } };
}

export function parsePort(value: string | undefined): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValidationError('bad option', [{ field: '--port', message: 'must be a port number' }]);
  return port;
}

export function indexLocation(value: string, cwd: string): string {
  return /^[a-z+]+:\/\/|^git@/i.test(value) ? value : path.resolve(cwd, value);
}

/**
 * Lints and builds `selected` through the dispatcher, as one cascade: one `index.changed`
 * naming every selected project (cause `first-build` for an image never built, else `manual`),
 * then the dispatcher requests them parents first, each once, skipping the subtree of a
 * failure, and ends with one combined notice. Waits until the broker is idle and summarises
 * from the events it saw. `descendants: false` builds only `selected` (`ccp build`); `all` is
 * the index they belong to, so that their order is known even when the runtime's is not.
 */
export async function runProjects(
  runtime: EmbeddedRuntime,
  all: readonly ProjectEntry[],
  selected: readonly ProjectEntry[],
  progress: (line: string) => void,
  options: { descendants?: boolean } = {},
): Promise<{ projects: ProjectSummary[]; deadLetters: RunSummary['deadLetters'] }> {
  const { broker, context, builds } = runtime;
  const requests = new Map<string, Request>();
  const lints = new Map<string, LintCompletedData>();
  const built = new Map<string, BuildCompletedData>();
  const scans = new Map<string, ScanCompletedData>();
  const skipped = new Map<string, NoticeItem>();
  // Refused by a parent's signature (CCP_PARENT_SIGNATURES=enforce): failed without a build.
  const refused = new Map<string, NoticeItem>();
  const deadLetters: RunSummary['deadLetters'] = [];
  const total = selected.length;
  let linted = 0;
  let finished = 0;
  let scanned = 0;

  const causes = await causesOf(selected, context.store);
  const selectedNames = new Set(selected.map(imageName));
  const data: IndexRequestData = {
    added: [...selected],
    changed: [],
    removed: [],
    causes,
    cause: { kind: 'manual', message: 'Requested with ccp run' },
    ...(options.descendants === false ? { descendants: false } : {}),
    // The rest of the index rides along unchanged so the dispatcher knows every parent.
  };
  // A run of the same projects that was killed before its cascade ended is resumed: same request id, same cascade.
  const runNames = [...selectedNames, ...(options.descendants === false ? ['#no-descendants'] : [])];
  const resumed = await pendingRun(context.store, runNames);
  const request = makeEvent(EventTypes.indexChanged, data, { source: functionSource('cli'), ...(resumed ? { id: resumed.id } : {}) });
  const cascade = `index-${shortHash(request.source, request.id)}`;
  const ours = (cause: BuildCause | undefined): boolean => cause?.cascade === cascade;

  // Delivery is at least once (as Knative's): a function may answer a redelivery again, with the same event id.
  const seen = new Set<string>();
  const stopDelivered = broker.on('delivered', ({ emitted }) => {
    for (const event of emitted) {
      const identity = `${event.source}\n${event.id}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      if (event.type === EventTypes.buildRequested) {
        const wanted = event.data as BuildRequestedData;
        if (ours(wanted.cause) && wanted.buildId)
          requests.set(imageName(wanted.project), { entry: wanted.entry!, buildId: wanted.buildId, cause: wanted.cause });
      } else if (event.type === EventTypes.lintCompleted) {
        const lint = event.data as LintCompletedData;
        if (!ours(lint.cause)) continue;
        lints.set(lint.buildId, lint);
        linted++;
        progress(`[${linted}/${total}] lint ${imageName(lint.project)}: ${describeLint(lint)}`);
      } else if (event.type === EventTypes.buildCompleted) {
        const end = event.data as BuildCompletedData;
        if (!ours(end.cause)) continue;
        built.set(end.buildId, end);
        finished++;
        progress(`[${finished}/${total}] build ${imageName(end.project)}: ${describeBuild(end)}`);
      } else if (event.type === EventTypes.scanCompleted) {
        const scan = event.data as ScanCompletedData;
        // A scan belongs to this run when it scanned one of the run's builds.
        if (!scan.buildId || !built.has(scan.buildId)) continue;
        scans.set(scan.buildId, scan);
        scanned++;
        progress(`[${scanned}/${total}] scan ${imageName(scan.project)}: ${describeScan(scanCounts(scan))}`);
      } else if (event.type === EventTypes.noticeRequested) {
        const notice = event.data as NoticeRequestedData;
        if (notice.cascade !== cascade) continue;
        for (const item of notice.items) {
          if (item.outcome === 'failed' && !item.buildId) {
            refused.set(imageName(item.project), item);
            progress(`[refused] ${imageName(item.project)}: ${item.reason ?? 'a parent signature does not verify'}`);
            continue;
          }
          if (item.outcome !== 'skipped') continue;
          skipped.set(imageName(item.project), item);
          progress(`[skip] ${imageName(item.project)}: skipped: ${item.reason ?? 'a parent failed'}`);
        }
      }
    }
  });
  const stopSteps = builds.onProgress((step) => {
    if (step.kind === 'step' || step.kind === 'started' || step.kind === 'superseded')
      progress(`      ${step.project} ${step.kind === 'step' ? step.message : `${step.kind}: ${step.message}`}`);
  });
  const stopDead = broker.on('dead-letter', ({ trigger, event, record, key }) => {
    deadLetters.push({ trigger, eventId: event.id, eventType: event.type, error: record.error.message, location: key ? context.store.locationOf(key) : null });
    progress(`ccp: ${trigger} gave up on ${event.type} ${event.subject ?? event.id}: ${record.error.message}`);
  });

  try {
    const known = new Set((await context.listProjects?.())?.map(imageName) ?? []);
    const missing = all.filter((entry) => !selectedNames.has(imageName(entry)) && !known.has(imageName(entry)));
    if (missing.length > 0) progress(`ccp: ${missing.length} projects of the index are not known to the runtime; their order is not checked`);
    if (resumed) progress(`ccp: resuming the run stopped since ${resumed.startedAt}: its cascade goes on, nothing it built is built again`);
    else await markRunPending(context.store, { id: request.id, projects: runNames, startedAt: new Date().toISOString() });
    await broker.publish(request);
    await broker.idle();
    await markRunEnded(context.store, runNames);
  } finally {
    stopDelivered();
    stopSteps();
    stopDead();
  }
  const before = resumed ? await cascadeItems(context.store, cascade) : new Map<string, CascadeItem>();
  const projects = selected.map((entry): ProjectSummary => {
    const name = imageName(entry);
    const made = requests.get(name);
    if (made) return summarise(made, lints.get(made.buildId), built.get(made.buildId), scans.get(made.buildId), context.store);
    const ended = before.get(name);
    if (ended && (ended.status === 'succeeded' || ended.status === 'failed')) return endedBeforeRestart(ended, context.store);
    const refusal = refused.get(name);
    if (refusal)
      return {
        project: name,
        buildId: null,
        cause: null,
        lint: { verdict: 'not-run' },
        build: { status: 'failed', reason: refusal.reason ?? 'refused: a parent signature does not verify' },
        scan: { status: 'not-run' },
      };
    const skip = skipped.get(name);
    if (skip)
      return {
        project: name,
        buildId: null,
        cause: null,
        lint: { verdict: 'not-run' },
        build: { status: 'skipped', reason: `skipped: parent ${skip.blockedBy ?? 'unknown'} failed` },
        scan: { status: 'not-run' },
      };
    return {
      project: name,
      buildId: null,
      cause: null,
      lint: { verdict: 'not-run' },
      build: { status: 'not-run', reason: 'not requested by the dispatcher (a dependency cycle? see the run log)' },
      scan: { status: 'not-run' },
    };
  });
  return { projects, deadLetters };
}

/** A build of a resumed run that ended before the restart, from its cascade's record. */
function endedBeforeRestart(item: CascadeItem, store: ObjectStore): ProjectSummary {
  return {
    project: item.name,
    buildId: item.buildId,
    cause: item.cause.kind,
    lint: { verdict: 'not-run', reason: 'linted before the run was restarted' },
    build: {
      status: item.status === 'succeeded' ? 'succeeded' : 'failed',
      ...(item.reason ? { reason: item.reason } : {}),
      ...(item.image ? { image: item.image.ref } : {}),
      ...(item.image?.digest ? { digest: item.image.digest } : {}),
      ...(item.reports?.log ? { log: store.locationOf(item.reports.log) } : {}),
    },
    scan: { status: 'not-run' },
  };
}

interface Request {
  entry: ProjectEntry;
  buildId: string;
  cause: BuildCause;
}

/** `first-build` for an image without any report yet, else `manual`, by project name. */
async function causesOf(projects: readonly ProjectEntry[], store: ObjectStore): Promise<Record<string, BuildCause>> {
  const causes: Record<string, BuildCause> = {};
  await Promise.all(
    projects.map(async (entry) => {
      const seen = (await store.list(`reports/${entry.appId}/${entry.jobId}/${entry.desiredTag}/`, { delimiter: '/' })).prefixes.length > 0;
      causes[imageName(entry)] = seen
        ? { kind: 'manual', message: 'Requested with ccp run' }
        : { kind: 'first-build', message: 'First build of the container image' };
    }),
  );
  return causes;
}

function summarise(
  request: Request,
  lint: LintCompletedData | undefined,
  build: BuildCompletedData | undefined,
  scan: ScanCompletedData | undefined,
  store: ObjectStore,
): ProjectSummary {
  const base = { project: imageName(request.entry), buildId: request.buildId, cause: request.cause.kind };
  const lintPart: ProjectSummary['lint'] = lint
    ? {
        verdict: lint.verdict,
        counts: lint.counts,
        ...(lint.reason ? { reason: lint.reason } : {}),
        reports: { json: store.locationOf(lint.reports.json), sarif: store.locationOf(lint.reports.sarif) },
      }
    : { verdict: 'not-run' };
  const buildPart: ProjectSummary['build'] = build
    ? {
        status: build.status,
        ...(build.reason ? { reason: build.reason } : {}),
        ...(build.image ? { image: build.image.ref } : {}),
        ...(build.image?.digest ? { digest: build.image.digest } : {}),
        log: store.locationOf(build.reports.log),
        durationMs: build.timings.durationMs,
      }
    : { status: 'not-run', reason: lint ? 'no build.completed (see the dead letters and the run log)' : 'not linted (see the dead letters and the run log)' };
  const scanPart: ProjectSummary['scan'] = scan
    ? {
        status: 'completed',
        counts: scanCounts(scan),
        scanners: scan.scanners,
        reports: { json: store.locationOf(scan.reports.json), html: store.locationOf(scan.reports.html), sbom: store.locationOf(scan.reports.sbom) },
      }
    : { status: 'not-run' };
  return { ...base, lint: lintPart, build: buildPart, scan: scanPart };
}

/** How many scanners ran, failed or were skipped, and their findings together. */
function scanCounts(scan: ScanCompletedData): NonNullable<ProjectSummary['scan']['counts']> {
  const all = Object.values(scan.scanners);
  const count = (status: ScannerSummary['status']): number => all.filter((scanner) => scanner.status === status).length;
  return {
    scanners: all.length,
    ok: count('ok'),
    failed: count('failed'),
    skipped: count('skipped'),
    findings: all.reduce((sum, scanner) => sum + scanner.findings, 0),
  };
}

function describeScan(counts: NonNullable<ProjectSummary['scan']['counts']>): string {
  return `${counts.findings} findings from ${counts.scanners} scanners (${counts.ok} ok, ${counts.failed} failed, ${counts.skipped} skipped)`;
}

function describeLint(data: LintCompletedData): string {
  if (data.verdict === 'error') return `error: ${data.reason ?? 'unknown'}`;
  const { error, warning, info, style } = data.counts;
  return `${data.verdict} (${error} errors, ${warning} warnings, ${info} info, ${style} style)`;
}

function describeBuild(data: BuildCompletedData): string {
  if (data.status === 'failed') return `failed: ${data.reason ?? 'unknown'}`;
  return `succeeded in ${(data.timings.durationMs / 1000).toFixed(1)} s: ${data.image?.ref}@${data.image?.digest}`;
}

export function renderSummary(summary: Pick<RunSummary, 'projects' | 'deadLetters' | 'store' | 'log' | 'registry'>): string {
  const lines = ['', `Summary: ${summary.projects.length} projects`];
  for (const project of summary.projects) {
    const counts = project.lint.counts;
    const detail = project.lint.reason ?? (counts ? `${counts.error} errors, ${counts.warning} warnings` : '');
    lines.push(`  ${project.project.padEnd(40)} lint ${project.lint.verdict.padEnd(7)} ${detail}`);
    const build = project.build;
    const image = build.digest ? `${build.image}@${build.digest}` : (build.reason ?? '');
    lines.push(`  ${''.padEnd(40)} build ${build.status.padEnd(9)} ${image}`);
    if (project.lint.reports) lines.push(`    ${project.lint.reports.json}`, `    ${project.lint.reports.sarif}`);
    if (build.log) lines.push(`    ${build.log}`);
    if (project.scan.counts) lines.push(`  ${''.padEnd(40)} scan  ${describeScan(project.scan.counts)}`);
    if (project.scan.reports) lines.push(`    ${project.scan.reports.html}`, `    ${project.scan.reports.json}`, `    ${project.scan.reports.sbom}`);
  }
  for (const letter of summary.deadLetters) lines.push(`  dead letter: ${letter.trigger} ${letter.eventType} ${letter.eventId}: ${letter.error}`);
  lines.push(`Images are in ${summary.registry}`, `Reports are in ${summary.store}`, `The run's log is ${summary.log}`, '');
  return lines.join('\n');
}
