import type { CloudEvent } from 'cloudevents';
import type { BuildOutcome, BuildSpec, BuildStart, Builder, RegistryAccess } from '../../shared/builds/builder-types';
import { BuildQueue } from '../../shared/builds/queue';
import { BuildRecords } from '../../shared/builds/records';
import { LogStreamer, type StreamerClock } from '../../shared/builds/log-streamer';
import { FINAL_STATUSES, type BuildRecord } from '../../shared/builds/types';
import { EventTypes } from '../../shared/events/types';
import { functionSource, makeEvent } from '../../shared/events/make';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { imageName } from '../../shared/index/types';
import type { Logger } from '../../shared/log/logger';
import { limitText } from '../../shared/redact/limit';
import { redact } from '../../shared/redact/redact';
import { reportKey } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';
import { buildLabels, imageRefFor, lintBlockReason, parentImagesOf } from '../../shared/index/image-spec';
import { completesFromEvents, projectOfCompletion } from './job-completion';
import { crashPoint } from '../../shared/runtime/crash-point';
import { attestBuild, type AttestationOptions } from './attest/attest-build';

export const FUNCTION_NAME = 'build';
export const BUILD_SOURCE = functionSource(FUNCTION_NAME);

/** What people following builds see: one per state change and per step of the log. */
export interface BuildProgress {
  buildId: string;
  /** `app-id/job-id:tag`. */
  project: string;
  kind: 'queued' | 'started' | 'step' | 'submitted' | 'finished' | 'superseded';
  message: string;
}

export interface BuildServiceOptions {
  store: ObjectStore;
  log: Logger;
  builder: Builder;
  /** The registry images are pushed to; `null` when none is configured (every build then fails, saying so). */
  registry: RegistryAccess | null;
  /** Builds of different images at once. */
  concurrency: number;
  /** Values never written to a build log. */
  secrets: readonly string[];
  timeouts?: BuildSpec['timeouts'];
  now?: () => Date;
  /** The log streamer's clock; tests pass a manual one. */
  clock?: StreamerClock;
  /** Least time between two writes of a running build's log; 1000 ms by default. */
  logIntervalMs?: number;
  /**
   * Called after each build: removes the work folders of builds that no longer run (a killed
   * process's). `keep` says which folder names belong to builds running here.
   */
  sweep?: (keep: (folder: string) => boolean) => Promise<unknown>;
  /** Sign and attest every pushed image (cosign's format); absent: pushed unsigned. */
  attestation?: AttestationOptions;
  /**
   * Signs a pushed image (after the push, here and never in the build step, which runs the
   * project's code) and answers the line the log gets; a throw fails the build with its message.
   * Absent: nothing is signed.
   */
  sign?: (imageRef: string, digest: string) => Promise<string>;
}

/** Builds running in this process (every service of it), by id: their work folders are not leftovers. */
const activeBuilds = new Set<string>();

const DEFAULT_TIMEOUTS: BuildSpec['timeouts'] = { prebuildMs: 10 * 60_000, buildMs: 30 * 60_000 };

/**
 * The build function's work, one instance per process: it turns a `lint.completed` into a build
 * on the configured backend through the {@link BuildQueue}, streams the log into the object
 * store, keeps the build record, and answers with `build.completed` (id `<build-id>/build`, so
 * a re-emitted completion is a duplicate). A build already finished is answered from its record
 * without building again; a build superseded while queued answers nothing.
 * @see ../../README.md#events
 */
export class BuildService {
  private readonly records: BuildRecords;
  private readonly queue: BuildQueue<CloudEvent<unknown>[]>;
  private readonly listeners = new Set<(progress: BuildProgress) => void>();
  private readonly pendingRecords = new Map<string, BuildRecord>();
  /** Per image: the supersede steps still running, so that they run in order (see inOrder). */
  private readonly supersedeSteps = new Map<string, Promise<void>>();

  constructor(private readonly options: BuildServiceOptions) {
    this.records = new BuildRecords(options.store, this.now);
    this.queue = new BuildQueue({
      concurrency: options.concurrency,
      onSuperseded: (buildId, by, key) => this.inOrder(key, () => this.markSuperseded(buildId, by)),
    });
  }

  /** The id of the backend builds run on (`local`, `kubernetes`). */
  get backend(): string {
    return this.options.builder.id;
  }

  /** Calls `listener` on every progress; returns the function that stops it. */
  onProgress(listener: (progress: BuildProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when no build waits or runs. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Aborts running builds (shutdown). */
  abort(): void {
    this.queue.abort();
  }

  /** Handles one `lint.completed`: builds unless the lint blocks, and returns the events to emit. */
  async handleLint(lint: LintCompletedData): Promise<CloudEvent<unknown>[]> {
    const name = imageName(lint.project);
    if (this.queue.has(lint.buildId)) return this.outcomeOf(await this.queue.submit(name, lint.buildId, () => Promise.resolve([])));
    const existing = await this.records.get(lint.project, lint.buildId);
    if (existing && FINAL_STATUSES.includes(existing.status)) {
      this.options.log.info('build already done; answering from its record', { buildId: lint.buildId, status: existing.status });
      return existing.status === 'superseded' ? [] : [completedEvent(existing)];
    }
    const record = this.newRecord(lint);
    if (lint.blocking) return [await this.finishBlocked(record, lintBlockReason(lint))];
    if (!lint.commit) return [await this.finishBlocked(record, 'no commit to build: the lint could not fetch the repository')];

    const queued = await this.records.put(record);
    this.pendingRecords.set(lint.buildId, queued);
    this.emit(queued, 'queued', `queued (${this.queue.running} running, ${this.queue.queued} waiting)`);
    const result = await this.queue.submit(name, lint.buildId, (signal) => this.runTracked(lint, queued, signal));
    return this.outcomeOf(result);
  }

  /**
   * Handles a status event of a build Job (cluster backend): once the Job has ended, copies the
   * pod's log into `build.log`, finishes the record and answers `build.completed`. A Job that
   * still runs, an event of another Job, or a backend that never submits answer nothing; a
   * build already finished (Jobs change more than once) is answered from its record.
   */
  async handleJobEvent(event: CloudEvent<unknown>): Promise<CloudEvent<unknown>[]> {
    const { builder } = this.options;
    if (!completesFromEvents(builder)) {
      this.options.log.warn('a Job event reached a backend that does not submit Jobs; ignored', { backend: builder.id, subject: event.subject });
      return [];
    }
    const done = await builder.completeFromEvent(event);
    if (!done) return [];
    const project = projectOfCompletion(done, this.options.registry?.address);
    const record = project ? await this.records.get(project, done.buildId) : null;
    if (!record) {
      this.options.log.warn('a Job of an unknown build ended; ignored', { buildId: done.buildId, subject: event.subject });
      return [];
    }
    if (FINAL_STATUSES.includes(record.status)) return record.status === 'superseded' ? [] : [completedEvent(record)];
    const log = new LogStreamer({ store: this.options.store, key: record.links.log, secrets: this.options.secrets, intervalMs: this.options.logIntervalMs });
    log.write(done.log.endsWith('\n') || done.log === '' ? done.log : `${done.log}\n`);
    return [await this.finish(record, done.outcome, log)];
  }

  private outcomeOf(result: Awaited<ReturnType<BuildQueue<CloudEvent<unknown>[]>['submit']>>): CloudEvent<unknown>[] {
    return result.kind === 'ran' ? result.value : [];
  }

  private async runTracked(lint: LintCompletedData, queued: BuildRecord, signal: AbortSignal): Promise<CloudEvent<unknown>[]> {
    activeBuilds.add(lint.buildId);
    try {
      return await this.run(lint, queued, signal);
    } finally {
      activeBuilds.delete(lint.buildId);
      const running = [...activeBuilds].map((id) => `build-${id.replace(/[^A-Za-z0-9_-]/g, '_')}-`);
      await this.options
        .sweep?.((folder) => running.some((prefix) => folder.startsWith(prefix)))
        ?.catch((error: unknown) => this.options.log.warn('leftover build folders not removed', { error }));
    }
  }

  private async run(lint: LintCompletedData, queued: BuildRecord, signal: AbortSignal): Promise<CloudEvent<unknown>[]> {
    this.pendingRecords.delete(lint.buildId);
    const startedAt = this.now();
    const running = await this.records.update(queued, { status: 'running', timings: { ...queued.timings, startedAt: startedAt.toISOString() } });
    const log = new LogStreamer({
      store: this.options.store,
      key: running.links.log,
      secrets: this.options.secrets,
      clock: this.options.clock,
      intervalMs: this.options.logIntervalMs,
      onLine: (line) => {
        if (!line.startsWith('==> ')) return;
        crashPoint('build:step');
        this.emit(running, 'step', line.slice(4));
      },
      onError: (error) => this.options.log.warn('build log not stored; trying again', { buildId: lint.buildId, error }),
    });
    this.emit(running, 'started', `building ${running.image!.ref} at ${lint.commit!.slice(0, 12)}`);
    log.write(
      `ccp build ${lint.buildId} of ${running.name}\n` +
        `  source  ${lint.entry.gitUrl} at ${lint.commit} (index ${lint.entry.source.file}:${lint.entry.source.line})\n` +
        `  image   ${running.image!.ref}\n` +
        `  cause   ${lint.cause.message}\n`,
    );

    let start: BuildStart;
    if (!this.options.registry) {
      start = {
        kind: 'finished',
        outcome: { status: 'failed', reason: 'no registry configured (--registry or CCP_REGISTRY)', imageRef: running.image!.ref, steps: {} },
      };
    } else {
      try {
        start = await this.options.builder.start(this.spec(lint, running, this.options.registry, startedAt), log, signal);
      } catch (error) {
        // The backend could not work at all: still a finished, failed build, so cascades and people hear of it.
        this.options.log.error('build backend failed', { buildId: lint.buildId, error });
        start = {
          kind: 'finished',
          outcome: {
            status: 'failed',
            reason: `build backend ${this.options.builder.id} failed: ${(error as Error).message}`,
            imageRef: running.image!.ref,
            steps: {},
          },
        };
      }
    }

    if (start.kind === 'submitted') {
      log.write(`==> submitted as Job ${start.namespace}/${start.jobName}; the pod's log replaces this one when it ends\n`);
      await log.close();
      await this.records.update(running, { job: { namespace: start.namespace, name: start.jobName } });
      this.emit(running, 'submitted', `submitted as Job ${start.namespace}/${start.jobName}`);
      return [];
    }
    return [await this.finish(running, start.outcome, log)];
  }

  /** Writes the end of the log, the final record and the `build.completed` of a build that ran. */
  async finish(running: BuildRecord, pushed: BuildOutcome, log: LogStreamer): Promise<CloudEvent<unknown>> {
    const outcome = await this.signed(pushed, log);
    const finishedAt = this.now();
    const started = new Date(running.timings.startedAt ?? finishedAt.toISOString());
    // A reason quotes output of the build (an attacker's): redacted, and cut to a size a mail and an event can carry.
    const reason = outcome.reason === undefined ? undefined : limitText(redact(outcome.reason, this.options.secrets));
    log.write(
      outcome.status === 'succeeded'
        ? `\nccp: build succeeded: ${outcome.imageRef}@${outcome.digest}\n`
        : `\nccp: build failed: ${reason ?? 'no reason given'}\n`,
    );
    const { attestation, registry } = this.options;
    if (attestation && registry) log.write(await attestBuild(running, outcome, finishedAt, { attestation, registry, store: this.options.store }));
    await log.close();
    const record = await this.records.update(running, {
      status: outcome.status,
      ...(reason ? { reason } : {}),
      image: { ref: outcome.imageRef, ...(outcome.digest ? { digest: outcome.digest } : {}) },
      // The parents at the digests pulled: the scan checks their signatures (CCP_PARENT_SIGNATURES).
      ...(outcome.baseImageDigests?.length ? { baseImageDigests: outcome.baseImageDigests } : {}),
      timings: { ...running.timings, finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - started.getTime(), steps: outcome.steps },
    });
    this.emit(record, 'finished', outcome.status === 'succeeded' ? `succeeded: ${outcome.imageRef}@${outcome.digest}` : `failed: ${reason ?? ''}`);
    return completedEvent(record);
  }

  /** The outcome once its image is signed: failed, saying why, when the signature could not be made. */
  private async signed(outcome: BuildOutcome, log: LogStreamer): Promise<BuildOutcome> {
    const { sign } = this.options;
    if (!sign || outcome.status !== 'succeeded' || !outcome.digest) return outcome;
    try {
      log.write(`==> ${await sign(outcome.imageRef, outcome.digest)}\n`);
      return outcome;
    } catch (error) {
      this.options.log.error('pushed image not signed', { imageRef: outcome.imageRef, digest: outcome.digest, error });
      return { ...outcome, status: 'failed', reason: `pushed ${outcome.imageRef}@${outcome.digest} but could not sign it: ${(error as Error).message}` };
    }
  }

  private async finishBlocked(record: BuildRecord, blocked: string): Promise<CloudEvent<unknown>> {
    const now = this.now().toISOString();
    const reason = limitText(redact(blocked, this.options.secrets));
    await this.options.store.put(record.links.log, `ccp build ${record.buildId} of ${record.name}\nnot built: ${reason}\n`, {
      contentType: 'text/plain; charset=utf-8',
    });
    const failed = await this.records.put({
      ...record,
      status: 'failed',
      reason,
      timings: { ...record.timings, startedAt: now, finishedAt: now, durationMs: 0 },
    });
    this.emit(failed, 'finished', `not built: ${reason}`);
    return completedEvent(failed);
  }

  /**
   * Runs the supersede steps of one image one after the other: a third build arriving while the
   * second replaces the first must see the second's record with the first's cascades already on
   * it, else that cascade is named by no build.completed and waits for ever.
   */
  private inOrder(key: string, step: () => Promise<void>): Promise<void> {
    const next = (this.supersedeSteps.get(key) ?? Promise.resolve()).then(step, step);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.supersedeSteps.set(key, settled);
    void settled.then(() => {
      if (this.supersedeSteps.get(key) === settled) this.supersedeSteps.delete(key);
    });
    return next;
  }

  private async markSuperseded(buildId: string, by: string): Promise<void> {
    const record = this.pendingRecords.get(buildId);
    this.pendingRecords.delete(buildId);
    if (!record) return;
    const reason = `superseded by build ${by}, requested while this one was still queued`;
    const superseded = await this.records.update(record, {
      status: 'superseded',
      supersededBy: by,
      reason,
      timings: { ...record.timings, finishedAt: this.now().toISOString() },
    });
    const newer = this.pendingRecords.get(by);
    if (newer) {
      const supersedes = [...(newer.supersedes ?? []), buildId];
      // The replaced build's cascade (and those of the builds it had replaced) now waits for the newer one.
      const replaces = [...(newer.replaces ?? []), ...(record.replaces ?? []), ...(record.cause.cascade ? [{ buildId, cascade: record.cause.cascade }] : [])];
      this.pendingRecords.set(by, await this.records.update(newer, { supersedes, ...(replaces.length > 0 ? { replaces } : {}) }));
    }
    this.emit(superseded, 'superseded', reason);
  }

  private spec(lint: LintCompletedData, record: BuildRecord, registry: RegistryAccess, created: Date): BuildSpec {
    return {
      buildId: lint.buildId,
      entry: lint.entry,
      commit: lint.commit!,
      imageRef: record.image!.ref,
      // An image label is public to whoever pulls the image: the cause message is redacted before it is cut to a label's length.
      labels: buildLabels({
        entry: lint.entry,
        commit: lint.commit!,
        buildId: lint.buildId,
        cause: { ...lint.cause, message: redact(lint.cause.message, this.options.secrets) },
        causeChain: lint.causeChain,
        created,
      }),
      registry,
      parentImages: parentImagesOf(lint.entry, registry.address),
      timeouts: this.options.timeouts ?? DEFAULT_TIMEOUTS,
    };
  }

  private newRecord(lint: LintCompletedData): BuildRecord {
    const now = this.now().toISOString();
    return {
      buildId: lint.buildId,
      project: { appId: lint.project.appId, jobId: lint.project.jobId, desiredTag: lint.project.desiredTag },
      name: imageName(lint.project),
      status: 'queued',
      cause: lint.cause,
      causeChain: lint.causeChain,
      ...(lint.commit ? { commit: lint.commit } : {}),
      entry: lint.entry,
      image: { ref: this.options.registry ? imageRefFor(this.options.registry.address, lint.project) : imageName(lint.project) },
      backend: this.options.builder.id,
      timings: { queuedAt: now },
      links: { log: reportKey(lint.project, lint.buildId, 'build.log'), lint: lint.reports },
      ...(lint.baseImages ? { baseImages: lint.baseImages } : {}),
      updatedAt: now,
    };
  }

  private emit(record: BuildRecord, kind: BuildProgress['kind'], message: string): void {
    for (const listener of this.listeners) {
      try {
        listener({ buildId: record.buildId, project: record.name, kind, message });
      } catch (error) {
        this.options.log.warn('build progress listener failed', { error });
      }
    }
  }

  private readonly now = (): Date => this.options.now?.() ?? new Date();
}

/** The `build.completed` of a finished record; its id `<build-id>/build` makes a re-emission a duplicate. */
export function completedEvent(record: BuildRecord): CloudEvent<unknown> {
  const finishedAt = record.timings.finishedAt ?? record.updatedAt;
  const startedAt = record.timings.startedAt ?? finishedAt;
  const data: BuildCompletedData = {
    buildId: record.buildId,
    project: record.project,
    entry: record.entry,
    ...(record.commit ? { commit: record.commit } : {}),
    status: record.status === 'succeeded' ? 'succeeded' : 'failed',
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.image ? { image: record.image } : {}),
    reports: { log: record.links.log, ...(record.links.lint ? { lint: record.links.lint.json } : {}) },
    timings: { startedAt, finishedAt, durationMs: record.timings.durationMs ?? Date.parse(finishedAt) - Date.parse(startedAt) },
    cause: record.cause,
    causeChain: record.causeChain,
    ...(record.baseImages ? { baseImages: record.baseImages } : {}),
    ...(record.replaces ? { replaces: record.replaces } : {}),
  };
  return makeEvent(EventTypes.buildCompleted, data, { source: BUILD_SOURCE, id: `${record.buildId}/build`, time: finishedAt });
}
