import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bcryptHash, loadOrCreateLogin, writeHtpasswd } from './registry-login';

/** Checks a hash with the C library's crypt(3), as an independent verifier would. */
function cryptAgain(password: string, hash: string): string {
  return spawnSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, hash], { encoding: 'utf8' }).stdout;
}

describe('registry login', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-registry-login-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('makes a random login once, mode 0600, and reads the same one back', async () => {
    const login = await loadOrCreateLogin(dir);
    expect(login.username).toMatch(/^ccp-[0-9a-f]{12}$/);
    expect(login.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(path.join(dir, 'login.json'))).mode & 0o777).toEqual(0o600);
    expect(await loadOrCreateLogin(dir)).toEqual(login);
    const other = await mkdtemp(path.join(os.tmpdir(), 'ccp-registry-login-'));
    try {
      expect((await loadOrCreateLogin(other)).password).not.toEqual(login.password);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it.each([
    ['not JSON', '{{{'],
    ['a short password', JSON.stringify({ username: 'ccp-0123456789ab', password: 'short' })],
    ['a username with a colon', JSON.stringify({ username: 'a:b', password: 'A'.repeat(43) })],
  ])('replaces a login file holding %s with a new login', async (_name, text) => {
    await writeFile(path.join(dir, 'login.json'), text, { mode: 0o644 });
    const login = await loadOrCreateLogin(dir);
    expect(JSON.parse(await readFile(path.join(dir, 'login.json'), 'utf8'))).toEqual(login);
    expect((await stat(path.join(dir, 'login.json'))).mode & 0o777).toEqual(0o600);
  });

  it('narrows a kept login file to mode 0600', async () => {
    const kept = { username: 'ccp-0123456789ab', password: 'B'.repeat(43) };
    await writeFile(path.join(dir, 'login.json'), JSON.stringify(kept), { mode: 0o644 });
    expect(await loadOrCreateLogin(dir)).toEqual(kept);
    expect((await stat(path.join(dir, 'login.json'))).mode & 0o777).toEqual(0o600);
  });

  it('hashes with bcrypt (cost 5, a new salt each time) that crypt(3) verifies', async () => {
    const [one, two] = await Promise.all([bcryptHash('pass-word-1'), bcryptHash('pass-word-1')]);
    expect(one).toMatch(/^\$2b\$05\$[./A-Za-z0-9]{53}$/);
    expect(one).not.toEqual(two);
    expect([cryptAgain('pass-word-1', one), cryptAgain('pass-word-2', one) === one]).toEqual([one, false]);
  });

  it('writes the htpasswd line user:hash, mode 0600', async () => {
    const login = await loadOrCreateLogin(dir);
    const file = await writeHtpasswd(dir, login);
    const [user, hash] = (await readFile(file, 'utf8')).trim().split(':');
    expect([user, cryptAgain(login.password, hash!), (await stat(file)).mode & 0o777]).toEqual([login.username, hash, 0o600]);
  });
});
