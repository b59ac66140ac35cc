import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { removeStorage } from '../shared/builds/storage';
import { startLocalRegistry } from '../shared/registry/local-registry';
import { parseImageReference } from '../shared/registry/reference';
import { RegistryClient } from '../shared/registry/registry-client';
import { signPushedImage } from '../shared/signing/image-signatures';
import { generateSigningKey } from '../shared/signing/simple-signing';
import { FsObjectStore } from '../shared/store/fs-store';
import type { Bench, BenchResult } from './types';

const exec = promisify(execFile);
const ROUNDS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * What signing adds to a build: each round builds a new image (a fresh layer of `layerBytes`
 * random bytes, from scratch) with buildah, then times `buildah push` to a local registry (what
 * the local backend does) and the build function's signing of the pushed digest (manifest read
 * back, a GNUPGHOME with the key imported, `skopeo standalone-sign`, the signature stored).
 * Signing does not grow with the image (it signs the manifest), so the ratio is given for a
 * small and a larger layer.
 */
export const signingBench: Bench = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-signing-'));
  const storageArgs = ['--root', path.join(dir, 'storage'), '--runroot', path.join(dir, 'run'), '--storage-driver', 'vfs'];
  const registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
  try {
    const store = new FsObjectStore(path.join(dir, 'store'));
    const client = new RegistryClient();
    const key = await generateSigningKey({ outDir: path.join(dir, 'keys'), userId: 'ccp bench <ccp@localhost>' });
    const results: BenchResult[] = [];
    for (const [label, layerBytes] of [
      ['64 KiB layer', 64 * 1024],
      ['16 MiB layer', 16 * 1024 * 1024],
    ] as const) {
      const pushMs: number[] = [];
      const signMs: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const context = await mkdtemp(path.join(dir, 'context-'));
        await writeFile(path.join(context, 'data.bin'), randomBytes(layerBytes));
        await writeFile(path.join(context, 'Containerfile'), 'FROM scratch\nCOPY data.bin /data.bin\n');
        const ref = `${registry.address}/bench/signed:r${round}-${layerBytes}`;
        await exec('buildah', [...storageArgs, 'bud', '--isolation', 'chroot', '-f', path.join(context, 'Containerfile'), '-t', ref, context]);
        const digestFile = path.join(context, 'digest');
        let started = performance.now();
        await exec('buildah', [...storageArgs, 'push', '--tls-verify=false', '--digestfile', digestFile, ref, `docker://${ref}`]);
        pushMs.push(performance.now() - started);
        const digest = (await readFile(digestFile, 'utf8')).trim();
        started = performance.now();
        await signPushedImage({ client, store, ref: parseImageReference(ref), digest, keyFile: key.secretKeyFile });
        signMs.push(performance.now() - started);
        await rm(context, { recursive: true, force: true });
      }
      const push = median(pushMs);
      const sign = median(signMs);
      results.push(
        { name: `push alone, ${label} (median of ${ROUNDS})`, value: push, unit: 'ms' },
        { name: `signing after the push, ${label}`, value: sign, unit: 'ms' },
        { name: `signing / push, ${label}`, value: sign / push, unit: 'x', note: 'manifest read back, key imported, skopeo standalone-sign, stored' },
      );
    }
    return results;
  } finally {
    await registry.stop();
    await removeStorage(path.join(dir, 'storage'), path.join(dir, 'run'));
    await rm(dir, { recursive: true, force: true });
  }
};
