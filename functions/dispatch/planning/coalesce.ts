import { PreconditionFailedError } from '../../../shared/store/errors';
import type { ObjectStore } from '../../../shared/store/types';
import { pushWindowKey } from '../../../shared/cascade/keys';

/** One push of a window. */
export interface WindowPush {
  eventId: string;
  commit: string;
  /** When it arrived here (the quiet window counts from the last arrival). */
  at: number;
  /** When it was sent (the event's `time`), which decides the newest: deliveries may overtake each other. */
  sentAt?: string;
}

/** `state/dispatch/pushes/<hash>.json`: the pushes to one branch in one quiet window. */
export interface PushWindow {
  repoKey: string;
  branch: string;
  /** The push whose handler waits for the window to close and then requests the build. */
  owner: string;
  pushes: WindowPush[];
  /** Files changed by any push of the window; `null` once one push did not list them. */
  changedPaths: string[] | null;
  /** Set when the window closed: the newest commit was requested for all of them. */
  closed?: { at: number; commit: string; eventId: string };
}

/** What became of one push. */
export type CoalesceResult =
  | { kind: 'newest'; commit: string; eventId: string; changedPaths: string[] | null; dropped: WindowPush[] }
  | { kind: 'coalesced'; owner: string }
  | { kind: 'closed'; eventId: string };

export interface CoalescerOptions {
  store: ObjectStore;
  quietMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Coalesces a burst of pushes to one branch: the first push of a burst owns a window and waits
 * until no push came for `quietMs`; later pushes only join it and return at once (they hold no
 * handler while waiting). When the window is quiet, the owner answers the newest commit and
 * every path the burst changed; older commits are dropped. State is one record per branch,
 * changed with compare-and-swap, so pushes handled by several instances coalesce too.
 * An owner that died is replaced by the next push after ten windows.
 */
export class PushCoalescer {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: CoalescerOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async push(repoKey: string, branch: string, push: { eventId: string; commit: string; changedPaths?: string[]; sentAt?: string }): Promise<CoalesceResult> {
    const key = pushWindowKey(repoKey, branch);
    const joined = await this.change<CoalesceResult | null>(key, (window) => {
      const at = this.now();
      const mine: WindowPush = { eventId: push.eventId, commit: push.commit, at, ...(push.sentAt ? { sentAt: push.sentAt } : {}) };
      const paths = push.changedPaths ?? null;
      if (window?.pushes.some((known) => known.eventId === push.eventId)) {
        return {
          window: null,
          result: window.closed
            ? { kind: 'closed' as const, eventId: window.closed.eventId }
            : window.owner === push.eventId
              ? null
              : { kind: 'coalesced' as const, owner: window.owner },
        };
      }
      const last = window?.pushes.at(-1)?.at ?? 0;
      if (!window || window.closed || at - last > this.options.quietMs * 10 + 30_000) {
        return { window: { repoKey, branch, owner: push.eventId, pushes: [mine], changedPaths: paths }, result: null };
      }
      const changedPaths = window.changedPaths && paths ? [...new Set([...window.changedPaths, ...paths])] : null;
      return { window: { ...window, pushes: [...window.pushes, mine], changedPaths }, result: { kind: 'coalesced' as const, owner: window.owner } };
    });
    if (joined) return joined;

    // This push owns the window: wait until it is quiet, then close it for the newest commit.
    for (;;) {
      const stored = await this.read(key);
      if (!stored) throw new Error(`push window ${key} vanished`);
      const newest = stored.window.pushes.at(-1)!;
      const wait = newest.at + this.options.quietMs - this.now();
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      const closed = await this.change<CoalesceResult | null>(key, (window) => {
        if (!window || window.closed) return { window: null, result: { kind: 'closed' as const, eventId: window?.closed?.eventId ?? push.eventId } };
        if (window.pushes.at(-1)!.at + this.options.quietMs > this.now()) return { window: null, result: null };
        const newest = newestOf(window.pushes);
        const dropped = window.pushes.filter((candidate) => candidate !== newest);
        const result: CoalesceResult = { kind: 'newest', commit: newest.commit, eventId: newest.eventId, changedPaths: window.changedPaths, dropped };
        return { window: { ...window, closed: { at: this.now(), commit: newest.commit, eventId: newest.eventId } }, result };
      });
      if (closed) return closed;
    }
  }

  private async read(key: string): Promise<{ window: PushWindow; etag: string } | null> {
    const stored = await this.options.store.get(key);
    return stored ? { window: JSON.parse(stored.body.toString('utf8')) as PushWindow, etag: stored.etag } : null;
  }

  /** Compare-and-swap: `decide` returns the window to write (or null to keep it) and a result. */
  private async change<T>(key: string, decide: (window: PushWindow | null) => { window: PushWindow | null; result: T }): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.read(key);
      const { window, result } = decide(stored?.window ?? null);
      if (!window) return result;
      try {
        await this.options.store.put(key, JSON.stringify(window), stored ? { ifMatch: stored.etag } : { ifNoneMatch: '*' });
        return result;
      } catch (error) {
        if (!(error instanceof PreconditionFailedError) || attempt >= 50) throw error;
      }
    }
  }
}

/** The push sent last (by its event time; the last to arrive among equals or without times). */
function newestOf(pushes: readonly WindowPush[]): WindowPush {
  return pushes.reduce((newest, candidate) => ((candidate.sentAt ?? '') >= (newest.sentAt ?? '') ? candidate : newest));
}
