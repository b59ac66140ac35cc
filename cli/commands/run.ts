import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CloudEvent } from 'cloudevents';
import { loadConfig } from '../../shared/config/config';
import { ValidationError, formatIssue } from '../../shared/errors/validation-error';
import { EventTypes, functionSource, makeEvent, newBuildId, type BuildCause, type LintCompletedData } from '../../shared/events';
import { DependencyGraph } from '../../shared/graph';
import { loadIndex } from '../../shared/index';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { runMailSettings } from '../../shared/mail/run-settings';
import type { ObjectStore } from '../../shared/store/types';
import { startEmbeddedRuntime } from '../runtime';
import { logFile, runLog, serveUntilStopped } from '../serve-runtime';
import type { Command } from '../types';

const USAGE = `Usage: ccp run --index DIR|GIT-URL [--branch B] [--once] [--json] [--port N] [--mail-to-dir DIR]

Runs every project of the index through the pipeline in this process (today: lint), showing
progress, then prints a summary per project with the paths of its reports.
  --index   a folder of index YAML files, a folder holding index.d/, or a git URL
  --branch  the branch of a git index (default: the remote's default branch)
  --once    exit after the index is processed (else keep serving events and reports)
  --json    print the summary as JSON on stdout (progress stays on stderr)
  --port    where to serve events and reports when not --once (default 8080; 0 picks one)
  --mail-to-dir  write the mails notify would send as .eml files into DIR (CCP_MAIL_TO_DIR)`;

/** What `ccp run` reports for one project. */
export interface ProjectSummary {
  project: string;
  buildId: string;
  cause: BuildCause['kind'];
  lint: {
    verdict: LintCompletedData['verdict'] | 'not-run';
    counts?: LintCompletedData['counts'];
    reason?: string;
    reports?: { json: string; sarif: string };
  };
}

export interface RunSummary {
  index: { location: string; projects: number; errors: number; warnings: number };
  projects: ProjectSummary[];
  deadLetters: { trigger: string; eventId: string; eventType: string; error: string; location: string | null }[];
  store: string;
  /** The JSON log of the run. */
  log: string;
}

export const runCommand: Command = {
  name: ['run'],
  summary: 'process a whole index through the pipeline (lint today), with progress and a summary',
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
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValidationError('bad option', [{ field: '--port', message: 'must be a port number' }]);

    const location = /^[a-z+]+:\/\/|^git@/i.test(values.index) ? values.index : path.resolve(io.cwd, values.index);
    const loaded = loadConfig(globals, io.env);
    const mail = runMailSettings(loaded.mail, { mailToDir: values['mail-to-dir'], cwd: io.cwd, servePort: values.once ? null : port });
    const config = { ...loaded, index: { location, branch: values.branch }, ...(mail ? { mail } : {}) };
    const log = await runLog(config.dataDir, io.env);
    const progress = (line: string): void => io.stderr(`${line}\n`);

    progress(`ccp: loading the index from ${location}`);
    const index = await loadIndex(location, { branch: values.branch, workDir: config.workDir });
    progress(`ccp: ${index.projects.length} projects in ${index.files.length} files, ${index.errors.length} errors, ${index.warnings.length} warnings`);
    for (const issue of index.errors.slice(0, 20)) progress(`  error ${formatIssue(issue)}`);
    if (index.errors.length > 20) progress(`  … ${index.errors.length - 20} more errors (ccp index validate lists them all)`);

    const runtime = await startEmbeddedRuntime(config, log, index.projects);
    const { broker, context } = runtime;
    const requests = await requestAll(orderedByDepth(index.projects), context.store);
    const results = new Map<string, LintCompletedData>();
    const deadLetters: RunSummary['deadLetters'] = [];
    let done = 0;

    broker.on('delivered', ({ emitted }) => {
      for (const event of emitted) {
        if (event.type !== EventTypes.lintCompleted) continue;
        const data = event.data as LintCompletedData;
        results.set(data.buildId, data);
        done++;
        progress(`[${done}/${requests.length}] lint ${imageName(data.project)}: ${describeLint(data)}`);
      }
    });
    broker.on('dead-letter', ({ trigger, event, record, key }) => {
      deadLetters.push({
        trigger,
        eventId: event.id,
        eventType: event.type,
        error: record.error.message,
        location: key ? context.store.locationOf(key) : null,
      });
      progress(`ccp: ${trigger} gave up on ${event.type} ${event.subject ?? event.id}: ${record.error.message}`);
    });

    for (const request of requests) await broker.publish(request.event);
    await broker.idle();

    const summary: RunSummary = {
      index: { location, projects: index.projects.length, errors: index.errors.length, warnings: index.warnings.length },
      projects: requests.map((request) => summarise(request, results.get(request.buildId), context.store)),
      deadLetters,
      store: context.store.locationOf('reports'),
      log: logFile(config.dataDir),
    };
    if (values.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else io.stdout(renderSummary(summary));
    if (mail?.toDir) progress(`ccp: mails are written as .eml files to ${mail.toDir}`);

    const failed = summary.projects.some((project) => project.lint.verdict !== 'passed') || deadLetters.length > 0;
    if (values.once) return failed ? 1 : 0;
    await serveUntilStopped(runtime, port, log, io);
    return 0;
  },
};

interface Request {
  entry: ProjectEntry;
  buildId: string;
  cause: BuildCause;
  event: CloudEvent<unknown>;
}

/** Parents before children, so that later stages (builds) find their parents done. */
function orderedByDepth(projects: readonly ProjectEntry[]): ProjectEntry[] {
  const graph = new DependencyGraph(projects);
  return [...projects].sort((a, b) => (graph.depth(imageName(a)) ?? 0) - (graph.depth(imageName(b)) ?? 0));
}

async function requestAll(projects: readonly ProjectEntry[], store: ObjectStore): Promise<Request[]> {
  return Promise.all(
    projects.map(async (entry) => {
      const buildId = newBuildId();
      const seen = (await store.list(`reports/${entry.appId}/${entry.jobId}/${entry.desiredTag}/`, { delimiter: '/' })).prefixes.length > 0;
      const cause: BuildCause = seen
        ? { kind: 'manual', message: 'Requested with ccp run' }
        : { kind: 'first-build', message: 'First build of the container image' };
      const event = makeEvent(EventTypes.buildRequested, { project: entry, entry, buildId, cause }, { source: functionSource('cli') });
      return { entry, buildId, cause, event };
    }),
  );
}

function summarise(request: Request, lint: LintCompletedData | undefined, store: ObjectStore): ProjectSummary {
  const base = { project: imageName(request.entry), buildId: request.buildId, cause: request.cause.kind };
  if (!lint) return { ...base, lint: { verdict: 'not-run' } };
  return {
    ...base,
    lint: {
      verdict: lint.verdict,
      counts: lint.counts,
      ...(lint.reason ? { reason: lint.reason } : {}),
      reports: { json: store.locationOf(lint.reports.json), sarif: store.locationOf(lint.reports.sarif) },
    },
  };
}

function describeLint(data: LintCompletedData): string {
  if (data.verdict === 'error') return `error: ${data.reason ?? 'unknown'}`;
  const { error, warning, info, style } = data.counts;
  return `${data.verdict} (${error} errors, ${warning} warnings, ${info} info, ${style} style)`;
}

function renderSummary(summary: RunSummary): string {
  const lines = ['', `Summary: ${summary.projects.length} projects`];
  for (const project of summary.projects) {
    const counts = project.lint.counts;
    const detail = project.lint.reason ?? (counts ? `${counts.error} errors, ${counts.warning} warnings` : '');
    lines.push(`  ${project.project.padEnd(40)} lint ${project.lint.verdict.padEnd(7)} ${detail}`);
    if (project.lint.reports) lines.push(`    ${project.lint.reports.json}`, `    ${project.lint.reports.sarif}`);
  }
  for (const letter of summary.deadLetters) lines.push(`  dead letter: ${letter.trigger} ${letter.eventType} ${letter.eventId}: ${letter.error}`);
  lines.push(`Reports are in ${summary.store}`, `The run's log is ${summary.log}`, '');
  return lines.join('\n');
}
