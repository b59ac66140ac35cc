import type { CloudEvent } from 'cloudevents';
import type { Router } from 'express';
import type { Config } from '../config/config';
import type { Logger } from '../log/logger';
import type { ObjectStore } from '../store/types';
import type { ProjectEntry, ProjectRef } from '../index/types';
import type { RepoCache } from '../git/repo-cache';

/** What a handler may use; built once per process, shared by every event. */
export interface FunctionContext {
  config: Config;
  store: ObjectStore;
  /** Bound to the function's name; handlers add build id, project and event id. */
  log: Logger;
  /** Shallow git fetches, cached per repository URL. */
  repos: RepoCache;
  /** Looks an entry up in the configured index; `null` when it is not there or none is configured. */
  findEntry(ref: ProjectRef): Promise<ProjectEntry | null>;
  /**
   * Every entry of the configured index (the same list while it is cached); `[]` when none is
   * configured. Optional so that hand-made contexts need not provide it; the dispatcher loads
   * `config.index` itself without it.
   */
  listProjects?(): Promise<readonly ProjectEntry[]>;
  /**
   * Aborted when the delivery of the event being handled runs out of time (the Trigger's
   * delivery `timeout`, the function server's limit) or fails: long work (fetching an image,
   * running a scanner) stops instead of running on for a delivery already given up. Set by the
   * function server and the in-process broker on the context they pass each handler call.
   */
  signal?: AbortSignal;
}

/**
 * The context a handler of a function with per-process services `S` gets: the shared
 * {@link FunctionContext} with those services beside it (`context.builds`, `context.mail`…),
 * made once per process by {@link FunctionDefinition.services}. A function without services
 * gets the plain context (`S` is `object`).
 */
export type ServiceContext<S extends object = object> = FunctionContext & S;

/**
 * A capability: takes one CloudEvent, does its work, returns the events to emit next (none is
 * fine). Throwing a ValidationError rejects the event for good (HTTP 400, no retry); any other
 * error is a failure the broker retries.
 */
export type Handler<S extends object = object> = (event: CloudEvent<unknown>, context: ServiceContext<S>) => Promise<CloudEvent<unknown>[]>;

/** Hands an event to the Broker: `K_SINK` in the cluster, the in-process broker embedded. */
export type Publish = (event: CloudEvent<unknown>) => Promise<void>;

/** What is known of a function without loading its module: its name, the events it takes, whether it is the dead-letter sink and serves plain HTTP routes. */
export interface FunctionManifest {
  name: string;
  accepts: readonly string[];
  sink?: boolean;
  /** True when the definition serves plain HTTP routes (gateway webhooks, registry notifications). */
  routes?: boolean;
}

/**
 * A function: its name, the events it takes, its handler and what it keeps for the life of its
 * process. `S` is the type of its services; a list of functions of different services is a
 * `FunctionDefinition[]` (`handle` and `disposeServices` are methods, so a definition with
 * services is one of those too), and whoever builds a definition's context builds its services
 * with it (`withServices`, shared/function/services.ts).
 */
export interface FunctionDefinition<S extends object = object> {
  /** DNS-1123 name; the Knative Service is `ccp-<name>` and the FUNCTION variable selects it. */
  name: string;
  /** Event types the function handles; its Trigger in `eventing/` filters on these. */
  accepts: readonly string[];
  /**
   * True for a sink that Knative delivers to directly, not through a Trigger (the Broker's
   * `deadLetterSink`): it has no Trigger and `accepts` is empty, and the function server hands
   * it every well-formed CloudEvent whatever its type or data, because what fails delivery is
   * often exactly what broke the contract.
   */
  sink?: boolean;
  handle(event: CloudEvent<unknown>, context: ServiceContext<S>): Promise<CloudEvent<unknown>[]>;
  /**
   * The function's per-process services (a build queue, caches, settings worked out once), made
   * from the base context when the function's context is built: once per process, by the
   * function server at its start and by the in-process broker before the function's first
   * delivery. Their names must not be those of {@link FunctionContext}'s members.
   */
  services?(base: FunctionContext): S;
  /** Releases what {@link services} holds (running builds…) when the process drains or stops. */
  disposeServices?(services: S): Promise<void>;
  /**
   * Plain HTTP endpoints served beside `POST /` for senders that post no CloudEvents (the
   * gateway's `/webhooks/…`); what they publish goes through `publish`, the server's `K_SINK`.
   */
  routes?: (context: FunctionContext, publish: Publish) => Router;
}
