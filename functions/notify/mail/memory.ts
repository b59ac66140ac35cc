import { PreconditionFailedError } from '../../../shared/store/errors';
import { imageStateKey } from '../../../shared/store/keys';
import type { ProjectRef } from '../../../shared/index/types';
import type { ObjectStore } from '../../../shared/store/types';

/** What the notify function remembers of an image's last build. */
export interface BuildMemory {
  /** The event that brought it (`source id`), so that a redelivery finds its own entry. */
  event: string;
  outcome: 'succeeded' | 'failed';
  buildId: string;
  digest?: string;
  at: string;
}

/** What the notify function remembers of an image's last scan. */
export interface ScanMemory {
  event: string;
  fingerprint: string;
  digest?: string;
  /** `pkg:<type>/<name>` → version, from the scan's SBOM. */
  packages?: Record<string, string>;
  /** `<advisory> <package>` of each advisory the scan found (see vulnerability-changes.ts); absent before ccp remembered them. */
  advisories?: string[];
  at: string;
}

export interface Remembered<T> {
  current: T;
  /** The one before: what "fixed" and "changed" compare against. */
  previous: T | null;
}

/** `state/notify/<app-id>/<job-id>/<tag>.json`: last build and scan as mailed (or not). */
export interface NotifyState {
  build?: Remembered<BuildMemory>;
  scan?: Remembered<ScanMemory>;
}

/** `state/notify/<app-id>/<job-id>/<tag>.json`, checked like every layout key. */
export function notifyStateKey(ref: ProjectRef): string {
  return imageStateKey(ref).replace(/^state\/images\//, 'state/notify/');
}

const ATTEMPTS = 8;

/**
 * Records the newest outcome of `kind` and returns the one before it. Conditional puts, so two
 * deliveries for one image never lose each other's entry; a redelivered event finds itself
 * already recorded and gets the same answer as the first time.
 * @see ../../../shared/store/readme.md
 */
export async function rememberOutcome<K extends keyof NotifyState>(
  store: ObjectStore,
  ref: ProjectRef,
  kind: K,
  current: NonNullable<NotifyState[K]>['current'],
): Promise<NonNullable<NotifyState[K]>['current'] | null> {
  const key = notifyStateKey(ref);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const stored = await store.get(key);
    const state = stored ? (parseState(stored.body) ?? {}) : {};
    const known = state[kind] as Remembered<typeof current> | undefined;
    if (known?.current.event === current.event) return known.previous;
    const next: NotifyState = { ...state, [kind]: { current, previous: known?.current ?? null } };
    try {
      await store.put(key, `${JSON.stringify(next, null, 2)}\n`, {
        contentType: 'application/json',
        ...(stored ? { ifMatch: stored.etag } : { ifNoneMatch: '*' }),
      });
      return known?.current ?? null;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  throw new Error(`${key} kept changing under ${ATTEMPTS} attempts to record the ${kind} outcome`);
}

function parseState(body: Buffer): NotifyState | null {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as NotifyState) : null;
  } catch {
    // A damaged state file is replaced: the worst outcome is one mail too many.
    return null;
  }
}
