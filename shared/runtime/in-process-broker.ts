import type { CloudEvent } from 'cloudevents';
import { withServices, type ContextWithServices } from '../function/services';
import type { FunctionContext, FunctionDefinition, ServiceContext } from '../function/types';
import { ValidationError } from '../errors/validation-error';
import { validateEvent } from '../events/validate';
import { silentLogger, type Logger } from '../log/logger';
import { eventLogFields } from '../metrics/log-fields';
import type { ObjectStore } from '../store/types';
import type { BrokerEventMap, BrokerEventName, BrokerListener } from './broker-events';
import { deadLetterRecord, storeDeadLetter, type DeadLetterRecord } from './dead-letter';
import { chaosCopies, type ChaosSettings } from './chaos';
import { crashPoint } from './crash-point';
import { backoffDelayMs, runDelivery } from './delivery';
import { EventJournal } from './journal';
import { Semaphore } from './semaphore';
import type { TriggerRoute } from './types';

export interface InProcessBrokerOptions {
  /** The Triggers, from {@link loadTriggers}; only those of `brokerName` are used. */
  routes: readonly TriggerRoute[];
  functions: readonly FunctionDefinition[];
  /**
   * The base context handed to every function, or a factory called once per function (may be
   * async); the broker adds each function's services (see {@link InProcessBroker.contextOf}).
   */
  context: FunctionContext | ((definition: FunctionDefinition) => FunctionContext | Promise<FunctionContext>);
  /** Holds dead letters and the journal of deliveries in flight. */
  store: ObjectStore;
  logger?: Logger;
  /** The Broker whose Triggers this runs; `ccp` by default. */
  brokerName?: string;
  /** Handler calls running at once per Trigger; 4 by default. */
  concurrency?: number;
  /** Multiplies every backoff delay: tests use 0 or a small fraction. 1 by default. */
  delayScale?: number;
  /** Waits between attempts; a test can record the delays instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /**
   * Journal every delivery in the store before {@link InProcessBroker.publish} resolves, and
   * forget it when it ended, so that {@link InProcessBroker.replay} finds what a killed process
   * left; true by default.
   */
  journal?: boolean;
  /** The test mode of `CCP_CHAOS`: redeliveries, delays (so no order), parallel deliveries. */
  chaos?: ChaosSettings | null;
  /** The chaos mode's dice; `Math.random` by default. */
  random?: () => number;
  /**
   * Time limit of a handler call whose Trigger sets no `delivery.timeout`; none by default (as
   * Knative's broker: a local build may take its 40 min; the scan bounds its own requests and
   * scanners). The function server's is `DEFAULT_DELIVERY_TIMEOUT_MS` (delivery.ts).
   */
  deliveryTimeoutMs?: number;
}

interface Subscription {
  route: TriggerRoute;
  definition: FunctionDefinition;
  slots: Semaphore;
}

/**
 * The embedded default's broker: routes each published event by the filters of the Trigger
 * manifests in `eventing/` to the functions they subscribe, and delivers it with their delivery
 * spec (retries with linear or exponential backoff, dead letters in the object store). As a
 * Knative broker it delivers at least once and leaves deduplication to the functions (they key
 * on `source` + `id` and build ids). Every delivery is journalled in the store until it ends and
 * replayed by the next broker on the store after a crash. Events a function returns are
 * published (and journalled) before the delivery that made them is forgotten. See `readme.md`.
 * @see https://knative.dev/docs/eventing/brokers/
 */
export class InProcessBroker {
  private readonly subscriptions: Subscription[];
  private readonly contexts = new Map<string, Promise<ContextWithServices<object>>>();
  private readonly journal: EventJournal | null;
  private readonly logger: Logger;
  private readonly listeners = new Map<BrokerEventName, Set<(payload: never) => void>>();
  private readonly idleWaiters: Array<() => void> = [];
  private outstanding = 0;

  constructor(private readonly options: InProcessBrokerOptions) {
    this.logger = (options.logger ?? silentLogger).child({ fn: 'broker' });
    this.journal = options.journal === false ? null : new EventJournal(options.store);
    const brokerName = options.brokerName ?? 'ccp';
    const byName = new Map(options.functions.map((definition) => [definition.name, definition]));
    this.subscriptions = [];
    for (const route of options.routes.filter((candidate) => candidate.broker === brokerName)) {
      const definition = byName.get(route.subscriber.functionName);
      if (!definition) {
        // As in Knative, a Trigger whose subscriber does not resolve delivers nothing.
        this.logger.warn('trigger subscribes a function that is not registered; it gets no events', {
          trigger: route.name,
          functionName: route.subscriber.functionName,
          file: route.file,
        });
        continue;
      }
      this.subscriptions.push({ route, definition, slots: new Semaphore(options.chaos?.parallel ?? options.concurrency ?? 4) });
    }
  }

  /** Deliveries accepted and not yet settled (queued, running, or waiting for a retry): the queue depth. */
  get inFlight(): number {
    return this.outstanding;
  }

  /** The Triggers in use, each with a registered function. */
  get routes(): TriggerRoute[] {
    return this.subscriptions.map((subscription) => subscription.route);
  }

  /** The Triggers whose filters accept `event`. */
  matchingRoutes(event: CloudEvent<unknown>): TriggerRoute[] {
    return this.subscriptions.filter(({ route }) => route.matches(event)).map(({ route }) => route);
  }

  /**
   * Validates `event` (an invalid one is rejected with the {@link ValidationError}), journals it
   * for every matching Trigger and queues it. Resolves once accepted and journalled, as a broker
   * ingress answers 202; rejects when the journal cannot be written (nothing is then delivered).
   * Wait for the deliveries with {@link idle}.
   * @see https://knative.dev/docs/eventing/brokers/
   */
  async publish(event: CloudEvent<unknown>): Promise<void> {
    validateEvent(event);
    const targets = this.subscriptions.filter(({ route }) => route.matches(event));
    this.logger.debug('event accepted', {
      eventId: event.id,
      eventType: event.type,
      subject: event.subject,
      triggers: targets.map(({ route }) => route.name),
    });
    // Counted from the start: a publish still writing its journal entries is work idle() waits for
    // (a dead letter's listener publishes while the delivery that ends is about to settle).
    this.outstanding += 1;
    try {
      if (this.journal) {
        const journal = this.journal;
        await Promise.all(targets.map(({ route }) => journal.accept(route.name, event, 0, this.now())));
      }
      this.notify('event', { event, triggers: targets.map(({ route }) => route.name) });
      for (const subscription of targets) this.schedule(subscription, event, 0);
    } finally {
      this.settleOne();
    }
  }

  /**
   * Delivers again what the journal holds: the deliveries a process that stopped (killed, or
   * crashed) had accepted and not ended. A restart cut an attempt short, so it counts as one; a
   * delivery whose attempts are all spent that way is dead-lettered. Call once, at start.
   * @see https://knative.dev/docs/eventing/event-delivery/
   */
  async replay(): Promise<number> {
    if (!this.journal) return 0;
    const { deliveries, unreadable } = await this.journal.pending();
    for (const key of unreadable) this.logger.warn('journal entry unreadable; dropped', { key });
    const byName = new Map(this.subscriptions.map((subscription) => [subscription.route.name, subscription]));
    let replayed = 0;
    for (const pending of deliveries) {
      const subscription = byName.get(pending.trigger);
      const fields = { trigger: pending.trigger, eventId: pending.event.id, eventType: pending.event.type, attempts: pending.attempts + 1 };
      try {
        validateEvent(pending.event);
      } catch (error) {
        this.logger.warn('journalled event is invalid; dropped', { ...fields, error });
        await this.journal.settle(pending.trigger, pending.event);
        continue;
      }
      if (!subscription) {
        this.logger.warn('journalled delivery for a Trigger that no longer exists; dropped', fields);
        await this.journal.settle(pending.trigger, pending.event);
        continue;
      }
      const spent = pending.attempts + 1;
      await this.journal.spend(pending.trigger, pending.event, spent);
      this.logger.info('delivery replayed from the journal', fields);
      this.schedule(subscription, pending.event, spent);
      replayed += 1;
    }
    return replayed;
  }

  /** Starts the delivery of `event` to one Trigger (twice, delayed, under the chaos mode). */
  private schedule(subscription: Subscription, event: CloudEvent<unknown>, spent: number): void {
    const delays = this.options.chaos ? chaosCopies(this.options.chaos, this.options.random) : [0];
    for (const delayMs of delays) {
      this.outstanding += 1;
      void (delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, delayMs)) : Promise.resolve())
        .then(() => this.deliver(subscription, event, spent))
        .catch((error: unknown) => this.logger.error('delivery crashed', { trigger: subscription.route.name, eventId: event.id, error }))
        .finally(() => this.settleOne());
    }
  }

  /** Resolves when nothing is queued, in flight or waiting to be retried (`ccp run --once`). */
  idle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Calls `listener` on each `name`; returns the function that stops it. */
  on<K extends BrokerEventName>(name: K, listener: BrokerListener<K>): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.listeners.set(name, set);
    return () => set.delete(listener as (payload: never) => void);
  }

  /**
   * Delivers with retries; `spent` attempts were used already (by a process that stopped). The
   * journal entry goes only once the delivery ended, and after the replies were journalled.
   */
  private async deliver(subscription: Subscription, event: CloudEvent<unknown>, spent: number): Promise<void> {
    const { route, definition } = subscription;
    // eventLogFields adds project and buildId, so EFK can follow one build through every delivery.
    const fields = { trigger: route.name, ...eventLogFields(event), subject: event.subject };
    const { delivery } = route;
    const started = Date.now();
    if (spent > delivery.retry) {
      const error = new Error(`the delivery was cut short by ${spent === 1 ? 'a restart' : 'restarts or failures'} ${spent} times`);
      this.logger.warn('delivery', { ...fields, attempt: spent, outcome: 'dead-letter', durationMs: 0, error });
      await this.deadLetter(subscription, 'delivery', event, error, spent);
      await this.forget(route.name, event);
      return;
    }
    for (let attempt = spent + 1; ; attempt += 1) {
      const attemptStarted = Date.now();
      try {
        const emitted = await subscription.slots.run(() => {
          crashPoint(`deliver:${definition.name}`);
          return this.callHandler(definition, event, delivery.timeoutMs);
        });
        const durationMs = Date.now() - attemptStarted;
        this.logger.info('delivery', { ...fields, attempt, outcome: 'delivered', durationMs, emitted: emitted.length });
        for (const reply of emitted) await this.publishReply(subscription, reply);
        crashPoint(`delivered:${definition.name}`);
        this.notify('delivered', { trigger: route.name, event, attempts: attempt, durationMs: Date.now() - started, emitted });
        await this.forget(route.name, event);
        return;
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        const durationMs = Date.now() - attemptStarted;
        // A ValidationError is the function refusing the event (HTTP 400 in the cluster): never retried.
        if (error instanceof ValidationError || attempt > delivery.retry) {
          this.logger.warn('delivery', { ...fields, attempt, outcome: 'dead-letter', durationMs, error });
          await this.deadLetter(subscription, 'delivery', event, error, attempt);
          await this.forget(route.name, event);
          return;
        }
        const delayMs = backoffDelayMs(delivery, attempt - 1);
        this.logger.info('delivery', { ...fields, attempt, outcome: 'retry', durationMs, delayMs, error });
        this.notify('retry', { trigger: route.name, event, attempt, delayMs, error });
        // A restart during the wait resumes with the attempts left, not all of them again.
        await this.journal
          ?.spend(route.name, event, attempt)
          .catch((failure: unknown) => this.logger.warn('journal entry not updated', { ...fields, error: failure }));
        await this.sleep(delayMs * (this.options.delayScale ?? 1));
      }
    }
  }

  /** The delivery ended: its journal entry goes (a failure only means a harmless redelivery later). */
  private async forget(trigger: string, event: CloudEvent<unknown>): Promise<void> {
    await this.journal?.settle(trigger, event).catch((error: unknown) => this.logger.warn('journal entry not removed', { trigger, eventId: event.id, error }));
  }

  /**
   * The context `definition`'s handler gets here, its services included: built on the first
   * delivery to the function (or this call) and kept for the broker's life. The embedded runtime
   * asks for the build function's to follow its build queue. Throws for a function not
   * registered with this broker.
   */
  async contextOf<S extends object>(definition: FunctionDefinition<S>): Promise<ServiceContext<S>> {
    const registered = this.options.functions.find((candidate) => candidate.name === definition.name);
    if (!registered) throw new TypeError(`function ${definition.name} is not registered with this broker`);
    // The registered definition (possibly a lazy wrapper) makes the services `definition` declares.
    return (await this.contextFor(registered)).context as ServiceContext<S>;
  }

  /** Releases the services of every function whose context was built (shutdown), in parallel. */
  async disposeServices(): Promise<void> {
    const built = await Promise.allSettled([...this.contexts.values()]);
    const disposals = await Promise.allSettled(built.flatMap((result) => (result.status === 'fulfilled' ? [result.value.dispose()] : [])));
    for (const failure of disposals) {
      if (failure.status === 'rejected') this.logger.warn('services not released', { error: failure.reason });
    }
  }

  private async callHandler(definition: FunctionDefinition, event: CloudEvent<unknown>, timeoutMs: number | undefined): Promise<CloudEvent<unknown>[]> {
    const { context } = await this.contextFor(definition);
    // The handler's context carries the attempt's signal: past the Trigger's timeout (or on an
    // error it left uncaught) the attempt fails and its work is told to stop.
    const result = await runDelivery((signal) => definition.handle(event, { ...context, signal }), {
      ...((timeoutMs ?? this.options.deliveryTimeoutMs) !== undefined ? { timeoutMs: timeoutMs ?? this.options.deliveryTimeoutMs } : {}),
      fields: { fn: definition.name, eventId: event.id, eventType: event.type },
    });
    if (!Array.isArray(result)) throw new TypeError(`function ${definition.name} returned ${typeof result}, not a list of events`);
    return result;
  }

  /** A reply that fails validation is dead-lettered; the delivery that produced it still counts. */
  private async publishReply(subscription: Subscription, reply: CloudEvent<unknown>): Promise<void> {
    try {
      await this.publish(reply);
    } catch (error) {
      this.logger.warn('reply refused', { trigger: subscription.route.name, eventId: reply?.id, eventType: reply?.type, error });
      await this.deadLetter(subscription, 'reply', reply, error, 1);
    }
  }

  private async deadLetter(
    subscription: Subscription,
    stage: DeadLetterRecord['stage'],
    event: CloudEvent<unknown>,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const record = deadLetterRecord({
      trigger: subscription.route.name,
      functionName: subscription.definition.name,
      stage,
      event,
      error,
      attempts,
      time: this.now(),
      deadLetterSink: subscription.route.delivery.deadLetterSink,
    });
    let key: string | null = null;
    try {
      key = await storeDeadLetter(this.options.store, record);
    } catch (failure) {
      this.logger.error('dead letter could not be stored', { trigger: record.trigger, eventId: event.id, error: failure });
    }
    this.notify('dead-letter', { trigger: subscription.route.name, event, record, key });
  }

  /** The function's context with its services, built once (a failed build is tried again on the next delivery). */
  private contextFor(definition: FunctionDefinition): Promise<ContextWithServices<object>> {
    const { context } = this.options;
    let built = this.contexts.get(definition.name);
    if (!built) {
      built = Promise.resolve()
        .then(() => (typeof context === 'function' ? context(definition) : context))
        .then((base: FunctionContext) => withServices(definition, base));
      // A factory that failed is tried again on the next delivery rather than cached broken.
      built.catch(() => this.contexts.delete(definition.name));
      this.contexts.set(definition.name, built);
    }
    return built;
  }

  private notify<K extends BrokerEventName>(name: K, payload: BrokerEventMap[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as BrokerListener<K>)(payload);
      } catch (error) {
        this.logger.error('broker listener failed', { listenerOf: name, error });
      }
    }
  }

  private settleOne(): void {
    this.outstanding -= 1;
    if (this.outstanding > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private sleep(ms: number): Promise<void> {
    if (this.options.sleep) return this.options.sleep(ms);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
