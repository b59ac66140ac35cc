import { BuildQueue, type QueueResult } from './queue';

/** A build that runs until the test ends it. */
class Gate {
  readonly started: string[] = [];
  private readonly opened = new Map<string, (value: string) => void>();

  run(id: string): (signal: AbortSignal) => Promise<string> {
    return () =>
      new Promise<string>((resolve) => {
        this.started.push(id);
        this.opened.set(id, resolve);
      });
  }

  finish(id: string): void {
    const resolve = this.opened.get(id);
    if (!resolve) throw new Error(`${id} is not running`);
    resolve(`built ${id}`);
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BuildQueue', () => {
  it.each([
    [
      'limit 1 runs one at a time',
      1,
      [
        ['a', 'a1'],
        ['b', 'b1'],
        ['c', 'c1'],
      ],
      ['a1'],
    ],
    [
      'limit 2 runs two images at once',
      2,
      [
        ['a', 'a1'],
        ['b', 'b1'],
        ['c', 'c1'],
      ],
      ['a1', 'b1'],
    ],
    [
      'one image never runs twice at once',
      3,
      [
        ['a', 'a1'],
        ['a', 'a2'],
        ['b', 'b1'],
      ],
      ['a1', 'b1'],
    ],
  ])('%s', async (_name, concurrency, submissions, startedFirst) => {
    const gate = new Gate();
    const queue = new BuildQueue<string>({ concurrency });
    for (const [key, id] of submissions) void queue.submit(key!, id!, gate.run(id!));
    await tick();
    expect(gate.started).toEqual(startedFirst);
    expect(queue.running).toEqual(startedFirst.length);
  });

  it('starts the next waiting build when one ends, in the order they came', async () => {
    const gate = new Gate();
    const queue = new BuildQueue<string>({ concurrency: 1 });
    const results = ['a1', 'b1', 'c1'].map((id) => queue.submit(id[0]!, id, gate.run(id)));
    await tick();
    gate.finish('a1');
    await expect(results[0]).resolves.toEqual({ kind: 'ran', value: 'built a1' });
    await tick();
    expect(gate.started).toEqual(['a1', 'b1']);
    gate.finish('b1');
    await tick();
    gate.finish('c1');
    await expect(Promise.all(results)).resolves.toEqual(['a1', 'b1', 'c1'].map((id) => ({ kind: 'ran', value: `built ${id}` })));
  });

  it('replaces a waiting build of the same image with the newer request, which keeps its place', async () => {
    const gate = new Gate();
    const superseded: string[] = [];
    const queue = new BuildQueue<string>({ concurrency: 1, onSuperseded: (id, by, key) => void superseded.push(`${key}:${id}->${by}`) });
    const a1 = queue.submit('a', 'a1', gate.run('a1'));
    const b1 = queue.submit('b', 'b1', gate.run('b1'));
    const b2 = queue.submit('b', 'b2', gate.run('b2'));
    const c1 = queue.submit('c', 'c1', gate.run('c1'));
    const b3 = queue.submit('b', 'b3', gate.run('b3'));
    await expect(b1).resolves.toEqual<QueueResult<string>>({ kind: 'superseded', by: 'b2' });
    await expect(b2).resolves.toEqual<QueueResult<string>>({ kind: 'superseded', by: 'b3' });
    expect(superseded).toEqual(['b:b1->b2', 'b:b2->b3']);
    gate.finish('a1');
    await a1;
    await tick();
    expect(gate.started).toEqual(['a1', 'b3']);
    gate.finish('b3');
    await expect(b3).resolves.toEqual({ kind: 'ran', value: 'built b3' });
    await tick();
    gate.finish('c1');
    await c1;
    expect(gate.started).toEqual(['a1', 'b3', 'c1']);
  });

  it('queues a request for an image that is building instead of replacing the running build', async () => {
    const gate = new Gate();
    const queue = new BuildQueue<string>({ concurrency: 2 });
    const a1 = queue.submit('a', 'a1', gate.run('a1'));
    await tick();
    const a2 = queue.submit('a', 'a2', gate.run('a2'));
    await tick();
    expect([queue.running, queue.queued]).toEqual([1, 1]);
    gate.finish('a1');
    await expect(a1).resolves.toEqual({ kind: 'ran', value: 'built a1' });
    await tick();
    gate.finish('a2');
    await expect(a2).resolves.toEqual({ kind: 'ran', value: 'built a2' });
  });

  it('joins a build id submitted again instead of running it twice', async () => {
    const gate = new Gate();
    const queue = new BuildQueue<string>({ concurrency: 2 });
    const first = queue.submit('a', 'a1', gate.run('a1'));
    const again = queue.submit('a', 'a1', gate.run('a1'));
    expect(again).toBe(first);
    await tick();
    gate.finish('a1');
    await first;
    expect(gate.started).toEqual(['a1']);
    expect(queue.has('a1')).toBe(false);
  });

  it('passes a failing build on and keeps going', async () => {
    const gate = new Gate();
    const queue = new BuildQueue<string>({ concurrency: 1 });
    const broken = queue.submit('a', 'a1', () => Promise.reject(new Error('backend gone')));
    const next = queue.submit('b', 'b1', gate.run('b1'));
    await expect(broken).rejects.toThrow('backend gone');
    await tick();
    gate.finish('b1');
    await expect(next).resolves.toEqual({ kind: 'ran', value: 'built b1' });
    await expect(queue.idle()).resolves.toBeUndefined();
  });

  it('hands running builds an abort signal', async () => {
    const queue = new BuildQueue<string>({ concurrency: 1 });
    const result = queue.submit('a', 'a1', (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve('aborted'))));
    await tick();
    queue.abort();
    await expect(result).resolves.toEqual({ kind: 'ran', value: 'aborted' });
  });

  it.each([0, -1, 1.5])('refuses concurrency %s', (concurrency) => {
    expect(() => new BuildQueue({ concurrency })).toThrow(RangeError);
  });
});
