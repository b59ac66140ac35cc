import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** Why a bearer token is refused; the message names the check, never the token. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
}

/** The keys could not be read (JWKS endpoint down, file missing): not the sender's fault. */
export class KeysUnavailableError extends Error {
  override readonly name = 'KeysUnavailableError';
}

/** The claims a verified token carries that the receiver looks at. */
export interface VerifiedToken {
  issuer: string;
  subject: string;
  audience: string[];
  expiresAt: number;
}

export interface TokenExpectations {
  issuer: string;
  audience: string;
  /** Allowed `sub` values; `*` in one matches any run of characters. */
  subjects: readonly string[];
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
  leewaySeconds: number;
}

/** The algorithms a Kubernetes service-account issuer signs with; `none` and HMAC are never taken. */
const ALGORITHMS: Readonly<Record<string, { hash: string; kty: string; options: Record<string, unknown> }>> = {
  RS256: { hash: 'sha256', kty: 'RSA', options: {} },
  RS384: { hash: 'sha384', kty: 'RSA', options: {} },
  RS512: { hash: 'sha512', kty: 'RSA', options: {} },
  PS256: { hash: 'sha256', kty: 'RSA', options: { padding: 6, saltLength: 32 } },
  ES256: { hash: 'sha256', kty: 'EC', options: { dsaEncoding: 'ieee-p1363' } },
  ES384: { hash: 'sha384', kty: 'EC', options: { dsaEncoding: 'ieee-p1363' } },
};

const B64URL = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new TokenRejectedError(`the token's ${what} is not base64url JSON`);
}

/**
 * Verifies a compact JWS (a JWT) with a key of `keys` and checks its claims: issuer, audience,
 * subject, expiry and not-before. Throws {@link TokenRejectedError} naming the failed check.
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.2
 * @see https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-tokens
 */
export async function verifyJwt(token: string, keys: JwksCache, expected: TokenExpectations, nowSeconds: number): Promise<VerifiedToken> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => B64URL.test(part))) throw new TokenRejectedError('the token is not a compact JWT');
  const header = decodeJson(parts[0]!, 'header');
  const claims = decodeJson(parts[1]!, 'payload');
  const alg = typeof header.alg === 'string' ? header.alg : '';
  const algorithm = ALGORITHMS[alg];
  if (!algorithm) throw new TokenRejectedError(`the token's algorithm "${alg}" is not accepted`);
  const key = await keys.key(typeof header.kid === 'string' ? header.kid : undefined, algorithm.kty);
  if (!key) throw new TokenRejectedError(`no key of the issuer has the token's key id "${String(header.kid)}"`);
  const signed = verify(
    algorithm.hash,
    Buffer.from(`${parts[0]}.${parts[1]}`),
    { key, ...algorithm.options } as Parameters<typeof verify>[2],
    Buffer.from(parts[2]!, 'base64url'),
  );
  if (!signed) throw new TokenRejectedError('the token signature does not verify');

  if (claims.iss !== expected.issuer) throw new TokenRejectedError(`the token's issuer is not ${expected.issuer}`);
  const audience =
    typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((item): item is string => typeof item === 'string') : [];
  if (!audience.includes(expected.audience)) throw new TokenRejectedError(`the token is not for the audience ${expected.audience}`);
  if (typeof claims.exp !== 'number') throw new TokenRejectedError('the token has no expiry');
  if (claims.exp + expected.leewaySeconds < nowSeconds) throw new TokenRejectedError('the token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf - expected.leewaySeconds > nowSeconds) throw new TokenRejectedError('the token is not valid yet');
  if (typeof claims.iat === 'number' && claims.iat - expected.leewaySeconds > nowSeconds) throw new TokenRejectedError('the token was issued in the future');
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  const allowed = expected.subjects.some((pattern) => subjectPattern(pattern).test(subject));
  if (!allowed) throw new TokenRejectedError(`the token's subject "${subject}" is not an allowed sender`);
  return { issuer: expected.issuer, subject, audience, expiresAt: claims.exp };
}

/** `pattern` as an anchored regular expression in which `*` matches any run of characters and nothing else is special. */
function subjectPattern(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

export interface JwksSource {
  /** An `https://` or `http://` URL (the issuer's `jwks_uri`) or a file path holding the JWKS JSON. */
  location: string;
  /** A file with a bearer token for the URL (the API server's JWKS needs one unless opened to anyone). */
  tokenFile?: string;
  /** Keys are read again after this long, and at most this often when an unknown key id shows up (min 30 s). */
  refreshMs?: number;
}

/**
 * The issuer's public keys, read from a JWKS URL or file and kept for `refreshMs`; a token with
 * an unknown key id makes one early reload (a rotated key), at most every 30 s so that forged
 * key ids cannot make the receiver hammer the issuer.
 * @see https://www.rfc-editor.org/rfc/rfc7517
 */
export class JwksCache {
  private keys: Map<string, KeyObject> | null = null;
  private loadedAt = 0;
  private loading: Promise<Map<string, KeyObject>> | null = null;

  constructor(
    private readonly source: JwksSource,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key with `kid` (or the only key when the token names none and there is one) of type `kty`; `null` when absent. */
  async key(kid: string | undefined, kty: string): Promise<KeyObject | null> {
    if (!this.keys || this.now() - this.loadedAt > (this.source.refreshMs ?? 600_000)) await this.reload();
    const found = this.pick(kid, kty);
    if (found || this.now() - this.loadedAt < 30_000) return found;
    await this.reload();
    return this.pick(kid, kty);
  }

  private pick(kid: string | undefined, kty: string): KeyObject | null {
    const keys = this.keys ?? new Map<string, KeyObject>();
    const key = kid !== undefined ? keys.get(kid) : keys.size === 1 ? [...keys.values()][0] : undefined;
    const types = kty === 'RSA' ? ['rsa', 'rsa-pss'] : ['ec'];
    return key && types.includes(key.asymmetricKeyType ?? '') ? key : null;
  }

  private async reload(): Promise<void> {
    this.loading ??= this.read().finally(() => {
      this.loading = null;
    });
    this.keys = await this.loading;
    this.loadedAt = this.now();
  }

  private async read(): Promise<Map<string, KeyObject>> {
    let text: string;
    try {
      if (/^https?:\/\//.test(this.source.location)) {
        const token = this.source.tokenFile ? (await readFile(this.source.tokenFile, 'utf8')).trim() : undefined;
        const response = await fetch(this.source.location, {
          headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        text = await response.text();
      } else {
        text = await readFile(this.source.location, 'utf8');
      }
    } catch (error) {
      throw new KeysUnavailableError(`the issuer's keys could not be read from ${this.source.location}: ${(error as Error).message}`);
    }
    const keys = new Map<string, KeyObject>();
    const parsed = JSON.parse(text) as { keys?: unknown };
    for (const jwk of Array.isArray(parsed.keys) ? (parsed.keys as JsonWebKey[]) : []) {
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      try {
        keys.set(typeof jwk.kid === 'string' ? jwk.kid : '', createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // A key this runtime cannot read (another curve) is no key for us.
      }
    }
    return keys;
  }
}
