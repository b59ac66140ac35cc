import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FsObjectStore } from '../fs-store';
import type { ObjectStore } from '../types';

export type StoreCalls = { put: number; get: number; head: number; list: number; delete: number };

/** A real filesystem store in a new temporary folder that counts the calls made to it. */
export class TempObjectStore implements ObjectStore {
  readonly kind = 'fs' as const;
  readonly calls: StoreCalls = { put: 0, get: 0, head: 0, list: 0, delete: 0 };
  readonly inner: FsObjectStore;

  constructor() {
    this.inner = new FsObjectStore(mkdtempSync(path.join(os.tmpdir(), 'ccp-store-')));
  }

  put(...args: Parameters<ObjectStore['put']>): ReturnType<ObjectStore['put']> {
    this.calls.put += 1;
    return this.inner.put(...args);
  }

  get(key: string): ReturnType<ObjectStore['get']> {
    this.calls.get += 1;
    return this.inner.get(key);
  }

  head(key: string): ReturnType<ObjectStore['head']> {
    this.calls.head += 1;
    return this.inner.head(key);
  }

  delete(key: string): ReturnType<ObjectStore['delete']> {
    this.calls.delete += 1;
    return this.inner.delete(key);
  }

  list(...args: Parameters<ObjectStore['list']>): ReturnType<ObjectStore['list']> {
    this.calls.list += 1;
    return this.inner.list(...args);
  }

  locationOf(key: string): string {
    return this.inner.locationOf(key);
  }
}
