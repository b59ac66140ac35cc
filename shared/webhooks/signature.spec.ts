import { bodyDigest, signBody, signTimestampedBody, tokensEqual, verifyBodySignature, verifyTimestampedSignature } from './signature';

// GitHub's documented test vector for X-Hub-Signature-256.
const SECRET = "It's a Secret to Everybody";
const BODY = Buffer.from('Hello, World!');
const SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('signBody / verifyBodySignature', () => {
  it("signs as GitHub's documented example", () => {
    expect(signBody(BODY, SECRET)).toBe(SIGNATURE);
  });

  it('accepts the right signature, in upper-case hex too', () => {
    expect([verifyBodySignature(SIGNATURE, BODY, SECRET), verifyBodySignature(SIGNATURE.toUpperCase().replace('SHA256', 'sha256'), BODY, SECRET)]).toEqual([
      true,
      true,
    ]);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another secret', signBody(BODY, 'not the secret')],
    ['a SHA-1 signature', 'sha1=0123456789abcdef0123456789abcdef01234567'],
    ['a short digest', SIGNATURE.slice(0, -2)],
    ['a long digest', `${SIGNATURE}00`],
    ['non-hex digits', SIGNATURE.replace(/.$/, 'z')],
    ['the digest without its prefix', SIGNATURE.slice('sha256='.length)],
  ])('refuses %s', (_case, header) => {
    expect(verifyBodySignature(header, BODY, SECRET)).toBe(false);
  });

  it('covers the raw bytes: the same JSON re-serialised does not verify', () => {
    const raw = Buffer.from('{"ref": "refs/heads/main",\n "after": "abc"}');
    const signature = signBody(raw, SECRET);
    expect([
      verifyBodySignature(signature, raw, SECRET),
      verifyBodySignature(signature, Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), SECRET),
    ]).toEqual([true, false]);
  });
});

describe('tokensEqual', () => {
  it.each([
    ['the same token', 's3cret', true],
    ['another token of the same length', 's3cres', false],
    ['a prefix of the token', 's3cr', false],
    ['a longer token', 's3cret!', false],
    ['no token', undefined, false],
  ])('%s → %s', (_case, given, expected) => {
    expect(tokensEqual(given, 's3cret')).toBe(expected);
  });
});

describe('bodyDigest', () => {
  it('is the hex SHA-256 of the bytes', () => {
    expect(bodyDigest(BODY)).toBe('dffd6021bb2bd5b0af676290809ec3a53191dd81c7f70a4b28688a362182986f');
  });
});

describe('signTimestampedBody / verifyTimestampedSignature', () => {
  const TIMESTAMP = '1765000000';

  it('signs `<timestamp>.<body>`, as openssl does over that text', () => {
    expect(signTimestampedBody(TIMESTAMP, BODY, SECRET)).toBe(signBody(`${TIMESTAMP}.${BODY.toString()}`, SECRET));
  });

  it.each([
    ['the signature of its own timestamp', TIMESTAMP, signTimestampedBody(TIMESTAMP, BODY, SECRET), true],
    ['a fresh timestamp on a signature made for another', '1765000301', signTimestampedBody(TIMESTAMP, BODY, SECRET), false],
    ['the body-only signature with a timestamp added', TIMESTAMP, signBody(BODY, SECRET), false],
    ['another secret', TIMESTAMP, signTimestampedBody(TIMESTAMP, BODY, 'not the secret'), false],
  ])('%s', (_case, timestamp, header, verified) => {
    expect(verifyTimestampedSignature(header, timestamp, BODY, SECRET)).toBe(verified);
  });
});
