import { generateKeyPairSync } from 'node:crypto';
import { attestationArtifact, cosignTag, extendedAttestationArtifact, signatureArtifact, simpleSigningPayload } from './cosign';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('cosign format', () => {
  it.each([
    ['sig', `sha256-${'ab'.repeat(32)}.sig`],
    ['att', `sha256-${'ab'.repeat(32)}.att`],
  ] as const)('tags the %s artifact by the signed digest', (suffix, tag) => {
    expect(cosignTag(DIGEST, suffix)).toEqual(tag);
  });

  it('writes the simple-signing payload cosign writes', () => {
    expect(simpleSigningPayload('127.0.0.1:5000/a/b', DIGEST).toString('utf8')).toEqual(
      `{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/a/b"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":null}`,
    );
  });

  it('pushes the config and the payload, and a manifest naming both', () => {
    const artifact = signatureArtifact('r/a', DIGEST, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    const manifest = JSON.parse(artifact.manifest.toString('utf8'));
    expect({ blobs: artifact.blobs.length, payload: artifact.blobs[1]!.toString('utf8'), size: manifest.layers[0].size }).toEqual({
      blobs: 2,
      payload: simpleSigningPayload('r/a', DIGEST).toString('utf8'),
      size: simpleSigningPayload('r/a', DIGEST).length,
    });
  });

  it('annotates each attestation layer with its predicate type and an empty signature', () => {
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: 'e30=', signatures: [{ keyid: '', sig: 'AA==' }] };
    const artifact = attestationArtifact(DIGEST, [
      { envelope, predicateType: 'https://slsa.dev/provenance/v1' },
      { envelope, predicateType: 'https://cyclonedx.org/bom' },
    ]);
    expect(JSON.parse(artifact.manifest.toString('utf8')).layers.map((layer: { annotations: unknown }) => layer.annotations)).toEqual([
      { 'dev.cosignproject.cosign/signature': '', predicateType: 'https://slsa.dev/provenance/v1' },
      { 'dev.cosignproject.cosign/signature': '', predicateType: 'https://cyclonedx.org/bom' },
    ]);
  });

  it('appends to layers already in the registry without pushing their blobs again, the config naming every layer', () => {
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: 'e30=', signatures: [{ keyid: '', sig: 'AA==' }] };
    const kept = {
      mediaType: 'application/vnd.dsse.envelope.v1+json',
      size: 123,
      digest: `sha256:${'cd'.repeat(32)}`,
      annotations: { 'dev.cosignproject.cosign/signature': '', predicateType: 'https://slsa.dev/provenance/v1' },
    };
    const artifact = extendedAttestationArtifact(DIGEST, [kept], [{ envelope, predicateType: 'https://cyclonedx.org/bom' }]);
    const manifest = JSON.parse(artifact.manifest.toString('utf8'));
    const added = Buffer.from(JSON.stringify(envelope), 'utf8');
    expect(artifact.tag).toEqual(`sha256-${'ab'.repeat(32)}.att`);
    expect(manifest.layers[0]).toEqual(kept);
    expect(manifest.layers[1]).toMatchObject({ size: added.length, annotations: { predicateType: 'https://cyclonedx.org/bom' } });
    // Pushed: the new config and the new envelope only.
    expect(artifact.blobs.map((blob) => blob.toString('utf8'))).toEqual([expect.stringContaining('"diff_ids"'), added.toString('utf8')]);
    expect(JSON.parse(artifact.blobs[0]!.toString('utf8')).rootfs.diff_ids).toEqual([kept.digest, manifest.layers[1].digest]);
  });
});
