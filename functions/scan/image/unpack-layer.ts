import {
  createWriteStream,
  linkSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  chmodSync,
  chownSync,
  utimesSync,
  lutimesSync,
} from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Headers } from 'tar-stream';
import { lazyPackage } from '../../../shared/lazy/packages';
import { ImageError } from '../../../shared/registry/errors';
import { cleanEntryPath, resolveInRoot } from '../../../shared/rootfs/safe-path';

/** tar-stream, required by the first layer unpacked (see lazyPackage). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tarStreamPackage = lazyPackage(() => require('tar-stream') as typeof import('tar-stream'));

/** Counters of one unpack, shared across its layers. */
export interface UnpackState {
  root: string;
  /** File content bytes written so far, against `maxBytes`. */
  bytes: number;
  maxBytes: number;
  /** Called when `bytes` would pass `maxBytes`; throws the caller's error. */
  onTooLarge(bytes: number): never;
  /** Tar entries read so far (every type, whiteouts too), against `maxFiles`. */
  files: number;
  /** Entries allowed across every layer; no bound when absent. */
  maxFiles?: number;
  /** Called when `files` passes `maxFiles`; throws the caller's error. */
  onTooManyFiles(files: number): never;
  /** Directory mtimes to set once every layer is in (writing into a directory changes its mtime). */
  directoryTimes: [string, Date][];
  /** Entries not materialised (devices, fifos) and why, for the caller's notes. */
  skipped: string[];
}

interface LayerState extends UnpackState {
  /** Paths (and their parents) this layer wrote: an opaque marker keeps them. */
  written: Set<string>;
  /** Resolved real parent folders, dropped whenever a link or removal could change them. */
  parents: Map<string, string>;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Marks a path and its parents as written by the current layer. */
function markWritten(state: LayerState, name: string): void {
  let current = name;
  while (current && !state.written.has(current)) {
    state.written.add(current);
    const slash = current.lastIndexOf('/');
    current = slash < 0 ? '' : current.slice(0, slash);
  }
}

function realParent(state: LayerState, dir: string): string {
  const cached = state.parents.get(dir);
  if (cached) return cached;
  const real = resolveInRoot(state.root, dir);
  mkdirSync(real, { recursive: true });
  state.parents.set(dir, real);
  return real;
}

function lstatOrNull(file: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

/** Removes what is at `file` (never following a link), so an entry can take its place. */
function clear(state: LayerState, file: string, keepDirectory: boolean): void {
  const existing = lstatOrNull(file);
  if (!existing || (keepDirectory && existing.isDirectory())) return;
  rmSync(file, { recursive: true, force: true });
  state.parents.clear();
}

/** Removes everything under `dir` that the current layer did not write (OCI opaque whiteout). */
function makeOpaque(state: LayerState, name: string): void {
  const real = resolveInRoot(state.root, name);
  const entries = lstatOrNull(real)?.isDirectory() ? readdirSync(real) : [];
  for (const child of entries) {
    const childName = name ? `${name}/${child}` : child;
    const childReal = path.join(real, child);
    if (!state.written.has(childName)) {
      rmSync(childReal, { recursive: true, force: true });
      state.parents.clear();
    } else if (lstatSync(childReal).isDirectory()) {
      makeOpaque(state, childName);
    }
  }
}

function setOwnerAndMode(file: string, header: Headers, symlink: boolean): void {
  // chown first: it clears setuid/setgid bits that chmod then sets. Not root: keep our own ids.
  try {
    if (symlink) lchownSync(file, header.uid ?? 0, header.gid ?? 0);
    else chownSync(file, header.uid ?? 0, header.gid ?? 0);
  } catch {
    // EPERM when not root
  }
  if (!symlink) chmodSync(file, (header.mode ?? 0o644) & 0o7777);
  const mtime = header.mtime ?? new Date(0);
  if (symlink) lutimesSync(file, mtime, mtime);
  else utimesSync(file, mtime, mtime);
}

async function applyEntry(state: LayerState, header: Headers, content: Readable): Promise<void> {
  const name = cleanEntryPath(header.name);
  const base = path.posix.basename(name);
  const dir = path.posix.dirname(name) === '.' ? '' : path.posix.dirname(name);
  if (!name) return void content.resume();
  if (base === OPAQUE) {
    makeOpaque(state, dir);
    return void content.resume();
  }
  if (base.startsWith(WHITEOUT)) {
    const parent = resolveInRoot(state.root, dir);
    rmSync(path.join(parent, base.slice(WHITEOUT.length)), { recursive: true, force: true });
    state.parents.clear();
    return void content.resume();
  }
  const parent = realParent(state, dir);
  const target = path.join(parent, base);
  markWritten(state, name);
  switch (header.type) {
    case 'directory': {
      clear(state, target, true);
      mkdirSync(target, { recursive: true });
      setOwnerAndMode(target, header, false);
      state.directoryTimes.push([target, header.mtime ?? new Date(0)]);
      return void content.resume();
    }
    case 'file':
    case 'contiguous-file': {
      const size = header.size ?? 0;
      if (state.bytes + size > state.maxBytes) state.onTooLarge(state.bytes + size);
      state.bytes += size;
      clear(state, target, false);
      // 'wx' creates a new file and fails on anything there: a link planted meanwhile is never written through
      await pipeline(content, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
      setOwnerAndMode(target, header, false);
      return;
    }
    case 'symlink': {
      clear(state, target, false);
      symlinkSync(header.linkname ?? '', target);
      state.parents.clear();
      setOwnerAndMode(target, header, true);
      return void content.resume();
    }
    case 'link': {
      // The link target is resolved inside the root, its last component not followed: a hard link
      // to a symlink links the symlink itself, never what it points at on the host.
      const source = resolveInRoot(state.root, cleanEntryPath(header.linkname ?? ''), false);
      clear(state, target, false);
      if (!lstatOrNull(source)) {
        state.skipped.push(`${name}: hard link to missing ${header.linkname}`);
        return void content.resume();
      }
      linkSync(source, target);
      return void content.resume();
    }
    default: {
      state.skipped.push(`${name}: ${header.type} not created`);
      return void content.resume();
    }
  }
}

/**
 * Applies one uncompressed layer tar to the root filesystem `state.root`, as the OCI image spec
 * says: entries replace what lower layers put at their path, `.wh.<name>` deletes `<name>`,
 * `.wh..wh..opq` empties its directory of lower-layer content. Every path, link target and
 * parent is resolved inside the root (`..` stops at it, symbolic links are followed as in a
 * chroot), so no entry can write outside it. Owners, modes and mtimes are kept (rpm -Va checks
 * them); devices and fifos are skipped and listed in `state.skipped`.
 * @see https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md#applying-changesets
 */
export async function applyLayer(tarStream: Readable, state: UnpackState): Promise<void> {
  const layer: LayerState = Object.assign(state, { written: new Set<string>(), parents: new Map<string, string>() });
  const entries = tarStreamPackage().extract();
  // The feeding pipeline fails (a body stream aborted by its time limit, a broken gzip) while the
  // loop below awaits an entry's file write: its rejection must be handled from the start, or
  // Node reports it unhandled (and by default exits) before the loop gets to await it.
  const feeding = pipeline(tarStream, entries).then(
    () => null,
    (error: unknown) => error,
  );
  try {
    for await (const entry of entries) {
      state.files += 1;
      if (state.maxFiles !== undefined && state.files > state.maxFiles) state.onTooManyFiles(state.files);
      await applyEntry(layer, entry.header, entry);
    }
  } catch (error) {
    tarStream.destroy();
    entries.destroy();
    const fed = await feeding;
    // Our own bound (size, file count) says why, and the feed then only reports that we closed it;
    // otherwise the stream's error (a time limit, bad gzip) says it better than the loop's.
    throw error instanceof ImageError || !fed || isPrematureClose(fed) ? error : fed;
  }
  const failed = await feeding;
  if (failed) throw failed;
}

/** The error a stream reports when it was closed under it (Node's and streamx's words). */
function isPrematureClose(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || message === 'Premature close';
}

/** Sets directory mtimes after every layer is in, deepest first. */
export function finishDirectories(state: UnpackState): void {
  for (const [dir, mtime] of state.directoryTimes.reverse()) {
    try {
      utimesSync(dir, mtime, mtime);
    } catch {
      // removed by a later layer
    }
  }
}
