import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ListResult, ObjectInfo, ObjectStore, PutOptions, StoredObject } from '../../store/types';

/** Thrown like the real stores do when a put condition does not hold. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
}

/**
 * A test-only ObjectStore in memory, with the create-only and compare-and-swap semantics of the
 * real ones. Used only until `shared/store/fs-store.ts` exists; counts calls so tests can check
 * that the dedup check is cheap.
 */
export class MemoryObjectStore implements ObjectStore {
  readonly kind = 'fs' as const;
  readonly objects = new Map<string, StoredObject>();
  readonly calls = { put: 0, get: 0, head: 0, list: 0, delete: 0 };

  async put(key: string, body: Buffer | string | Readable, options: PutOptions = {}): Promise<{ etag: string }> {
    this.calls.put += 1;
    const existing = this.objects.get(key);
    if (options.ifNoneMatch === '*' && existing) throw new PreconditionFailedError(`${key} exists`);
    if (options.ifMatch !== undefined && existing?.etag !== options.ifMatch) throw new PreconditionFailedError(`${key} changed`);
    const buffer = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : await readAll(body);
    const etag = `"${createHash('md5').update(buffer).update(String(Date.now() + Math.random())).digest('hex')}"`;
    this.objects.set(key, { key, body: buffer, size: buffer.length, etag, lastModified: new Date(), contentType: options.contentType });
    return { etag };
  }

  async get(key: string): Promise<StoredObject | null> {
    this.calls.get += 1;
    return this.objects.get(key) ?? null;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    this.calls.head += 1;
    const object = this.objects.get(key);
    if (!object) return null;
    return infoOf(object);
  }

  async delete(key: string): Promise<void> {
    this.calls.delete += 1;
    this.objects.delete(key);
  }

  async list(prefix: string): Promise<ListResult> {
    this.calls.list += 1;
    const objects = [...this.objects.values()]
      .filter((object) => object.key.startsWith(prefix))
      .sort((a, b) => a.key.localeCompare(b.key))
      .map(infoOf);
    return { objects, prefixes: [] };
  }

  locationOf(key: string): string {
    return `memory://${key}`;
  }
}

function infoOf(object: StoredObject): ObjectInfo {
  return { key: object.key, size: object.size, etag: object.etag, lastModified: object.lastModified, contentType: object.contentType };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
