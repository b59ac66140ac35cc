import { readdirSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CommandError, filterProcess, runCaptured, runCommand, runProcess } from './run-process';
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
    const left = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((name) => {
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
    const result = await runProcess('/bin/sh', ['-c', 'env'], {
      env: minimalEnv('/home/b', { CCP_BUILD_ID: 'b1' }, { PATH: '/bin', CCP_S3_SECRET_ACCESS_KEY: 'k', LANG: 'C.UTF-8' }),
    });
    const names = result.tail
      .map((line) => line.split('=')[0])
      .filter((name) => !['PWD', 'SHLVL', '_'].includes(name!))
      .sort();
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

describe('runCommand (host tools whose output is text: rpm, buildah, perl)', () => {
  it('returns a non-zero exit with the output instead of throwing', async () => {
    expect(await runCommand('/bin/sh', ['-c', 'echo out; echo err >&2; exit 1'])).toEqual({ code: 1, stdout: 'out\n', stderr: 'err\n' });
  });

  it('writes its input to the tool', async () => {
    expect(await runCommand('/bin/cat', [], { input: 'typed' })).toEqual({ code: 0, stdout: 'typed', stderr: '' });
  });

  it.each([
    ['aborted (the work it was for ran out of time)', { abort: true }, /was stopped: the work it was for was aborted/],
    ['past its own time limit', { timeoutMs: 200 }, /ran out of time/],
  ])('kills the tool and all it started when %s', async (_name, how, message) => {
    const stop = new AbortController();
    if ('abort' in how) setTimeout(() => stop.abort(), 200);
    const run = runCommand('/bin/sh', ['-c', 'sleep 41.8 & sleep 41.8'], { signal: stop.signal, ...('timeoutMs' in how ? { timeoutMs: how.timeoutMs } : {}) });
    await expect(run).rejects.toThrow(CommandError);
    await expect(run).rejects.toThrow(message);
    expect(running('41.8')).toEqual([]);
  });

  it.each<[string, string, string[], RegExp]>([
    ['a tool that is not installed', '/nonexistent/tool', [], /^\/nonexistent\/tool: .*ENOENT/],
    ['a tool that prints past the bound', '/bin/sh', ['-c', 'yes flood'], /printed more than 1000 bytes; stopped/],
  ])('throws for %s', async (_name, command, args, message) => {
    await expect(runCommand(command, args, { maxBytes: 1000 })).rejects.toThrow(message);
  });
});

describe('filterProcess (the streaming mode: xz, zstd)', () => {
  const through = async (stream: NodeJS.ReadWriteStream, input: string): Promise<string> => {
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    await pipeline(
      async function* () {
        yield Buffer.from(input);
      },
      stream,
      sink,
    );
    return Buffer.concat(chunks).toString('utf8');
  };
  const failing = {
    spawnError: (message: string) => new Error(`cannot start: ${message}`),
    failure: (code: number | null, stderr: string) => new Error(`failed ${code}: ${stderr}`),
  };

  it('streams the input through the tool', async () => {
    expect(await through(filterProcess('/usr/bin/tr', ['a-z', 'A-Z'], failing), 'layer bytes')).toBe('LAYER BYTES');
  });

  it.each<[string, string, string[], RegExp]>([
    ["the caller's error for a tool that is not installed", '/nonexistent/zstd', [], /^cannot start: .*ENOENT/],
    ["the caller's error with what a failing tool said", '/bin/sh', ['-c', 'cat >/dev/null; echo corrupt >&2; exit 2'], /^failed 2: corrupt$/],
  ])('fails with %s', async (_name, command, args, message) => {
    await expect(through(filterProcess(command, args, failing), 'x')).rejects.toThrow(message);
  });

  it('kills the tool when the stream is destroyed before its end', async () => {
    const stream = filterProcess('/bin/sh', ['-c', 'echo started; sleep 41.9; echo never'], failing);
    stream.on('error', () => undefined);
    await new Promise((resolve) => stream.once('data', resolve));
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(running('41.9')).toEqual([]);
  });
});

/** Processes whose command line holds `marker`. */
function running(marker: string): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
}
