import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DEFAULT_CONTENT_TYPE, readBody } from './body';
import { etagOf, normalizeEtag } from './etag';
import { PreconditionFailedError, StoreError, UnsafePathError, type StoreOperation } from './errors';
import { AnchoredRoot, hasFdPaths, type OpenFolder } from './fs-anchored';
import { readObject, removeFile, renameInto, statObject, writeTemp, type ObjectFiles, type Sidecar } from './fs-files';
import { KeyLocks } from './fs-lock';
import { walkKeys } from './fs-walk';
import { RESERVED_SEGMENT, validateKey, validatePrefix } from './key-rules';
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
 * No operation follows a symbolic link below the root (see {@link AnchoredRoot} and readme.md):
 * a key whose path meets one throws {@link UnsafePathError}, and listings skip links.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export class FsObjectStore implements ObjectStore {
  readonly kind = 'fs' as const;
  readonly root: string;
  private readonly anchor: AnchoredRoot;
  private readonly locks: KeyLocks;

  constructor(rootDir: string, options: FsStoreOptions = {}) {
    if (!hasFdPaths()) throw new Error('the filesystem store needs /proc/self/fd (Linux) to refuse symbolic links without races');
    this.root = path.resolve(rootDir);
    this.anchor = new AnchoredRoot(this.root);
    this.locks = new KeyLocks(this.anchor, [RESERVED_SEGMENT, 'locks'], options.lockTimeoutMs);
  }

  /** Stores the object atomically; throws PreconditionFailedError when a condition fails. */
  async put(key: string, body: Buffer | string | Readable, options: PutOptions = {}): Promise<{ etag: string }> {
    validateKey(key);
    const content = await readBody(body);
    const etag = etagOf(content);
    return this.guard('put', key, () =>
      this.locks.withLock('put', key, async () => {
        const files = this.files('put', key);
        await this.checkConditions(files, options);
        const tmp = (await this.anchor.openFolder('put', key, [RESERVED_SEGMENT, 'tmp'], true))!;
        try {
          const temp = await writeTemp(tmp, content);
          const sidecar: Sidecar = {
            etag,
            ino: temp.ino,
            size: content.length,
            mtimeMs: temp.mtimeMs,
            contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
          };
          const sidecarTemp = await writeTemp(tmp, JSON.stringify(sidecar));
          const folders: OpenFolder[] = [];
          try {
            // Folders first, so that a key clash (a file where a folder must be) or a link on the way fails before anything moves.
            for (const segments of [files.sidecar, files.body]) folders.push((await this.anchor.openFolder('put', key, segments.slice(0, -1), true))!);
            await renameInto(this.anchor, files, sidecarTemp.file, files.sidecar, folders[0]!);
            await renameInto(this.anchor, files, temp.file, files.body, folders[1]!);
          } catch (error) {
            await Promise.all([fs.rm(temp.file, { force: true }), fs.rm(sidecarTemp.file, { force: true })]);
            throw error;
          } finally {
            await Promise.all(folders.map((folder) => folder.close()));
          }
        } finally {
          await tmp.close();
        }
        return { etag };
      }),
    );
  }

  /** The object with its body, or `null`. */
  async get(key: string): Promise<StoredObject | null> {
    validateKey(key);
    return this.guard('get', key, async () => {
      const files = this.files('get', key);
      const read = await readObject(this.anchor, files);
      if (!read) return null;
      const { content } = read;
      const info = await statObject(this.anchor, files, read);
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
      const info = await statObject(this.anchor, this.files('head', key));
      if (!info) return null;
      return {
        key,
        size: info.stat.size,
        etag: info.etag,
        lastModified: new Date(info.stat.mtimeMs),
        ...(info.contentType ? { contentType: info.contentType } : {}),
      };
    });
  }

  /** Removes the object and the folders it leaves empty; an absent key is fine. */
  async delete(key: string): Promise<void> {
    validateKey(key);
    await this.guard('delete', key, () =>
      this.locks.withLock('delete', key, async () => {
        const files = this.files('delete', key);
        // Empty folders go up to the root, and up to .ccp-store/meta for sidecars.
        await removeFile(this.anchor, files, files.body, 0);
        await removeFile(this.anchor, files, files.sidecar, 2);
      }),
    );
  }

  /** Every object whose key starts with `prefix`, S3 style (see {@link groupListing}). */
  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    validatePrefix(prefix);
    return this.guard('list', prefix, async () => {
      const objects: ObjectInfo[] = [];
      for await (const { key, stat } of walkKeys(this.anchor, prefix)) {
        // A file that turned into a link (or a hard link) while its sidecar was compared is skipped.
        const info = await statObject(this.anchor, this.files('list', key), { stat }).catch((error: unknown) =>
          error instanceof UnsafePathError ? null : Promise.reject(error),
        );
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

  /** The key's body file and sidecar, as segments below the root. */
  private files(operation: StoreOperation, key: string): ObjectFiles {
    const segments = key.split('/');
    return { operation, key, body: segments, sidecar: [RESERVED_SEGMENT, 'meta', ...segments] };
  }

  private async checkConditions(files: ObjectFiles, options: PutOptions): Promise<void> {
    const { key } = files;
    if (options.ifNoneMatch === undefined && options.ifMatch === undefined) return;
    const current = await statObject(this.anchor, files);
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
      const clash = code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTEMPTY';
      const detail = clash
        ? `the filesystem store cannot hold this key next to an object that is also a folder of it (e.g. "a" and "a/b"): ${(error as Error).message}`
        : (error as Error).message;
      throw new StoreError(operation, key, detail, code);
    }
  }
}
