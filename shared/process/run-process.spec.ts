import { readdirSync, readFileSync } from 'node:fs';
import { runCaptured, runProcess } from './run-process';
import { minimalEnv } from './minimal-env';

describe('runProcess', () => {
  const env = minimalEnv('/tmp');

  it('streams output and gives the exit code and the last lines', async () => {
    const seen: string[] = [];
    const result = await runProcess('/bin/sh', ['-c', 'echo one; echo two >&2; exit 3'], { env, onOutput: (text) => seen.push(text) });
    expect({ exitCode: result.exitCode, tail: result.tail, timedOut: result.timedOut }).toEqual({ exitCode: 3, tail: ['one', 'two'], timedOut: false });
    expect(seen.join('')).toBe('one\ntwo\n');
  });

  it('kills the whole tree on timeout, even a child that left the group', async () => {
    const result = await runProcess('/bin/sh', ['-c', 'setsid sleep 41.5 & sleep 41.5; echo never'], { env, timeoutMs: 300 });
    expect({ timedOut: result.timedOut, signal: result.signal }).toEqual({ timedOut: true, signal: 'SIGKILL' });
    const left = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('41.5');
      } catch {
        return false;
      }
    });
    expect(left).toEqual([]);
  });

  it('reports a command that cannot start instead of throwing', async () => {
    const result = await runProcess('/nonexistent/tool', [], { env });
    expect(result.spawnError).toMatch(/ENOENT/);
  });

  it('gives the child only the allow-listed environment', async () => {
    const result = await runProcess('/bin/sh', ['-c', 'env'], { env: minimalEnv('/home/b', { CCP_BUILD_ID: 'b1' }, { PATH: '/bin', CCP_S3_SECRET_ACCESS_KEY: 'k', LANG: 'C.UTF-8' }) });
    const names = result.tail.map((line) => line.split('=')[0]).filter((name) => !['PWD', 'SHLVL', '_'].includes(name!)).sort();
    expect(names).toEqual(['CCP_BUILD_ID', 'HOME', 'LANG', 'PATH']);
  });

  it('captures stdout and stderr apart, as bytes, and stops a tool that prints past the bound', async () => {
    const small = await runCaptured('/bin/sh', ['-c', 'printf out; printf err >&2'], { env });
    expect([small.exitCode, small.stdout.toString(), small.stderr.toString(), small.truncated]).toEqual([0, 'out', 'err', false]);
    const flood = await runCaptured('/bin/sh', ['-c', 'yes flood; sleep 41.6'], { env, maxBytes: 100_000 });
    expect([flood.truncated, flood.stdout.length, flood.signal]).toEqual([true, 100_000, 'SIGKILL']);
    expect(running('41.6')).toEqual([]);
  });

  it('kills the tree of a captured run when its signal is aborted', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 200);
    const result = await runCaptured('/bin/sh', ['-c', 'sleep 41.7 & sleep 41.7'], { env, signal: stop.signal });
    expect([result.aborted, result.signal]).toEqual([true, 'SIGKILL']);
    expect(running('41.7')).toEqual([]);
  });
});

/** Processes whose command line holds `marker`. */
function running(marker: string): string[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((name) => {
    try {
      return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
}
