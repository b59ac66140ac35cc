import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FsObjectStore } from './fs-store';

// A delete prunes the folders it leaves empty; a put making a folder inside one of them at that
// moment must open the path again, not fail with ENOENT (seen as a gateway 500 on a webhook).
let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ccp-fs-prune-race-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it.each([['a sibling folder', 'state/x/only.json', (round: number) => `state/gateway/deliveries/${round}.json`] as const])(
  'puts into %s while deletes prune the shared parent, 150 rounds, every put stored',
  async (_name, doomed, keyOf) => {
    const store = new FsObjectStore(root);
    const failures: string[] = [];
    for (let round = 0; round < 150; round += 1) {
      await store.put(doomed, 'x');
      const results = await Promise.allSettled([store.delete(doomed), store.put(keyOf(round), `${round}`), store.delete(doomed)]);
      for (const result of results) if (result.status === 'rejected') failures.push(String(result.reason));
      if ((await store.get(keyOf(round))) === null) failures.push(`round ${round}: ${keyOf(round)} missing`);
      await store.delete(keyOf(round));
    }
    expect(failures).toEqual([]);
  },
);
