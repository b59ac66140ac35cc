import { readdirSync, readFileSync } from 'node:fs';
import { CommandError, runCommand } from './run-command';

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

describe('runCommand (host tools of the scanners)', () => {
  it('returns a non-zero exit with the output instead of throwing', async () => {
    expect(await runCommand('/bin/sh', ['-c', 'echo out; echo err >&2; exit 1'])).toEqual({ code: 1, stdout: 'out\n', stderr: 'err\n' });
  });

  it.each([
    ['aborted (the scanner ran out of time)', { abort: true }, /was stopped: the scan was aborted/],
    ['past its own time limit', { timeoutMs: 200 }, /ran out of time/],
  ])('kills the tool and all it started when %s', async (_name, how, message) => {
    const stop = new AbortController();
    if ('abort' in how) setTimeout(() => stop.abort(), 200);
    const run = runCommand('/bin/sh', ['-c', 'sleep 41.8 & sleep 41.8'], { signal: stop.signal, ...('timeoutMs' in how ? { timeoutMs: how.timeoutMs } : {}) });
    await expect(run).rejects.toThrow(CommandError);
    await expect(run).rejects.toThrow(message);
    expect(running('41.8')).toEqual([]);
  });
});
