import { parseBuildReport, type BuildReport } from './complete';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const BASE_DIGEST = `sha256:${'b'.repeat(64)}`;
const BASE_ID = 'c'.repeat(64);
const NAME = 'registry.example.org:5000/sample/base:latest';
const lines = (...parts: string[]) => parts.map((part) => `${part}\n`).join('');
const full = lines(`digest=${DIGEST}`, `base-name=${NAME}`, `base-digest=${BASE_DIGEST}`, `base-id=${BASE_ID}`);

describe('the build container’s termination message', () => {
  it.each<[string, string, BuildReport]>([
    ['digest and base', full, { digest: DIGEST, base: { name: NAME, storageDigest: BASE_DIGEST, imageId: `sha256:${BASE_ID}` } }],
    ['an image FROM scratch: the digest alone', lines(`digest=${DIGEST}`), { digest: DIGEST, base: null }],
    ['the bare digest of a Job an older version started', DIGEST, { digest: DIGEST, base: null }],
    ['the bare digest with a line break', `${DIGEST}\n`, { digest: DIGEST, base: null }],
    ['a name alone (no id, no digest)', lines(`digest=${DIGEST}`, `base-name=${NAME}`), { digest: DIGEST, base: { name: NAME } }],
    [
      'a name on docker.io',
      lines(`digest=${DIGEST}`, 'base-name=docker.io/library/alpine:3.19'),
      { digest: DIGEST, base: { name: 'docker.io/library/alpine:3.19' } },
    ],
    [
      'unknown keys and other lines are ignored',
      lines('note=hi', 'not a field', `digest=${DIGEST}`, '', `base-name=${NAME}`),
      { digest: DIGEST, base: { name: NAME } },
    ],
  ])('%s', (_case, message, expected) => {
    expect(parseBuildReport(message)).toEqual(expected);
  });

  it.each<[string, string, BuildReport]>([
    ['a name with a space', full.replace(NAME, `${NAME} --x`), { digest: DIGEST, base: null }],
    ['a name with a control character', full.replace(NAME, `${NAME}\u001b[2J`), { digest: DIGEST, base: null }],
    ['a name starting with a dash', full.replace(NAME, `-${NAME}`), { digest: DIGEST, base: null }],
    ['a name without a registry host', full.replace(NAME, 'sample/base:latest'), { digest: DIGEST, base: null }],
    ['a name with an uppercase repository', full.replace(NAME, 'registry.example.org/Sample/base'), { digest: DIGEST, base: null }],
    ['a name longer than 512 characters', full.replace(NAME, `registry.example.org/${'a'.repeat(600)}:latest`), { digest: DIGEST, base: null }],
    ['a name given twice', `${full}base-name=registry.example.org/other:1\n`, { digest: DIGEST, base: null }],
    ['a short base digest', full.replace(BASE_DIGEST, 'sha256:abc'), { digest: DIGEST, base: { name: NAME, imageId: `sha256:${BASE_ID}` } }],
    ['a base id of another algorithm', full.replace(BASE_ID, `sha512:${BASE_ID}`), { digest: DIGEST, base: { name: NAME, storageDigest: BASE_DIGEST } }],
    ['a base digest given twice', `${full}base-digest=${BASE_DIGEST}\n`, { digest: DIGEST, base: { name: NAME, imageId: `sha256:${BASE_ID}` } }],
    [
      'a digest given twice (the pushed one is unknown)',
      `${full}digest=${BASE_DIGEST}\n`,
      { digest: null, base: { name: NAME, storageDigest: BASE_DIGEST, imageId: `sha256:${BASE_ID}` } },
    ],
    [
      'a digest in upper case',
      full.replace(DIGEST, DIGEST.toUpperCase()),
      { digest: null, base: { name: NAME, storageDigest: BASE_DIGEST, imageId: `sha256:${BASE_ID}` } },
    ],
    ['a log tail, not a report', 'STEP 2/2: RUN make\nError: building at STEP "RUN make": exit status 2', { digest: null, base: null }],
  ])('a malformed field fails only itself: %s', (_case, message, expected) => {
    expect(parseBuildReport(message)).toEqual(expected);
  });

  it('reads no further than the kubelet keeps (4096 characters): a field past that is not the script’s', () => {
    const padded = lines(`digest=${DIGEST}`, `note=${'x'.repeat(4096)}`, `base-name=${NAME}`);
    expect(parseBuildReport(padded)).toEqual({ digest: DIGEST, base: null });
    expect(parseBuildReport(`${full}note=${'x'.repeat(10_000)}\n`)).toEqual(parseBuildReport(full));
  });
});
