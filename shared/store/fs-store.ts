import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DEFAULT_CONTENT_TYPE, readBody } from './body';
import { etagOf, normalizeEtag } from './etag';
import { PreconditionFailedError, StoreError, type StoreOperation } from './errors';
import { isAbsent, pruneEmptyFolders, renameInto, statObject, writeTemp, type Sidecar } from './fs-files';
import { KeyLocks } from './fs-lock';
import { walkKeys } from './fs-walk';
import { RESERVED_SEGMENT, validateKey } from './key-rules';
import { groupListing } from './list-grouping';
import type { ListOptions, ListResult, ObjectInfo, ObjectStore, PutOptions, StoredObject } from './types';

export interface FsStoreOptions {
  /** How long a writer waits for another's lock on the same key (default 30 s). */
  lockTimeoutMs?: number;
}

/**
 * The object store of the embedded default: each object is the file `<root>/<key>`, so a person
 * opens reports directly. The store's own files live under `<root>/.ccp-store/`: sidecars with
 * ETag and content type (`meta/<key>`), per-key lock files (`locks/`) and temporary files
 * (`tmp/`). Writes go to a temporary file that is renamed into place, so readers see the old or
 * the new content, never a mix; conditional puts and deletes hold the key's lock (see
 * {@link KeyLocks}). Semantics follow S3, checked by the same contract suite as the S3 store.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export class FsObjectStore implements ObjectStore {
  readonly kind = 'fs' as const;
  readonly root: string;
  private readonly metaRoot: string;
  private readonly tmpDir: string;
  private readonly locks: KeyLocks;

  constructor(rootDir: string, options: FsStoreOptions = {}) {
    this.root = path.resolve(rootDir);
    const own = path.join(this.root, RESERVED_SEGMENT);
    this.metaRoot = path.join(own, 'meta');
    this.tmpDir = path.join(own, 'tmp');
    this.locks = new KeyLocks(path.join(own, 'locks'), options.lockTimeoutMs);
  }

  /** Stores the object atomically; throws PreconditionFailedError when a condition fails. */
  async put(key: string, body: Buffer | string | Readable, options: PutOptions = {}): Promise<{ etag: string }> {
    validateKey(key);
    const content = await readBody(body);
    const etag = etagOf(content);
    return this.guard('put', key, () =>
      this.locks.withLock('put', key, async () => {
        await this.checkConditions(key, options);
        const temp = await writeTemp(this.tmpDir, content);
        const sidecar: Sidecar = { etag, ino: temp.ino, size: content.length, mtimeMs: temp.mtimeMs, contentType: options.contentType ?? DEFAULT_CONTENT_TYPE };
        const sidecarTemp = await writeTemp(this.tmpDir, JSON.stringify(sidecar));
        try {
          // Folders first, so that a key clash (a file where a folder must be) fails before anything moves.
          await fs.mkdir(path.dirname(this.sidecarFile(key)), { recursive: true });
          await fs.mkdir(path.dirname(this.bodyFile(key)), { recursive: true });
          await renameInto(sidecarTemp.file, this.sidecarFile(key));
          await renameInto(temp.file, this.bodyFile(key));
        } catch (error) {
          await Promise.all([fs.rm(temp.file, { force: true }), fs.rm(sidecarTemp.file, { force: true })]);
          throw error;
        }
        return { etag };
      }),
    );
  }

  /** The object with its body, or `null`. */
  async get(key: string): Promise<StoredObject | null> {
    validateKey(key);
    return this.guard('get', key, async () => {
      let content: Buffer;
      try {
        content = await fs.readFile(this.bodyFile(key));
      } catch (error) {
        if (isAbsent(error)) return null;
        throw error;
      }
      const info = await statObject(this.bodyFile(key), this.sidecarFile(key), content);
      if (!info) return null;
      // The ETag of the bytes actually read, even if a put replaced the file meanwhile.
      const etag = etagOf(content);
      const contentType = info.etag === etag ? info.contentType : undefined;
      return { key, body: content, size: content.length, etag, lastModified: new Date(info.stat.mtimeMs), ...(contentType ? { contentType } : {}) };
    });
  }

  /** The object's metadata, or `null`. */
  async head(key: string): Promise<ObjectInfo | null> {
    validateKey(key);
    return this.guard('head', key, async () => {
      const info = await statObject(this.bodyFile(key), this.sidecarFile(key));
      if (!info) return null;
      return { key, size: info.stat.size, etag: info.etag, lastModified: new Date(info.stat.mtimeMs), ...(info.contentType ? { contentType: info.contentType } : {}) };
    });
  }

  /** Removes the object and the folders it leaves empty; an absent key is fine. */
  async delete(key: string): Promise<void> {
    validateKey(key);
    await this.guard('delete', key, () =>
      this.locks.withLock('delete', key, async () => {
        for (const [file, root] of [[this.bodyFile(key), this.root], [this.sidecarFile(key), this.metaRoot]] as const) {
          try {
            await fs.unlink(file);
          } catch (error) {
            if (isAbsent(error)) continue;
            // A folder is not an object: deleting "a" leaves "a/b" alone, as in S3.
            if ((error as NodeJS.ErrnoException).code === 'EPERM' || (error as NodeJS.ErrnoException).code === 'EISDIR') continue;
            throw error;
          }
          await pruneEmptyFolders(file, root);
        }
      }),
    );
  }

  /** Every object whose key starts with `prefix`, S3 style (see {@link groupListing}). */
  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return this.guard('list', prefix, async () => {
      const objects: ObjectInfo[] = [];
      for await (const key of walkKeys(this.root, prefix)) {
        const info = await statObject(this.bodyFile(key), this.sidecarFile(key));
        // S3 listings carry no content type; leave it out here too so both stores list alike.
        if (info) objects.push({ key, size: info.stat.size, etag: info.etag, lastModified: new Date(info.stat.mtimeMs) });
      }
      return groupListing(prefix, objects, options.delimiter || undefined);
    });
  }

  /** The file that holds the object. */
  locationOf(key: string): string {
    validateKey(key);
    return this.bodyFile(key);
  }

  private bodyFile(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  private sidecarFile(key: string): string {
    return path.join(this.metaRoot, ...key.split('/'));
  }

  private async checkConditions(key: string, options: PutOptions): Promise<void> {
    if (options.ifNoneMatch === undefined && options.ifMatch === undefined) return;
    const current = await statObject(this.bodyFile(key), this.sidecarFile(key));
    if (options.ifNoneMatch === '*' && current) throw new PreconditionFailedError(key, 'an object exists already (ifNoneMatch: *)');
    if (options.ifMatch !== undefined) {
      if (!current) throw new PreconditionFailedError(key, 'no object exists (ifMatch)');
      if (options.ifMatch !== '*' && normalizeEtag(options.ifMatch) !== current.etag) {
        throw new PreconditionFailedError(key, `the stored ETag is not ${normalizeEtag(options.ifMatch)} (ifMatch)`);
      }
    }
  }

  /** Wraps filesystem errors in a StoreError naming the operation and key. */
  private async guard<T>(operation: StoreOperation, key: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const clash = code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR';
      const detail = clash
        ? `the filesystem store cannot hold this key next to an object that is also a folder of it (e.g. "a" and "a/b"): ${(error as Error).message}`
        : (error as Error).message;
      throw new StoreError(operation, key, detail, code);
    }
  }
}
