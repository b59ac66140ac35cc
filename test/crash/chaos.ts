/**
 * The broker's test mode the pipeline and trigger end-to-end tests run under (`CCP_CHAOS`, see
 * shared/runtime/chaos.ts): a third of the deliveries come twice, every delivery waits up to
 * 100 ms (so events overtake each other), four run at once per Trigger, as a Knative broker may
 * deliver. Set `CCP_CHAOS` to try another mix; `CCP_CHAOS=` (empty) turns it off.
 */
export const TEST_CHAOS = process.env.CCP_CHAOS ?? 'redeliver:0.3,delay:0-100ms,reorder,parallel:4';
