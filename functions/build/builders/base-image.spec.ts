import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startLocalRegistry, type LocalRegistry } from '../../../shared/registry/local-registry';
import { baseImageDigests, fullImageId, pipelineManifestLookup, type BuiltBase, type CurrentManifest } from './base-image';
import { pushImage, type PushedImage } from './__fixtures__/pushed-image';

const NAME = '127.0.0.1:5000/sample/base:latest';
const SERVED = `sha256:${'a'.repeat(64)}`;
const STORAGE = `sha256:${'b'.repeat(64)}`;
const CONFIG = `sha256:${'c'.repeat(64)}`;
const OTHER_CONFIG = `sha256:${'e'.repeat(64)}`;

/** A registry that serves `SERVED` with `configDigest` for every name, and counts the questions. */
function serving(configDigest: string): CurrentManifest & { asked: string[] } {
  const asked: string[] = [];
  return Object.assign((ref: string) => (asked.push(ref), Promise.resolve({ digest: SERVED, configDigest })), { asked });
}

describe('the base image digest both backends record', () => {
  it.each<[string, BuiltBase | null, CurrentManifest, { ref: string; digest: string }[]]>([
    [
      'served config matches → the registry’s digest',
      { name: NAME, storageDigest: STORAGE, imageId: CONFIG },
      serving(CONFIG),
      [{ ref: NAME, digest: SERVED }],
    ],
    [
      'the id as bare hex, as buildah inspect writes it',
      { name: NAME, storageDigest: STORAGE, imageId: 'c'.repeat(64) },
      serving(CONFIG),
      [{ ref: NAME, digest: SERVED }],
    ],
    [
      'served config differs → the storage’s digest',
      { name: NAME, storageDigest: STORAGE, imageId: CONFIG },
      serving(OTHER_CONFIG),
      [{ ref: NAME, digest: STORAGE }],
    ],
    [
      'lookup answers nothing → the storage’s digest',
      { name: NAME, storageDigest: STORAGE, imageId: CONFIG },
      () => Promise.resolve(null),
      [{ ref: NAME, digest: STORAGE }],
    ],
    [
      'lookup throws → the storage’s digest',
      { name: NAME, storageDigest: STORAGE, imageId: CONFIG },
      () => Promise.reject(new Error('refused')),
      [{ ref: NAME, digest: STORAGE }],
    ],
    [
      'served digest not a sha256 digest → the storage’s digest',
      { name: NAME, storageDigest: STORAGE, imageId: CONFIG },
      () => Promise.resolve({ digest: 'sha256:short', configDigest: CONFIG }),
      [{ ref: NAME, digest: STORAGE }],
    ],
    ['no image id → the storage’s digest, registry not asked', { name: NAME, storageDigest: STORAGE }, serving(CONFIG), [{ ref: NAME, digest: STORAGE }]],
    ['no storage digest and no match → none', { name: NAME, imageId: CONFIG }, serving(OTHER_CONFIG), []],
    ['a storage digest that is not one → none', { name: NAME, storageDigest: 'md5:abc', imageId: CONFIG }, serving(OTHER_CONFIG), []],
    ['no annotation (FROM scratch) → none', null, serving(CONFIG), []],
  ])('%s', async (_case, base, current, expected) => {
    await expect(baseImageDigests(base, current)).resolves.toEqual(expected);
  });

  it('asks the registry only when the storage knows the image id', async () => {
    const current = serving(CONFIG);
    await baseImageDigests({ name: NAME, storageDigest: STORAGE }, current);
    await baseImageDigests(null, current);
    expect(current.asked).toEqual([]);
    await baseImageDigests({ name: NAME, imageId: CONFIG }, current);
    expect(current.asked).toEqual([NAME]);
  });

  it.each([
    [CONFIG, CONFIG],
    ['c'.repeat(64), CONFIG],
    ['c'.repeat(63), null],
    [`sha512:${'c'.repeat(64)}`, null],
    ['C'.repeat(64), null],
    ['', null],
  ])('image id %j is the config digest %j', (id, full) => {
    expect(fullImageId(id)).toBe(full);
  });
});

describe('the pipeline registry lookup', () => {
  let root: string;
  let registry: LocalRegistry;
  let base: PushedImage;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ccp-base-image-'));
    registry = await startLocalRegistry({ dir: path.join(root, 'registry'), login: true });
    base = await pushImage(registry, 'sample/base', 'latest', 'base');
  });
  afterAll(async () => {
    await registry.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('answers what the registry serves for the name, with the function’s login', async () => {
    await expect(pipelineManifestLookup(registry.access)(base.ref)).resolves.toEqual({ digest: base.digest, configDigest: base.configDigest });
  });

  it.each([
    ['without the login (401)', () => pipelineManifestLookup({ address: registry.address, tlsVerify: false }), () => base.ref],
    ['a tag the registry does not have', () => pipelineManifestLookup(registry.access), () => `${registry.address}/sample/base:missing`],
    // Another registry is never asked: the login goes to the pipeline's registry only.
    ['a base on another registry', () => pipelineManifestLookup(registry.access), () => 'docker.io/library/alpine:3.19'],
    ['a name that is no reference', () => pipelineManifestLookup(registry.access), () => 'not a reference'],
  ])('answers null for %s', async (_case, lookup, ref) => {
    await expect(lookup()(ref())).resolves.toBeNull();
  });
});
