import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../log/logger';

/** The delivery a piece of work belongs to: what the guard logs with it and how it fails it. */
export interface DeliveryScope {
  /** Log fields naming the delivery (function, trigger, event id). */
  fields: Record<string, unknown>;
  /** Ends the delivery with `error` (its handler call rejects; its signal is aborted). */
  fail(error: Error): void;
}

const scopes = new AsyncLocalStorage<DeliveryScope>();

/**
 * Runs `work` in `scope`: every callback, timer and promise it starts, however deep, belongs to
 * that delivery, so an error nobody catches there fails that delivery (see
 * {@link installProcessGuard}) and not the process.
 * @see https://nodejs.org/docs/latest-v20.x/api/async_context.html#class-asynclocalstorage
 */
export function runInDeliveryScope<T>(scope: DeliveryScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

/** The delivery the calling code runs for, if any. */
export function currentDeliveryScope(): DeliveryScope | undefined {
  return scopes.getStore();
}

export interface ProcessGuard {
  /** Errors caught so far (for tests and the log). */
  readonly caught: number;
  /** Removes the handlers (tests; a process keeps its guard). */
  uninstall(): void;
}

type Kind = 'unhandledRejection' | 'uncaughtException';

let installed: { guard: ProcessGuard; log: Logger } | null = null;

/**
 * Installs process-wide `unhandledRejection` and `uncaughtException` handlers, so that no single
 * input takes a serving process down (Node's default for both is to exit). Each error is logged
 * as one structured JSON line with its stack (`msg: "uncaught error"`, `kind`, `error`, `stack`,
 * and the delivery's fields) and, when it was raised inside a delivery
 * ({@link runInDeliveryScope}: the function server's and the in-process broker's handler calls),
 * fails that delivery: the broker retries or dead-letters it, the process keeps serving. An
 * error outside any delivery is logged only. Installed once per process by every entry
 * (`functions/main.ts`, `cli/main.ts`); a second call returns the first guard.
 * @see https://nodejs.org/docs/latest-v20.x/api/process.html#event-unhandledrejection
 * @see https://nodejs.org/docs/latest-v20.x/api/process.html#event-uncaughtexception
 */
export function installProcessGuard(log: Logger, target: NodeJS.Process = process): ProcessGuard {
  if (installed) return installed.guard;
  let caught = 0;
  const handle = (kind: Kind) => (reason: unknown) => {
    caught += 1;
    const error = reason instanceof Error ? reason : new Error(`non-error thrown: ${describe(reason)}`);
    const scope = scopes.getStore();
    try {
      log.error('uncaught error', {
        kind,
        error,
        stack: error.stack,
        ...(scope ? { delivery: scope.fields, outcome: 'delivery failed' } : { outcome: 'logged' }),
      });
    } catch {
      // A logger that throws must not turn the guard into the next uncaught error.
    }
    scope?.fail(error);
  };
  const onRejection = handle('unhandledRejection');
  const onException = handle('uncaughtException');
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  const guard: ProcessGuard = {
    get caught() {
      return caught;
    },
    uninstall() {
      target.off('unhandledRejection', onRejection);
      target.off('uncaughtException', onException);
      installed = null;
    },
  };
  installed = { guard, log };
  return guard;
}

function describe(value: unknown): string {
  try {
    return String(JSON.stringify(value)).slice(0, 200);
  } catch {
    return typeof value;
  }
}
