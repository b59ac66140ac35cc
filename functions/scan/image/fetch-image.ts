import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ImageConfig } from '../../../shared/reports/scanner-types';
import { CorruptLayerError, formatBytes, ImageError, ImageTimeoutError, ImageTooLargeError, TooManyFilesError } from '../../../shared/registry/errors';
import { layerDecoder } from './layer-decoder';
import type { ImageManifest, Platform } from '../../../shared/registry/manifest';
import { formatImageReference, parseImageReference, type ImageReference } from '../../../shared/registry/reference';
import { readBounded, RegistryClient, type RegistryClientOptions } from '../../../shared/registry/registry-client';
import { applyLayer, finishDirectories, type UnpackState } from './unpack-layer';

export interface FetchImageOptions extends RegistryClientOptions {
  /** Disk bound for the unpacked root, in bytes (file contents). */
  maxBytes: number;
  /**
   * Tar entries allowed over every layer (a layer of 400,000 empty files is small compressed
   * but costs minutes and inodes); no bound when absent.
   */
  maxFiles?: number;
  /**
   * Uncompressed size assumed per compressed byte when checking the bound before downloading
   * (2 by default; rootfs layers usually gzip 2-3×). The running total while unpacking is exact.
   */
  sizeFactor?: number;
  /** Parent of the temporary root folder; the system temp folder by default. */
  workDir?: string;
  /** Used for references without a registry host. */
  defaultRegistry?: string;
  platform?: Platform;
  /** Aborts the fetch; the folder is removed and the abort reason thrown. */
  signal?: AbortSignal;
  /** A client to reuse (tokens are cached per client); made from the options otherwise. */
  client?: RegistryClient;
}

/** An image unpacked into a temporary root filesystem. */
export interface FetchedImage {
  /** Folder holding the merged root filesystem. */
  rootfs: string;
  /** The image config's `config` section (Labels, Env, Cmd…). */
  config: ImageConfig;
  /** The whole config document (architecture, os, history, rootfs.diff_ids). */
  configDocument: Record<string, unknown>;
  /** `sha256:…` of the image manifest. */
  digest: string;
  manifest: ImageManifest;
  reference: ImageReference;
  /** File content bytes written. */
  unpackedBytes: number;
  /** Entries not materialised (devices, fifos, dangling hard links). */
  skipped: string[];
  /** Removes the root folder; safe to call more than once. */
  cleanup(): Promise<void>;
}

/** A pass-through that hashes what flows by; `digest()` afterwards. */
function hashing(algorithm: string): Transform & { digest(): string } {
  const hash = createHash(algorithm);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  }) as Transform & { digest(): string };
  stream.digest = () => hash.digest('hex');
  return stream;
}

function algorithmOf(digest: string): string {
  const algorithm = digest.split(':')[0];
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new CorruptLayerError(digest, `unsupported digest algorithm ${algorithm}`);
  return algorithm;
}

/**
 * Fetches an image from its registry and unpacks its layers, in order, into a new temporary
 * folder: digests verified (manifest, config, every layer), gzip, zstd and plain tar layers,
 * whiteouts and opaque directories applied, nothing written outside the folder. Refuses an image
 * over `maxBytes` before downloading (compressed sizes × `sizeFactor`) or as soon as the running
 * total passes it. The folder is removed on every failure and on abort; on success the caller
 * calls `cleanup()`.
 * Throws `ImageNotFoundError` (no manifest), `BlobMissingError`, `RegistryError`,
 * `RegistryNotAllowedError`, `CorruptLayerError` (naming the layer digest), `ImageTooLargeError`,
 * `TooManyFilesError` and `ImageTimeoutError` (a blob not read within `timeoutMs`), all
 * `ImageError`s; the abort reason on abort.
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md
 * @see https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md
 */
export async function fetchImage(imageRef: string | ImageReference, options: FetchImageOptions): Promise<FetchedImage> {
  const reference = typeof imageRef === 'string' ? parseImageReference(imageRef, options.defaultRegistry) : imageRef;
  const client = options.client ?? new RegistryClient(options);
  const { manifest, digest } = await client.resolveManifest(reference, options.platform);
  const name = formatImageReference({ ...reference, digest });

  const compressed = manifest.layers.reduce((sum, layer) => sum + (layer.size ?? 0), 0);
  const factor = options.sizeFactor ?? 2;
  if (compressed * factor > options.maxBytes) {
    throw new ImageTooLargeError(
      `image ${name} is about ${formatBytes(compressed * factor)} uncompressed (${factor} × ${formatBytes(compressed)} of compressed layers), over the ${formatBytes(options.maxBytes)} bound`,
      compressed * factor,
      options.maxBytes,
    );
  }
  const { timeoutMs } = client;
  const configDocument = await fetchConfig(client, reference, manifest, timeoutMs, options.signal);

  const rootfs = await mkdtemp(path.join(options.workDir ?? os.tmpdir(), 'ccp-image-'));
  let removed = false;
  const cleanup = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    await rm(rootfs, { recursive: true, force: true });
  };
  let currentLayer = '';
  const state: UnpackState = {
    root: rootfs,
    bytes: 0,
    maxBytes: options.maxBytes,
    directoryTimes: [],
    skipped: [],
    files: 0,
    ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}),
    onTooManyFiles: (files) => {
      throw new TooManyFilesError(
        `image ${name} has more than ${options.maxFiles!.toLocaleString('en-US')} files (${files.toLocaleString('en-US')} entries read, stopped in layer ${currentLayer}), over the file-count bound`,
        options.maxFiles!,
      );
    },
    onTooLarge: (bytes) => {
      throw new ImageTooLargeError(
        `image ${name} is over ${formatBytes(bytes)} uncompressed (unpacking stopped in layer ${currentLayer}), over the ${formatBytes(options.maxBytes)} bound`,
        bytes,
        options.maxBytes,
      );
    },
  };
  try {
    for (const layer of manifest.layers) {
      currentLayer = layer.digest;
      options.signal?.throwIfAborted();
      await unpackLayer(client, reference, layer.digest, state, timeoutMs, options.signal);
    }
    finishDirectories(state);
    options.signal?.throwIfAborted();
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    rootfs,
    config: (configDocument.config ?? {}) as ImageConfig,
    configDocument,
    digest,
    manifest,
    reference,
    unpackedBytes: state.bytes,
    skipped: state.skipped,
    cleanup,
  };
}

/** The error a blob read ends with: our typed timeout for the request's time limit, the abort reason on abort. */
function blobFailure(error: unknown, digest: string, timeoutMs: number, what: 'layer' | 'config', signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  if ((error as Error | undefined)?.name === 'TimeoutError') return new ImageTimeoutError(digest, timeoutMs, what);
  return error;
}

async function fetchConfig(
  client: RegistryClient,
  reference: ImageReference,
  manifest: ImageManifest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const { digest } = manifest.config;
  const response = await client.blob(reference, digest, signal);
  let body: Buffer;
  try {
    body = await readBounded(response, `config blob ${digest}`);
  } catch (error) {
    throw blobFailure(error, digest, timeoutMs, 'config', signal);
  }
  const actual = createHash(algorithmOf(digest)).update(body).digest('hex');
  if (`${algorithmOf(digest)}:${actual}` !== digest) throw new CorruptLayerError(digest, `the config blob hashes to ${actual}`);
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new CorruptLayerError(digest, 'the config blob is not JSON');
  }
}

async function unpackLayer(
  client: RegistryClient,
  reference: ImageReference,
  digest: string,
  state: UnpackState,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const algorithm = algorithmOf(digest);
  const response = await client.blob(reference, digest, signal);
  const hash = hashing(algorithm);
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  const tar = body.pipe(hash).pipe(layerDecoder());
  body.once('error', (error) => tar.destroy(error));
  hash.once('error', (error) => tar.destroy(error));
  try {
    await applyLayer(tar, state);
  } catch (error) {
    body.destroy();
    if (error instanceof ImageError) throw error;
    const failure = blobFailure(error, digest, timeoutMs, 'layer', signal);
    if (failure !== error) throw failure;
    const actual = hash.readableEnded ? hash.digest() : null;
    const mismatch = actual && `${algorithm}:${actual}` !== digest ? ` (its content hashes to ${algorithm}:${actual})` : '';
    throw new CorruptLayerError(digest, `${(error as Error).message}${mismatch}`);
  }
  const actual = hash.digest();
  if (`${algorithm}:${actual}` !== digest) throw new CorruptLayerError(digest, `its content hashes to ${algorithm}:${actual}`);
}
