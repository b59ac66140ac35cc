// Run by process-guard.spec.ts in a node process of its own (jest keeps process events from
// tests): with the guard installed, one delivery leaves a rejection nobody handles and another
// throws from a timer; both deliveries must fail with their error and the process live on.
// Prints the guard's log lines, then one `result` line per delivery and `alive`.
import { createLogger } from '../../log/logger';
import { runDelivery } from '../../runtime/delivery';
import { installProcessGuard } from '../process-guard';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
installProcessGuard(createLogger({ write: out, fields: { fn: 'child' } }));

const outcome = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: Error) => `rejected ${error.name}: ${error.message}`,
  );

void (async () => {
  const orphan = outcome(
    runDelivery(
      async (signal) => {
        void Promise.reject(new TypeError('orphaned rejection'));
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        return signal.aborted;
      },
      { fields: { eventId: 'e1' } },
    ),
  );
  const thrown = outcome(
    runDelivery(
      () =>
        new Promise(() => {
          setTimeout(() => {
            throw new RangeError('thrown in a timer');
          }, 5);
        }),
      { fields: { eventId: 'e2' } },
    ),
  );
  const slow = outcome(runDelivery((signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason))), { timeoutMs: 20 }));
  out(`result ${await orphan}`);
  out(`result ${await thrown}`);
  out(`result ${await slow}`);
  setTimeout(() => out('alive'), 20);
})();
