import { sign, verify, type KeyObject } from 'node:crypto';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A DSSE envelope, JSON form. @see https://github.com/secure-systems-lab/dsse/blob/master/envelope.md */
export interface DsseEnvelope {
  payloadType: string;
  /** Base64 of the serialized payload. */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/**
 * DSSE's Pre-Authentication Encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`,
 * lengths as ASCII decimal byte counts; what is signed, so the type cannot be swapped.
 * @see https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
 */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/**
 * Signs `payload` into a DSSE envelope with an ECDSA key (SHA-256, ASN.1 DER signature, as
 * cosign and in-toto verifiers expect). `keyid` is left empty, as cosign leaves it: the verifier
 * is told the key.
 * @see https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
 */
export function signEnvelope(payload: Buffer, key: KeyObject, payloadType = IN_TOTO_PAYLOAD_TYPE): DsseEnvelope {
  const sig = sign('sha256', preAuthEncoding(payloadType, payload), key);
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: '', sig: sig.toString('base64') }] };
}

/**
 * Whether `envelope` verifies with `publicKey`: at least one signature, and every signature an
 * ECDSA/SHA-256 signature over PAE(payloadType, payload), so neither the payload nor its type can
 * be swapped.
 * @see https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
 */
export function verifyEnvelope(envelope: DsseEnvelope, publicKey: KeyObject): boolean {
  if (typeof envelope.payloadType !== 'string' || typeof envelope.payload !== 'string' || !Array.isArray(envelope.signatures)) return false;
  const pae = preAuthEncoding(envelope.payloadType, Buffer.from(envelope.payload, 'base64'));
  return (
    envelope.signatures.length > 0 &&
    envelope.signatures.every((signature) => typeof signature?.sig === 'string' && verify('sha256', pae, publicKey, Buffer.from(signature.sig, 'base64')))
  );
}
