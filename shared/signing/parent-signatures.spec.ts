import { parentSignatureMessage, skopeoMessage } from './parent-signatures';

describe('the words of a parent signature that does not verify', () => {
  it.each([
    [
      'a digest mismatch',
      'time="2026-12-06T06:56:03Z" level=fatal msg="Error verifying signature: Signature for docker digest \\"sha256:c269\\" does not match"',
      'Error verifying signature: Signature for docker digest "sha256:c269" does not match',
    ],
    [
      "gpgme's struct dump cut off",
      'time="2026-12-06T06:56:06Z" level=fatal msg="Error verifying signature: Invalid GPG signature: gpgme.Signature{Summary:4, Fingerprint:\\"2541\\", Status:gpgme.Error{err:0x7000008}}"',
      'Error verifying signature: Invalid GPG signature',
    ],
    ['a line without msg=', 'skopeo standalone-verify exited with 1', 'skopeo standalone-verify exited with 1'],
    ['a long line', `msg="${'x'.repeat(400)}"`, `${'x'.repeat(300)}…`],
  ])('%s', (_name, line, expected) => {
    expect(skopeoMessage(line)).toBe(expected);
  });

  it.each([
    [{ verified: false, problem: 'no signature' as const, reason: 'no signature at the lookaside' }, 'no signature: no signature at the lookaside'],
    [{ verified: false, problem: 'unreachable' as const }, 'unreachable'],
    [{ verified: false }, 'bad signature'],
  ])('names the parent, its digest and why: %j', (verdict, why) => {
    expect(parentSignatureMessage('team/base:latest', { ref: 'r:5000/team/base:latest', digest: 'sha256:ab', ...verdict })).toBe(
      `parent team/base:latest (r:5000/team/base:latest@sha256:ab) signature does not verify (${why})`,
    );
  });
});
