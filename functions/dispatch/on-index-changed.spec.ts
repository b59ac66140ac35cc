import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { loadConfig } from '../../shared/config/config';
import { IndexSnapshotStore } from './planning/index-baseline';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildRequestedData } from '../../shared/events/contracts/build-requested';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { FsObjectStore } from '../../shared/store/fs-store';
import { buildRecordKey } from '../../shared/store/keys';
import { functionContext } from '../../test/support/function-context';
import { dispatchFunction } from './index';
import type { DispatchContext } from './dispatcher-state';
import { onIndexChanged, type IndexRequestData } from './on-index-changed';
import { teamEntry as entry } from './__fixtures__/entries';

const requested = (events: CloudEvent<unknown>[]): [string, string][] =>
  events
    .filter((event) => event.type === EventTypes.buildRequested)
    .map((event) => [imageName((event.data as BuildRequestedData).project), (event.data as BuildRequestedData).cause.kind]);

/** `index.changed` as the dispatcher sends it for an index push (no causes of its own). */
const pushChange = (data: IndexRequestData, id: string): CloudEvent<unknown> => makeEvent(EventTypes.indexChanged, data, { source: '/ccp/dispatch', id });

describe('the dispatcher on index.changed', () => {
  let dir: string;
  let store: FsObjectStore;
  let context: DispatchContext;
  const [a, b] = [entry('a'), entry('b')];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-dispatch-index-'));
    store = new FsObjectStore(path.join(dir, 'store'));
    context = await functionContext(dispatchFunction, loadConfig({ dataDir: dir }, {}), silentLogger, { store, projects: [a, b] });
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  const built = (known: ProjectEntry, buildId: string) =>
    store.put(buildRecordKey(known, buildId), JSON.stringify({ buildId, project: known, status: 'succeeded', entry: known }));

  it("records in the snapshot the entries ccp run asks for, and nothing for a push's own diff", async () => {
    const run: IndexRequestData = {
      added: [a],
      changed: [],
      removed: [],
      causes: { 'team/a:latest': { kind: 'first-build', message: 'First build of the container image' } },
    };
    const event = makeEvent(EventTypes.indexChanged, run, { source: '/ccp/cli', id: 'run-1' });
    expect(requested(await onIndexChanged(run, event, context))).toEqual([['team/a:latest', 'first-build']]);
    await onIndexChanged({ added: [b], changed: [], removed: [] }, pushChange({ added: [b], changed: [], removed: [] }, 'index/c1'), context);
    expect((await new IndexSnapshotStore(store).read())?.entries.map(imageName)).toEqual(['team/a:latest']);
  });

  it.each([
    ['never built', null, [['team/a:latest', 'first-build']]],
    ['built with the same configuration', a, []],
    ['built with another configuration', { ...a, gitBranch: 'old' }, [['team/a:latest', 'index-change']]],
  ])('measures an entry a push calls added against its build records: %s', async (_name, before, expected) => {
    if (before) await built(before, '20261201T000000Z-aaaaaaaaaa');
    const data: IndexRequestData = { added: [a], changed: [], removed: [] };
    expect(requested(await onIndexChanged(data, pushChange(data, 'index/c2'), context))).toEqual(expected);
  });

  it('replays the cascade of a redelivered event even when its builds have records by then', async () => {
    const data: IndexRequestData = { added: [a, b], changed: [], removed: [] };
    const event = pushChange(data, 'index/c3');
    const first = await onIndexChanged(data, event, context);
    expect(requested(first)).toEqual([
      ['team/a:latest', 'first-build'],
      ['team/b:latest', 'first-build'],
    ]);
    for (const request of first) await built((request.data as BuildRequestedData).entry!, (request.data as BuildRequestedData).buildId!);
    const again = await onIndexChanged(data, event, context);
    expect(again.map((replayed) => replayed.id)).toEqual(first.map((request) => request.id));
    // Another push naming the same entries finds them built: nothing to do.
    expect(await onIndexChanged(data, pushChange(data, 'index/c4'), context)).toEqual([]);
  });
});
