import { generateKeyPairSync, verify } from 'node:crypto';
import { preAuthEncoding, signEnvelope, verifyEnvelope } from './dsse';

describe('DSSE', () => {
  it("encodes PAE as the protocol's own example does", () => {
    // https://github.com/secure-systems-lab/dsse/blob/master/protocol.md#signature-definition (test vector)
    expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString('utf8')).toEqual(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });

  it('counts bytes, not characters', () => {
    expect(preAuthEncoding('t', Buffer.from('é')).toString('utf8')).toEqual('DSSEv1 1 t 2 é');
  });

  it('signs the PAE of the payload, not the payload itself', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const envelope = signEnvelope(Buffer.from('{"a":1}'), privateKey);
    const sig = Buffer.from(envelope.signatures[0]!.sig, 'base64');
    expect({
      payloadType: envelope.payloadType,
      payload: Buffer.from(envelope.payload, 'base64').toString('utf8'),
      overPae: verify('sha256', preAuthEncoding(envelope.payloadType, Buffer.from('{"a":1}')), publicKey, sig),
      overPayload: verify('sha256', Buffer.from('{"a":1}'), publicKey, sig),
    }).toEqual({ payloadType: 'application/vnd.in-toto+json', payload: '{"a":1}', overPae: true, overPayload: false });
  });
});

describe('verifyEnvelope', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const envelope = signEnvelope(Buffer.from('{"a":1}'), privateKey);

  it.each([
    ['the envelope as signed', envelope, true],
    ['another payload', { ...envelope, payload: Buffer.from('{"a":2}').toString('base64') }, false],
    ['another payload type', { ...envelope, payloadType: 'application/json' }, false],
    ['no signatures', { ...envelope, signatures: [] }, false],
    ['a second, bad signature', { ...envelope, signatures: [...envelope.signatures, { keyid: '', sig: 'AAAA' }] }, false],
  ])('%s: %s', (_name, candidate, expected) => {
    expect(verifyEnvelope(candidate, publicKey)).toBe(expected);
  });

  it('refuses another key', () => {
    expect(verifyEnvelope(envelope, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey)).toBe(false);
  });
});
