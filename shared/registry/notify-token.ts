import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../log/logger';

/**
 * A fresh bearer token for one registry's notifications: 32 random bytes, base64url. The local
 * registry `ccp` starts gets a new one on every start, so no token outlives the process.
 */
export function newNotifyToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The `headers` of a distribution notification endpoint that send `token` with every notification. */
export function notifyTokenHeaders(token: string): Record<string, string[]> {
  return { Authorization: [`Bearer ${token}`] };
}

/**
 * Whether the `Authorization` header carries one of `tokens` as a Bearer token. Compares SHA-256
 * digests with `timingSafeEqual` and always against every token, so neither the time taken nor an
 * early exit tells an attacker how much of a guess was right, or how long the token is.
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 */
export function bearerMatches(authorization: string | undefined, tokens: readonly string[]): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  const given = digest(match?.[1] ?? '');
  let found = false;
  for (const token of tokens) found = timingSafeEqual(given, digest(token)) || found;
  return match !== null && found;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Express middleware that lets a request on only with one of `tokens` as its Bearer token,
 * checked before the body is read; else 401 JSON `{error}` with `WWW-Authenticate: Bearer`.
 * Empty or unset tokens are dropped; with none left every request is refused (an endpoint
 * nobody configured a token for takes no notification at all).
 * @see https://distribution.github.io/distribution/about/notifications/
 */
export function requireBearerToken(tokens: ReadonlyArray<string | undefined | null>, log: Logger): RequestHandler {
  const accepted = tokens.filter((token): token is string => typeof token === 'string' && token !== '');
  return (request, response, next) => {
    if (accepted.length > 0 && bearerMatches(request.get('authorization'), accepted)) return next();
    const error =
      accepted.length === 0
        ? 'no registry notification token is configured (CCP_REGISTRY_NOTIFY_TOKEN): notifications are refused'
        : 'a registry notification needs its Bearer token';
    log.warn('registry notification refused', {
      status: 401,
      error,
      withAuthorization: request.get('authorization') !== undefined,
      remote: request.socket.remoteAddress,
    });
    // The body is not read: close the connection rather than drain what an intruder sends.
    response.set('WWW-Authenticate', 'Bearer realm="ccp-registry-notifications"').set('Connection', 'close').status(401).json({ error });
  };
}
