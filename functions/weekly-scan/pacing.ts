/** Reads the time and waits; injected so tests drive the pace without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** How many images one chunk starts, and how long a chunk's window lasts. */
export interface Pace {
  chunkSize: number;
  windowMs: number;
}

/** Shortest window: a chunk every 10 s keeps bursts small without an event per image. */
const MIN_WINDOW_MS = 10_000;
/** Longest window: a chunk waits at most this long, well inside a Knative request's 300 s. */
const MAX_WINDOW_MS = 240_000;

/**
 * Splits `ratePerMinute` into chunks: one chunk per window of at least 10 s (longer when the rate
 * is below one image per 10 s, so a chunk always holds at least one image; at most 4 min, so the
 * wait fits in a request). 60/min → 10 images every 10 s; 600/min → 100 every 10 s; 2/min → 1
 * every 30 s; below 0.25/min, 1 every 4 min.
 */
export function paceOf(ratePerMinute: number): Pace {
  const windowMs = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, Math.ceil(60_000 / ratePerMinute)));
  return { chunkSize: Math.max(1, Math.round((ratePerMinute * windowMs) / 60_000)), windowMs };
}
