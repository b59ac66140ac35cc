import { ValidationError } from '../errors/validation-error';

/**
 * The embedded broker's test mode (`CCP_CHAOS`): it behaves as a Knative broker may, so that
 * local runs show what the cluster would. Knative delivers at least once, redelivers after a
 * timeout while the first attempt may still run, and keeps no order.
 */
export interface ChaosSettings {
  /** Share (0–1) of deliveries that are delivered a second time, concurrently. */
  redeliver: number;
  /** Each delivery (and each redelivery) waits a random time in this range first, in ms. */
  delayMs: { min: number; max: number };
  /** Handler calls running at once per Trigger (replaces the broker's `concurrency`). */
  parallel?: number;
}

/** The environment variable that turns the test mode on. */
export const CHAOS_ENV = 'CCP_CHAOS';

/**
 * Parses `redeliver:0.3,delay:0-200ms,reorder,parallel:4` (any subset, comma-separated).
 * `reorder` alone delays each delivery by 0–50 ms, so that events overtake each other. Empty or
 * unset: `null` (deliveries in order of acceptance, once). Throws a {@link ValidationError}.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export function parseChaos(value: string | undefined): ChaosSettings | null {
  if (value === undefined || value.trim() === '') return null;
  const settings: ChaosSettings = { redeliver: 0, delayMs: { min: 0, max: 0 } };
  let reorder = false;
  const refuse = (message: string): never => {
    throw new ValidationError('invalid configuration', [{ field: CHAOS_ENV, message }]);
  };
  for (const part of value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [name, argument = ''] = part.split(':', 2) as [string, string?];
    if (name === 'reorder' && argument === '') reorder = true;
    else if (name === 'redeliver') {
      const share = Number(argument);
      if (argument === '' || !Number.isFinite(share) || share < 0 || share > 1) refuse(`redeliver takes a share from 0 to 1, not "${argument}"`);
      settings.redeliver = share;
    } else if (name === 'delay') {
      const match = /^(\d+)(?:-(\d+))?(ms|s)?$/.exec(argument);
      if (!match) return refuse(`delay takes MIN-MAX with ms or s, not "${argument}"`);
      const unit = match[3] === 's' ? 1000 : 1;
      const min = Number(match[1]) * unit;
      const max = Number(match[2] ?? match[1]) * unit;
      if (max < min) refuse(`delay ${argument}: the maximum is below the minimum`);
      settings.delayMs = { min, max };
    } else if (name === 'parallel') {
      const parallel = Number(argument);
      if (!Number.isInteger(parallel) || parallel < 1) refuse(`parallel takes a whole number above 0, not "${argument}"`);
      settings.parallel = parallel;
    } else refuse(`unknown part "${part}" (known: redeliver:SHARE, delay:MIN-MAXms, reorder, parallel:N)`);
  }
  if (reorder && settings.delayMs.max === 0) settings.delayMs = { min: 0, max: 50 };
  return settings;
}

/** How many copies of one delivery to make and how long each waits first. */
export function chaosCopies(settings: ChaosSettings, random: () => number = Math.random): number[] {
  const copies = random() < settings.redeliver ? 2 : 1;
  const { min, max } = settings.delayMs;
  return Array.from({ length: copies }, () => Math.round(min + random() * (max - min)));
}
