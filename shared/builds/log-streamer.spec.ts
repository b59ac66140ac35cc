import { rm } from 'node:fs/promises';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { LogStreamer, type StreamerClock } from './log-streamer';

/** A clock whose time and timers move only when the test says so. */
class ManualClock implements StreamerClock {
  time = 0;
  private timers: Array<{ at: number; callback: () => void; id: number }> = [];
  private next = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time on, firing the timers that fall due. */
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((timer) => timer.at <= this.time);
    this.timers = this.timers.filter((timer) => timer.at > this.time);
    for (const timer of due) timer.callback();
  }
}

const KEY = 'reports/app/job/latest/b1/build.log';

describe('LogStreamer', () => {
  let store: TempObjectStore;
  beforeEach(() => {
    store = new TempObjectStore();
  });
  afterEach(() => rm(store.inner.root, { recursive: true, force: true }));

  async function stored(): Promise<string | null> {
    return (await store.get(KEY))?.body.toString('utf8') ?? null;
  }

  it('writes the object at most once per interval while output arrives, and at the end', async () => {
    const clock = new ManualClock();
    const log = new LogStreamer({ store, key: KEY, secrets: [], clock, intervalMs: 1000 });
    log.write('==> checkout\n');
    clock.advance(0);
    await log.written();
    expect(await stored()).toEqual('==> checkout\n');
    log.write('line 1\n');
    log.write('line 2\n');
    clock.advance(500);
    await log.written();
    expect(log.flushes).toEqual(1);
    clock.advance(500);
    await log.written();
    expect([log.flushes, await stored()]).toEqual([2, '==> checkout\nline 1\nline 2\n']);
    expect(clock.pending).toEqual(0);
    log.write('unfinished');
    await log.close();
    expect([log.flushes, await stored()]).toEqual([3, '==> checkout\nline 1\nline 2\nunfinished']);
    log.write('after close\n');
    expect(clock.pending).toEqual(0);
  });

  it.each([
    ['a whole secret', ['s3cr3t-pass'], ['login with s3cr3t-pass\n'], 'login with ***\n'],
    ['a secret split across writes', ['s3cr3t-pass'], ['token s3cr', '3t-pa', 'ss done\n'], 'token *** done\n'],
    ['every configured secret', ['AKIAEXAMPLE', 'wh-secret-1'], ['key AKIAEXAMPLE hook wh-secret-1\n'], 'key *** hook ***\n'],
    ['the password of a URL', [], ['clone https://bob:hunter22@git.example.org/x\n'], 'clone https://***@git.example.org/x\n'],
    ['each line of a multi-line secret', ['-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD\n-----END KEY-----'], ['MIIBOgIBAAJBAKj34GkxFhD\n'], '***\n'],
  ])('redacts %s before anything is stored', async (_name, secrets, writes, expected) => {
    const log = new LogStreamer({ store, key: KEY, secrets });
    for (const text of writes) log.write(text);
    expect(log.text()).toEqual(expected);
    await log.close();
    expect(await stored()).toEqual(expected);
  });

  it('never stores a secret, even in a long line without newlines that is cut', async () => {
    const secret = 'p4ssw0rd-very-secret';
    const log = new LogStreamer({ store, key: KEY, secrets: [secret] });
    const chunk = 'x'.repeat(64 * 1024 - 5);
    log.write(chunk);
    log.write(`${secret.slice(0, 10)}`);
    log.write(`${secret.slice(10)} and on\n`);
    await log.close();
    const text = (await stored())!;
    expect(text).not.toContain(secret.slice(0, 10));
    expect(text).toContain('*** and on');
  });

  it('stores a 150,000-letter line without a newline, with every form of a secret redacted', async () => {
    const secret = 'p4ssw0rd-very-secret';
    const log = new LogStreamer({ store, key: KEY, secrets: [secret] });
    const letters = 'a'.repeat(150_000);
    log.write(`hex ${Buffer.from(secret).toString('hex')} b64 ${Buffer.from(secret).toString('base64')} ${letters}`);
    await log.close();
    const text = (await stored())!;
    expect(text.replace(/\n/g, '')).toEqual(`hex *** b64 *** ${letters}`);
  });

  it('keeps the head and the tail of a huge log with a marker between', async () => {
    const log = new LogStreamer({ store, key: KEY, secrets: [], headBytes: 100, tailBytes: 100 });
    for (let line = 0; line < 1000; line++) log.write(`line ${String(line).padStart(4, '0')}\n`);
    await log.close();
    const text = (await stored())!;
    expect(Buffer.byteLength(text)).toBeLessThan(300);
    expect(text.startsWith('line 0000\nline 0001\n')).toBe(true);
    expect(text.endsWith('line 0998\nline 0999\n')).toBe(true);
    expect(text).toMatch(/… 9800 bytes of the log left out …/);
  });

  it('hands every complete line to onLine for progress', () => {
    const lines: string[] = [];
    const log = new LogStreamer({ store, key: KEY, secrets: ['hidden-value'], onLine: (line) => lines.push(line) });
    log.write('==> build: buildah bud\nstep hidden-value\npartial');
    expect(lines).toEqual(['==> build: buildah bud', 'step ***']);
  });

  it('tries again at the next flush when a write fails', async () => {
    const errors: unknown[] = [];
    let failing = true;
    const flaky = Object.assign(Object.create(store) as TempObjectStore, {
      put: (...args: Parameters<TempObjectStore['put']>) => (failing ? Promise.reject(new Error('store down')) : store.put(...args)),
    });
    const log = new LogStreamer({ store: flaky, key: KEY, secrets: [], onError: (error) => errors.push(error) });
    log.write('one\n');
    await log.flush();
    expect(errors).toHaveLength(1);
    failing = false;
    await log.close();
    expect(await stored()).toEqual('one\n');
  });
});
