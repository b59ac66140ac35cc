import { createHash } from 'node:crypto';
import { validateKey } from '../store/key-rules';
import type { ProjectRef } from '../index/types';

/** A short stable hex digest of `parts`, for ids and keys made from free text. */
export function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
}

function checked(key: string): string {
  validateKey(key);
  return key;
}

/** `state/cascades/<id>.json`. */
export function cascadeKey(id: string): string {
  return checked(`state/cascades/${id}.json`);
}

/** `state/index/snapshot.json`: what index pushes are diffed with (see {@link IndexSnapshot}). */
export const INDEX_SNAPSHOT_KEY = 'state/index/snapshot.json';

/** `state/graph/from-parents.json`: the parents learnt from the Dockerfiles' `FROM` lines, `{ child: [parents] }`. */
export const FROM_PARENTS_KEY = 'state/graph/from-parents.json';

/** `state/index/removed/<app-id>/<job-id>/<tag>.json`: an entry that left the index (its images stay). */
export function removedEntryKey(ref: ProjectRef): string {
  return checked(`state/index/removed/${ref.appId}/${ref.jobId}/${ref.desiredTag}.json`);
}

/** `state/dispatch/pushes/<hash>.json`: the open coalescing window of one branch of one repository. */
export function pushWindowKey(repoKey: string, branch: string): string {
  return checked(`state/dispatch/pushes/${shortHash(repoKey, branch)}.json`);
}
