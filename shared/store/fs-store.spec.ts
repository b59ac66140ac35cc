import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeObjectStoreContract } from './contract';
import { FsObjectStore } from './fs-store';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describeObjectStoreContract('FsObjectStore', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ccp-fs-store-'));
  roots.push(root);
  return new FsObjectStore(root);
});
