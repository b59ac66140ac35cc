import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { Logger } from '../log/logger';
import { bearerMatches } from '../registry/notify-token';

/** The file under the data dir that holds the generated token when `CCP_INGRESS_TOKEN` is unset. */
export const INGRESS_TOKEN_FILE = 'ingress-token';

/** A generated token: 32 random bytes, base64url (43 characters). A file holding anything else is replaced. */
const GENERATED = /^[A-Za-z0-9_-]{43}$/;

/** The token `POST /` of the embedded runtime's door requires, and where an admin reads it. */
export interface IngressToken {
  token: string;
  /** The file holding it (mode 0600), or `null` for a configured `CCP_INGRESS_TOKEN`. */
  file: string | null;
}

/**
 * The embedded door's token: `CCP_INGRESS_TOKEN` when configured, else the one in
 * `<data-dir>/ingress-token`, reused when it is a regular file of ours holding a well-formed
 * token (its mode reset to 0600), else a fresh random one written there (0600, via rename, so a
 * reader never sees half a token and a planted symlink is replaced, not followed). Call with the
 * data dir lock held (`startEmbeddedRuntime`), so no two processes write the file at once.
 * @see ../../README.md#configuration
 */
export async function ingressTokenFor(config: { dataDir: string; ingressToken?: string }): Promise<IngressToken> {
  if (config.ingressToken) return { token: config.ingressToken, file: null };
  const file = path.join(config.dataDir, INGRESS_TOKEN_FILE);
  const kept = await readKept(file);
  if (kept) return { token: kept, file };
  const token = randomBytes(32).toString('base64url');
  await mkdir(config.dataDir, { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(`${token}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { token, file };
}

/** The kept token, or `null` when the file is missing, not a regular file of ours, or not a generated token. */
async function readKept(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ELOOP: a symlink (O_NOFOLLOW); it is replaced by a file of our own.
    if (code === 'ENOENT' || code === 'ELOOP') return null;
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > 256 || (typeof process.getuid === 'function' && stat.uid !== process.getuid())) return null;
    const token = (await handle.readFile('utf8')).trim();
    if (!GENERATED.test(token)) return null;
    if ((stat.mode & 0o077) !== 0) await handle.chmod(0o600);
    return token;
  } finally {
    await handle.close();
  }
}

/** The `Authorization` header that carries `token` to the embedded door. */
export function ingressAuthorization(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/**
 * Express middleware for the embedded door's `POST /`: on only with `token` as the Bearer token
 * (compared as SHA-256 digests in constant time, {@link bearerMatches}), checked before the body
 * is read; else 401 JSON `{error}` with `WWW-Authenticate: Bearer` and the connection closed.
 * Untrusted code on the host (a prebuild with network, a Dockerfile RUN step) shares 127.0.0.1
 * with the door, so without this any of it could forge any event, unsigned.
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3
 */
export function requireIngressToken(token: string, log: Logger): RequestHandler {
  if (token === '') throw new Error('the ingress token is empty');
  return (request, response, next) => {
    if (bearerMatches(request.get('authorization'), [token])) return next();
    const error = 'an event needs the ingress Bearer token (CCP_INGRESS_TOKEN, or the data dir file ingress-token)';
    log.warn('event refused', {
      status: 401,
      error,
      withAuthorization: request.get('authorization') !== undefined,
      eventId: String(request.headers['ce-id'] ?? ''),
      remote: request.socket.remoteAddress,
    });
    response.set('WWW-Authenticate', 'Bearer realm="ccp-ingress"').set('Connection', 'close').status(401).json({ error });
  };
}
