import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runSandboxed } from './bwrap';
import { SandboxUnavailableError, type SandboxRequest } from './types';

/** Real bwrap runs: what a script inside can see, write and print. */
describe('runSandboxed (bubblewrap)', () => {
  let dir: string;
  let work: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sandbox-'));
    work = path.join(dir, 'work');
    await mkdir(work);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function request(script: string, overrides: Partial<SandboxRequest> = {}): SandboxRequest {
    return {
      workDir: work,
      insideWorkDir: '/build/src',
      cwd: '/build/src',
      command: '/bin/sh',
      args: ['-c', script],
      env: { CCP_BUILD_ID: 'b-1' },
      hide: [dir],
      network: 'isolated',
      maxOutputBytes: 1024 * 1024,
      timeoutMs: 20_000,
      ...overrides,
    };
  }

  async function run(
    script: string,
    overrides: Partial<SandboxRequest> = {},
  ): Promise<{ code: number | null; out: string; limited: boolean; timedOut: boolean }> {
    let out = '';
    const result = await runSandboxed(request(script, { onOutput: (text) => void (out += text), ...overrides }));
    return { code: result.exitCode, out, limited: result.outputLimited, timedOut: result.timedOut };
  }

  it('passes only the allow-listed environment, to the script and to the sandbox init alike', async () => {
    process.env.CCP_WEBHOOK_SECRET = 'spec-webhook-secret-1234';
    try {
      const { code, out } = await run(
        'env | cut -d= -f1 | sort | tr "\\n" " "; echo; tr "\\0" "\\n" < /proc/1/environ | wc -c; cat /proc/*/environ | grep -c spec-webhook || true',
      );
      expect(code).toEqual(0);
      const [names, initEnvBytes, hits] = out.trim().split('\n');
      expect(
        names!
          .trim()
          .split(' ')
          .filter((name) => !['PWD', 'SHLVL', 'OLDPWD', '_'].includes(name)),
      ).toEqual(['CCP_BUILD_ID', 'HOME', 'PATH', ...['LANG', 'LC_ALL', 'TZ'].filter((name) => process.env[name] !== undefined)].sort());
      expect({ initEnvBytes, hits }).toEqual({ initEnvBytes: '0', hits: '0' });
    } finally {
      delete process.env.CCP_WEBHOOK_SECRET;
    }
  });

  it('sees only its own processes', async () => {
    const { out } = await run('ls /proc | grep -c "^[0-9]"; cat /proc/1/cmdline | tr "\\0" " "');
    const [count, init] = out.trim().split('\n');
    expect(Number(count)).toBeLessThanOrEqual(6);
    expect(init).toMatch(/^\/\S*bwrap --args 0 -- \/bin\/sh -c /);
  });

  it.each([
    ['the root', '/x'],
    ['the system', '/usr/x'],
    ['/etc', '/etc/x'],
    ['the parent of the work folder', '/build/x'],
  ])('cannot write to %s', async (_name, target) => {
    const { code } = await run(`echo pwned > ${target}`);
    expect(code).not.toEqual(0);
  });

  it('writes its work folder, and its /tmp is its own', async () => {
    const marker = `ccp-sandbox-tmp-${process.pid}`;
    const { code } = await run(`echo made > /build/src/made.txt && echo t > /tmp/${marker} && echo h > "$HOME/h"`);
    expect(code).toEqual(0);
    expect(await readFile(path.join(work, 'made.txt'), 'utf8')).toEqual('made\n');
    expect(await readdir(os.tmpdir())).not.toContain(marker);
  });

  it('shows no host path but the system and the work folder, and not the hidden ones under the system', async () => {
    const { out } = await run(
      `ls / | tr "\\n" " "; echo; echo --; ls /etc | tr "\\n" " "; echo; ls ${dir} 2>&1 | head -1; ls -A /usr/share/doc | wc -l; touch /usr/share/doc/x 2>/dev/null && echo cover-writable; wc -c < /etc/hosts; test -e /etc/shadow && echo shadow`,
      {
        hide: [dir, '/usr/share/doc', '/etc/hosts'],
      },
    );
    const [top, etc, hiddenDir, docEntries, hostsBytes, ...rest] = out
      .trim()
      .split('\n')
      .filter((line) => line !== '--');
    const names = top!.split(/\s+/).filter(Boolean);
    expect(names).toEqual(expect.arrayContaining(['build', 'dev', 'proc', 'tmp', 'usr']));
    expect(
      names.filter((name) => !['bin', 'build', 'dev', 'etc', 'lib', 'lib32', 'lib64', 'libx32', 'proc', 'sbin', 'tmp', 'usr', 'var'].includes(name)),
    ).toEqual([]);
    expect(etc!.split(' ').filter(Boolean)).not.toEqual(expect.arrayContaining(['shadow']));
    expect(hiddenDir).toMatch(/No such file or directory/);
    // A hidden file is covered by /dev/null on a nodev mount: it cannot even be opened.
    expect({ docEntries, hostsBytes, rest }).toEqual({
      docEntries: '0',
      hostsBytes: expect.stringMatching(/cannot open \/etc\/hosts: Permission denied/),
      rest: [],
    });
  });

  describe('network', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_request, response) => response.end('reached'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it.each([
      ['host' as const, 'reached'],
      ['off' as const, 'unreachable'],
    ])('network %s: %s', async (network, expected) => {
      const { out } = await run(`curl -s --max-time 3 ${url} || echo unreachable`, { network });
      expect(out.trim()).toEqual(expected);
    });
  });

  it('is stopped past its output limit, having passed on exactly the limit', async () => {
    const { limited, out } = await run('yes ccp', { maxOutputBytes: 10_000 });
    expect({ limited, bytes: Buffer.byteLength(out) }).toEqual({ limited: true, bytes: 10_000 });
  });

  it('is killed after its time limit', async () => {
    const started = Date.now();
    const { timedOut } = await run('sleep 30', { timeoutMs: 500 });
    expect({ timedOut, fast: Date.now() - started < 5000 }).toEqual({ timedOut: true, fast: true });
  });

  it('refuses to run anything without bwrap', async () => {
    const marker = path.join(work, 'ran-unconfined');
    await expect(runSandboxed(request(`touch ${marker}`), { bwrap: path.join(dir, 'no-bwrap') })).rejects.toThrow(SandboxUnavailableError);
    await expect(readFile(marker)).rejects.toThrow(/ENOENT/);
  });
});
