import express, { Router, type Request, type Response } from 'express';
import { packageRoot } from '../../shared/config/package-root';
import { ValidationError } from '../../shared/errors/validation-error';
import type { Publish } from '../../shared/function/types';
import { bearerMatches } from '../../shared/registry/notify-token';
import { InvalidKeyError } from '../../shared/store/errors';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { silentLogger, type Logger } from '../../shared/log/logger';
import type { ObjectStore } from '../../shared/store/types';
import { MAIL_RECORD_ID } from '../../shared/store/keys';
import { DASHBOARD_CSS, FOLLOW_LOG_JS } from './assets';
import { readDeadLetters, readRepoTracker } from './admin-model';
import { renderAdminPage, renderResendPage, RESEND_PATH } from './admin-page';
import { renderCascadePage, renderCascadesPage } from './cascade-pages';
import { layOut, readGraphShape, readStatuses, type GraphPicture } from './graph-model';
import { renderGraphPage } from './graph-page';
import { renderErrorPage } from './layout';
import { FOLLOW_LOG_SCRIPT, renderLogPage } from './log-page';
import { streamBuildLog, type LogStreamOptions } from './log-stream';
import { renderProjectPage } from './project-page';
import { renderProjectsPage, type ProjectFilter } from './projects-page';
import { PROJECT_STATUSES, readBuild, readCascade, readCascadeSummaries, readProjectDetail, readProjectSummaries, type ProjectStatus } from './read-model';
import { resendDeadLetter } from './resend';
import { isCascadeId, projectTargets } from './urls';
import { nextFiring, readWeeklySchedule } from './weekly-schedule';

export interface DashboardOptions {
  store: ObjectStore;
  /** The projects of the configured index (`FunctionContext.listProjects`). */
  listProjects(): Promise<readonly ProjectEntry[]>;
  log?: Logger;
  /** How the live log stream polls (tests make it quick). */
  stream?: LogStreamOptions;
  /** Where "send again" publishes (the broker); without it, or without {@link adminToken}, the admin view only shows. */
  publish?: Publish;
  /** `CCP_DASHBOARD_ADMIN_TOKEN`: the token "send again" needs; unset: its route answers 404. */
  adminToken?: string;
  /** The folder holding `eventing/` (the package root): where the weekly rescan's schedule is read. */
  root?: string;
  /** The clock of "next weekly rescan" and of resent marks (tests fix it). */
  now?: () => Date;
}

/**
 * What a dashboard page may do in a browser: its own style sheet and script, an event stream
 * from itself, a form that submits to itself; nothing inline, nothing from elsewhere, no framing.
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
 */
export const DASHBOARD_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Largest "send again" form body read: a key and a token. */
const FORM_LIMIT = '4kb';

/** Longest text filter kept; a longer one is a mistake or an attack, not a search. */
const MAX_QUERY = 200;

const ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  '/assets/dashboard.css': { type: 'text/css; charset=utf-8', body: DASHBOARD_CSS },
  [FOLLOW_LOG_SCRIPT]: { type: 'text/javascript; charset=utf-8', body: FOLLOW_LOG_JS },
};

/**
 * The read-only dashboard over the object store: `GET /` (the projects, `?status=&q=`),
 * `/projects/<app-id>/<job-id>/<tag>` (a project), `…/builds/<build-id>/log` (a build log) and
 * `…/log/stream` (its Server-Sent Events), `/cascades` and `/cascades/<id>`, and its two assets.
 * Pages are HTML rendered on the server, every value escaped (see html.ts); a name that is no
 * key segment of the store is a 400 page, an unknown project, build or cascade a 404 page, a
 * store that fails a 500 page that says so without any detail (the detail is logged). Other
 * methods than GET and HEAD answer 405; `POST /` is left to whoever serves events beside.
 * @see ../../README.md#dashboard
 */
export function dashboardRoutes(options: DashboardOptions): Router {
  const log = (options.log ?? silentLogger).child({ component: 'dashboard' });
  const router = Router();
  const store = options.store;
  const now = options.now ?? (() => new Date());
  // Read at the first admin page, not at start: the yaml parser stays out of a cold start.
  let schedule: ReturnType<typeof readWeeklySchedule> | undefined;
  const weeklySchedule = () => (schedule === undefined ? (schedule = readWeeklySchedule(options.root ?? packageRoot())) : schedule);
  const resendEnabled = Boolean(options.adminToken && options.publish);
  // Layout depends on names and edges only; the last one is kept until the graph changes.
  let lastLayout: { shape: string; picture: GraphPicture } | null = null;
  const readForm = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 4 });

  router.post(RESEND_PATH, (request, response, next) => {
    setSafetyHeaders(response);
    response.setHeader('Cache-Control', 'no-store');
    if (!resendEnabled) {
      page(response, 404, renderErrorPage(404, 'There is no such page: sending dead letters again is off (CCP_DASHBOARD_ADMIN_TOKEN is not set).'));
      return;
    }
    // A form posted from another site's page is refused before anything is read.
    if (request.get('sec-fetch-site') === 'cross-site') {
      page(response, 403, renderErrorPage(403, 'A form from another site cannot send dead letters again.'));
      return;
    }
    readForm(request, response, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      resend(request, response).catch((failure: unknown) => {
        log.error('sending a dead letter again failed', { error: failure });
        if (!response.headersSent)
          page(response, 502, renderErrorPage(502, 'The event could not be published again. Nothing was sent; try again in a moment.'));
      });
    });
  });

  async function resend(request: Request, response: Response): Promise<void> {
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const fromForm = typeof form.token === 'string' ? `Bearer ${form.token}` : undefined;
    const allowed = bearerMatches(request.get('authorization'), [options.adminToken!]) || bearerMatches(fromForm, [options.adminToken!]);
    if (!allowed) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      page(response, 401, renderErrorPage(401, 'Sending a dead letter again needs the admin token.'));
      return;
    }
    const key = typeof form.key === 'string' ? form.key : '';
    let outcome;
    try {
      outcome = await resendDeadLetter(store, key, options.publish!, now());
    } catch (error) {
      if (!(error instanceof InvalidKeyError)) throw error;
      page(response, 400, renderErrorPage(400, 'That is not the key of a dead letter.'));
      return;
    }
    if (outcome.kind === 'missing') {
      page(response, 404, renderErrorPage(404, 'There is no such dead letter.'));
      return;
    }
    log.info(outcome.kind === 'sent' ? 'dead letter sent again' : 'dead letter already sent again', { key, eventId: outcome.mark?.eventId });
    page(
      response,
      outcome.kind === 'sent' ? 200 : 409,
      renderResendPage({ kind: outcome.kind, eventId: outcome.mark?.eventId ?? '', ...(outcome.mark ? { at: outcome.mark.at } : {}) }),
    );
  }

  router.use((request, response, next) => {
    const path = request.path;
    const ours =
      path === '/' ||
      path === '/graph' ||
      path === '/admin' ||
      path.startsWith('/admin/') ||
      path === '/cascades' ||
      path.startsWith('/cascades/') ||
      path.startsWith('/projects/') ||
      Object.hasOwn(ASSETS, path);
    if (!ours) {
      next();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      // `POST /` carries CloudEvents to the function server or the broker ingress.
      if (path === '/') {
        next();
        return;
      }
      response.setHeader('Allow', 'GET, HEAD');
      page(response, 405, renderErrorPage(405, `${request.method} is not allowed here: the dashboard only shows.`));
      return;
    }
    setSafetyHeaders(response);
    const asset = Object.hasOwn(ASSETS, path) ? ASSETS[path] : undefined;
    if (asset) {
      response.setHeader('Cache-Control', 'public, max-age=300');
      response.status(200).type(asset.type).send(asset.body);
      return;
    }
    answer(request, response).catch((error: unknown) => {
      if (error instanceof ValidationError) {
        page(response, 400, renderErrorPage(400, 'That is not a name the dashboard knows how to read.'));
        return;
      }
      log.error('dashboard page failed', { path, error });
      if (response.headersSent) response.end();
      else page(response, 500, renderErrorPage(500, 'The dashboard could not read the pipeline’s store. Try again in a moment.'));
    });
  });

  async function answer(request: Request, response: Response): Promise<void> {
    const path = request.path;
    if (path === '/') {
      const filter = filterOf(request);
      if (typeof filter === 'string') {
        page(response, 400, renderErrorPage(400, filter));
        return;
      }
      const summaries = await readProjectSummaries(store, await options.listProjects());
      page(response, 200, renderProjectsPage(summaries, filter));
      return;
    }
    if (path === '/graph') {
      const projects = await options.listProjects();
      const [shape, statuses] = await Promise.all([readGraphShape(store, projects), readStatuses(store, projects)]);
      const key = JSON.stringify([shape.projects.map((entry) => imageName(entry)), shape.externals, shape.edges]);
      if (lastLayout?.shape !== key) lastLayout = { shape: key, picture: layOut(shape, statuses) };
      const picture = lastLayout.picture;
      page(
        response,
        200,
        renderGraphPage({ ...picture, nodes: picture.nodes.map((node) => (node.entry ? { ...node, status: statuses.get(node.name) ?? 'never' } : node)) }),
      );
      return;
    }
    if (path === '/admin') {
      const [deadLetters, repos] = await Promise.all([readDeadLetters(store), readRepoTracker(store)]);
      const schedule = weeklySchedule();
      page(response, 200, renderAdminPage({ deadLetters, repos, schedule, nextScan: schedule ? nextFiring(schedule, now()) : null, resendEnabled }));
      return;
    }
    if (path.startsWith('/admin/')) {
      page(response, 404, renderErrorPage(404, 'There is no such page.'));
      return;
    }
    if (path === '/cascades' || path === '/cascades/') {
      page(response, 200, renderCascadesPage(await readCascadeSummaries(store)));
      return;
    }
    if (path.startsWith('/cascades/')) {
      const id = decoded(path.slice('/cascades/'.length));
      if (id === null || !isCascadeId(id)) {
        page(response, 400, renderErrorPage(400, 'That is not a cascade id.'));
        return;
      }
      const record = await readCascade(store, id);
      if (!record) page(response, 404, renderErrorPage(404, 'There is no such cascade.'));
      else page(response, 200, renderCascadePage(record));
      return;
    }
    await answerProject(request, response, path.slice('/projects/'.length));
  }

  async function answerProject(request: Request, response: Response, rest: string): Promise<void> {
    const targets = projectTargets(rest);
    if (targets === null || targets.length === 0) {
      page(response, 400, renderErrorPage(400, 'That is not a project name: /projects/<app-id>/<job-id>/<tag>.'));
      return;
    }
    const known = new Map((await options.listProjects()).map((entry) => [imageName(entry), entry]));
    const target = targets.find((candidate) => known.has(imageName(candidate.ref)));
    const entry = target ? known.get(imageName(target.ref)) : undefined;
    if (!target || !entry) {
      page(response, 404, renderErrorPage(404, `There is no project ${imageName(targets[targets.length - 1]!.ref)} in the index.`));
      return;
    }
    if (target.kind === 'project') {
      const before = request.query['mails-before'];
      if (before !== undefined && (typeof before !== 'string' || !MAIL_RECORD_ID.test(before))) {
        page(response, 400, renderErrorPage(400, 'mails-before must be the id of a mail record, as the "Older mails" link gives it.'));
        return;
      }
      page(response, 200, renderProjectPage(await readProjectDetail(store, entry, 50, before)));
      return;
    }
    const record = await readBuild(store, target.ref, target.buildId);
    if (!record) {
      page(response, 404, renderErrorPage(404, `There is no build ${target.buildId} of ${imageName(target.ref)}.`));
      return;
    }
    if (target.kind === 'log') {
      page(response, 200, renderLogPage(record, (await store.get(record.links.log))?.body ?? null));
      return;
    }
    if (request.method === 'HEAD') {
      response.status(200).type('text/event-stream; charset=utf-8').end();
      return;
    }
    streamBuildLog(request, response, {
      ...options.stream,
      store,
      logKey: record.links.log,
      log,
      readRecord: () => readBuild(store, target.ref, target.buildId),
    });
  }

  return router;
}

/** The projects filter of `?status=&q=`, or why it is refused. */
function filterOf(request: Request): ProjectFilter | string {
  const { status, q } = request.query;
  if (status !== undefined && status !== '' && (typeof status !== 'string' || !PROJECT_STATUSES.includes(status as ProjectStatus))) {
    return `The status filter must be one of ${PROJECT_STATUSES.join(', ')}.`;
  }
  if (q !== undefined && (typeof q !== 'string' || q.length > MAX_QUERY)) return `The text filter must be one text of at most ${MAX_QUERY} characters.`;
  return { ...(status ? { status: status as ProjectStatus } : {}), ...(q && q.trim() ? { q: q.trim() } : {}) };
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function page(response: Response, status: number, body: string): void {
  setSafetyHeaders(response);
  response.setHeader('Cache-Control', 'no-store');
  response.status(status).type('text/html; charset=utf-8').send(body);
}

function setSafetyHeaders(response: Response): void {
  response.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
}
