import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../process/run-process';

/** The Basic auth login of a registry `ccp` started. */
export interface RegistryLogin {
  username: string;
  password: string;
}

/** No bcrypt hash could be made (no `perl`, or a crypt(3) without bcrypt). */
export class RegistryLoginError extends Error {
  override readonly name = 'RegistryLoginError';
}

/** Where the login is kept, under the registry's folder: readable by this user only. */
export const LOGIN_FILE = 'login.json';
/** The htpasswd file the registry reads, rewritten from the login on each start. */
export const HTPASSWD_FILE = 'htpasswd';

const USERNAME = /^ccp-[0-9a-f]{12}$/;
const PASSWORD = /^[A-Za-z0-9_-]{43}$/;

/**
 * The login kept in `<dir>/login.json` (mode 0600), made on first use: a random user and a random
 * 256-bit password. It outlives restarts on purpose: images pushed by an earlier run stay readable
 * with it, and so do the build records and journalled events that an earlier run left to replay.
 * A file that is not a login of this shape is replaced by a new one (the registry's storage does
 * not depend on it: a new login reads every image).
 */
export async function loadOrCreateLogin(dir: string): Promise<RegistryLogin> {
  const file = path.join(dir, LOGIN_FILE);
  const kept = await readLogin(dir);
  if (kept) {
    // Made by an older copy or by hand with a wider mode: narrowed, as a new one would be.
    await chmod(file, 0o600);
    return kept;
  }
  const login: RegistryLogin = { username: `ccp-${randomBytes(6).toString('hex')}`, password: randomBytes(32).toString('base64url') };
  const temporary = `${file}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  await writeFile(temporary, `${JSON.stringify(login)}\n`, { mode: 0o600 });
  await rename(temporary, file);
  return login;
}

/** The login kept in `<dir>/login.json`, or `null` when there is none (nothing is made). */
export async function readLogin(dir: string): Promise<RegistryLogin | null> {
  return readFile(path.join(dir, LOGIN_FILE), 'utf8').then(parseLogin, () => null);
}

function parseLogin(text: string): RegistryLogin | null {
  try {
    const value = JSON.parse(text) as Partial<RegistryLogin>;
    if (typeof value.username === 'string' && USERNAME.test(value.username) && typeof value.password === 'string' && PASSWORD.test(value.password)) {
      return { username: value.username, password: value.password };
    }
  } catch {
    // not JSON: replaced below
  }
  return null;
}

/**
 * Writes `<dir>/htpasswd` (mode 0600) for `login`, the file distribution's `auth: htpasswd`
 * reads, and returns its path.
 * @see https://distribution.github.io/distribution/about/configuration/#htpasswd
 */
export async function writeHtpasswd(dir: string, login: RegistryLogin): Promise<string> {
  const file = path.join(dir, HTPASSWD_FILE);
  await rm(file, { force: true });
  await writeFile(file, `${login.username}:${await bcryptHash(login.password)}\n`, { mode: 0o600 });
  return file;
}

/** bcrypt's base64 alphabet (not RFC 4648's order). */
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The bcrypt hash (`$2b$05$…`) of `password`, which distribution's htpasswd accepts (and no
 * other scheme). Made by the C library's crypt(3) through `perl` (perl-base is Essential in Debian
 * and libxcrypt knows bcrypt), so neither a package nor an npm module is added; the password goes
 * in on stdin, never on a command line. Cost 5: the registry checks the hash on every request,
 * and against a random 256-bit password a higher cost buys nothing.
 * @see https://man7.org/linux/man-pages/man3/crypt.3.html
 */
export async function bcryptHash(password: string): Promise<string> {
  const random = randomBytes(22);
  // 22 salt characters carry 128 bits: the last one's low 4 bits are unused and must be 0.
  const salt = [...random.subarray(0, 21)].map((byte) => BCRYPT_ALPHABET[byte % 64]).join('') + '.Oeu'[random[21]! % 4];
  const setting = `$2b$05$${salt}`;
  const hash = await runPerlCrypt(password, setting);
  if (!hash.startsWith(setting) || !/^[./A-Za-z0-9]{31}$/.test(hash.slice(setting.length))) {
    throw new RegistryLoginError(`crypt(3) made no bcrypt hash (got ${JSON.stringify(hash.slice(0, 7))}): the C library lacks bcrypt`);
  }
  return hash;
}

async function runPerlCrypt(password: string, setting: string): Promise<string> {
  const result = await runCommand('perl', ['-e', 'local $/; my $p = <STDIN>; print crypt($p, $ARGV[0]) // ""', setting], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    input: password,
    timeoutMs: 30_000,
    maxBytes: 64 * 1024,
  }).catch((error: Error) => {
    throw new RegistryLoginError(`cannot run perl to hash the registry password: ${error.message}`);
  });
  if (result.code !== 0) throw new RegistryLoginError(`perl crypt(3) exited with ${result.code}: ${result.stderr.trim().slice(0, 200)}`);
  return result.stdout.trim();
}
