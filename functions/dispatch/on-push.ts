import type { CloudEvent } from 'cloudevents';
import { diffIndex } from './planning/index-diff';
import { INDEX_SNAPSHOT_KEY, shortHash } from '../../shared/cascade/keys';
import { isPushTo, projectsForPush } from './planning/match-push';
import { planCascade } from './planning/cascade-plan';
import { type IndexSnapshot } from '../../shared/cascade/types';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildCause } from '../../shared/events/contracts/parts';
import { type GitPushData } from '../../shared/events/contracts/git-push';
import { isGitUrl, loadIndex } from '../../shared/index/load';
import { normalizeRepoUrl } from '../../shared/webhooks/normalize-repo-url';
import { acceptPushOnce } from './accepted-pushes';
import { cascadesOf, currentIndex, dispatchSettings, type DispatchContext } from './dispatcher-state';
import { DISPATCH_SOURCE, replay, startCascade } from './emit';

/**
 * A push: to the index repository, the index is read again and its change announced
 * (`index.changed`); to a project's branch, the projects whose folders changed rebuild with
 * their descendants as one cascade, after the branch's burst of pushes is over (only its
 * newest commit builds). A commit of a branch is accepted once, whatever the delivery id
 * ({@link acceptPushOnce}): a replayed push builds nothing.
 */
export async function onPush(push: GitPushData, event: CloudEvent<unknown>, context: DispatchContext): Promise<CloudEvent<unknown>[]> {
  const log = context.log.child({ eventId: event.id, repo: push.repoUrl, branch: push.branch, commit: push.commit });
  const emitted: CloudEvent<unknown>[] = [];
  const index = context.config.index;
  if (index && isGitUrl(index.location) && isPushTo(push, index.location, index.branch)) emitted.push(...(await onIndexPush(push, context)));

  const view = await currentIndex(context);
  if (projectsForPush({ ...push, changedPaths: undefined }, view.projects).length === 0) {
    if (emitted.length === 0) log.info('push builds nothing: no project of the index is on this branch');
    return emitted;
  }
  const accepted = await acceptPushOnce(context.store, push, `${event.source} ${event.id}`);
  if (accepted.kind === 'replay') {
    log.warn('push builds nothing: this commit of this branch was accepted already, under another delivery (a replay)', {
      firstEvent: accepted.first.eventKey,
      firstAt: accepted.first.at,
    });
    return emitted;
  }
  const repoKey = normalizeRepoUrl(push.repoUrl)!;
  const outcome = await context.pushes.push(repoKey, push.branch, {
    eventId: `${event.source} ${event.id}`,
    commit: push.commit,
    changedPaths: push.changedPaths,
    ...(event.time ? { sentAt: event.time } : {}),
  });
  if (outcome.kind === 'coalesced') {
    log.info('push joins the open window of its branch; the newest commit of the burst will build', { owner: outcome.owner });
    return emitted;
  }
  if (outcome.kind === 'closed') {
    const record = await cascadesOf(context).get(pushCascadeId(outcome.eventId));
    return [...emitted, ...(record ? replay(record) : [])];
  }
  for (const dropped of outcome.dropped)
    log.info('older push dropped: a newer commit of the same branch builds', { droppedCommit: dropped.commit, newest: outcome.commit });

  const matched = projectsForPush(
    { repoUrl: push.repoUrl, branch: push.branch, ...(outcome.changedPaths ? { changedPaths: outcome.changedPaths } : {}) },
    view.projects,
  );
  if (matched.length === 0) {
    log.info('push builds nothing: it changed no folder of a project', { changedPaths: outcome.changedPaths });
    return emitted;
  }
  const cause: BuildCause = {
    kind: 'git-push',
    message: `Git commit ${outcome.commit} to branch ${push.branch} of repo ${push.repoUrl}`,
    commit: outcome.commit,
    branch: push.branch,
    repoUrl: push.repoUrl,
  };
  const planned = planCascade({
    id: pushCascadeId(outcome.eventId),
    cause,
    seeds: matched.map((entry) => ({ entry, cause, commit: outcome.commit })),
    graph: view.graph,
    entries: view.entries,
    maxInFlight: dispatchSettings(context).maxInFlight,
    now: new Date(),
  });
  return [...emitted, ...(planned ? await startCascade(planned, context) : [])];
}

/** The cascade of a push window: named after the push whose commit it builds. */
function pushCascadeId(eventKey: string): string {
  return `push-${shortHash(eventKey)}`;
}

/** Reads the index at the pushed commit, compares it with the last one seen, and announces the change. */
async function onIndexPush(push: GitPushData, context: DispatchContext): Promise<CloudEvent<unknown>[]> {
  const index = context.config.index!;
  const log = context.log.child({ index: index.location, commit: push.commit });
  const loaded = await loadIndex(index.location, { branch: index.branch ?? push.branch, workDir: context.config.workDir });
  const stored = await context.store.get(INDEX_SNAPSHOT_KEY);
  const before = stored ? (JSON.parse(stored.body.toString('utf8')) as IndexSnapshot) : null;
  const change = diffIndex(before?.entries ?? [], loaded.projects, loaded.commit ?? push.commit);
  const snapshot: IndexSnapshot = {
    format: 'ccp.index-snapshot/v1',
    ...(loaded.commit ? { commit: loaded.commit } : {}),
    takenAt: new Date().toISOString(),
    entries: loaded.projects,
  };
  await context.store.put(INDEX_SNAPSHOT_KEY, `${JSON.stringify(snapshot)}\n`, { contentType: 'application/json' });
  log.info('index read again', { added: change.added.length, changed: change.changed.length, removed: change.removed.length, errors: loaded.errors.length });
  if (change.added.length + change.changed.length + change.removed.length === 0) return [];
  return [makeEvent(EventTypes.indexChanged, change, { source: DISPATCH_SOURCE, id: `index/${change.commit ?? push.commit}`, subject: index.location })];
}
