import { advance, type LogCursor } from './log-stream';

const start: LogCursor = { offset: 0, anchor: Buffer.alloc(0) };

/** Follows `bodies` (the log object as each flush left it) the way the stream does. */
function follow(bodies: string[], finalLast = false): Array<{ lines: string[]; gap: boolean }> {
  let cursor = start;
  return bodies.map((body, index) => {
    const next = advance(Buffer.from(body), cursor, finalLast && index === bodies.length - 1);
    cursor = next.cursor;
    return { lines: next.lines, gap: next.gap };
  });
}

describe('following a build log that is written whole at every flush', () => {
  it.each<[string, string[], boolean, Array<{ lines: string[]; gap: boolean }>]>([
    [
      'sends each complete line once, in order',
      ['a\n', 'a\nb\nc\n', 'a\nb\nc\n'],
      false,
      [
        { lines: ['a'], gap: false },
        { lines: ['b', 'c'], gap: false },
        { lines: [], gap: false },
      ],
    ],
    [
      'holds an unfinished line until it is whole',
      ['a\nhal', 'a\nhalf\n'],
      false,
      [
        { lines: ['a'], gap: false },
        { lines: ['half'], gap: false },
      ],
    ],
    [
      'sends the unfinished last line once the build is over',
      ['a\n', 'a\nend'],
      true,
      [
        { lines: ['a'], gap: false },
        { lines: ['end'], gap: false },
      ],
    ],
    ['turns a carriage return into a line of its own', ['10%\r20%\n'], false, [{ lines: ['10%', '20%'], gap: false }]],
    ['keeps empty lines', ['a\n\nb\n'], false, [{ lines: ['a', '', 'b'], gap: false }]],
    [
      'finds its place again when the middle is left out',
      ['head\nt1\nt2\n', 'head\n\n… 6 bytes of the log left out …\n\nt2\nt3\n'],
      false,
      [
        { lines: ['head', 't1', 't2'], gap: false },
        { lines: ['t3'], gap: false },
      ],
    ],
    [
      'says so and goes on from the tail when its place is gone',
      ['head\nt1\n', 'head\n\n… 9 bytes of the log left out …\n\nt5\nt6\n'],
      false,
      [
        { lines: ['head', 't1'], gap: false },
        { lines: ['t5', 't6'], gap: true },
      ],
    ],
  ])('%s', (_name, bodies, finalLast, expected) => {
    expect(follow(bodies, finalLast)).toEqual(expected);
  });

  it('counts its offset in bytes, so a reconnect resumes after multi-byte text', () => {
    const body = Buffer.from('été\nnext\n');
    const first = advance(body, start, false);
    expect([first.cursor.offset, advance(body, { offset: Buffer.byteLength('été\n'), anchor: Buffer.from('été\n') }, false).lines]).toEqual([
      body.length,
      ['next'],
    ]);
  });
});
