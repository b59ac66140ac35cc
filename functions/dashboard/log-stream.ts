import type { Request, Response } from 'express';
import { FINAL_STATUSES, type BuildRecord } from '../../shared/builds/types';
import type { Logger } from '../../shared/log/logger';
import type { ObjectStore } from '../../shared/store/types';

/** How the stream polls the store; tests make it quick. */
export interface LogStreamOptions {
  /** Between two looks at the log object and the record; 500 ms by default. */
  pollMs?: number;
  /** Between two comment lines that keep idle proxies from closing the stream; 15 s by default. */
  keepAliveMs?: number;
}

/** What the LogStreamer writes where it left the middle of a huge log out (after the byte count). */
const LEFT_OUT = Buffer.from(' bytes of the log left out …\n\n');

/** How much of the text already sent is looked for again when the log object is rewritten shorter (head and tail kept). */
const ANCHOR_BYTES = 2048;

/**
 * Where a follower of the log stands: the byte offset sent up to (always just after a newline,
 * or the end once the build is over) and the last bytes before it, to find the place again in a
 * log that the {@link LogStreamer} rewrote with its middle left out.
 * @see ../../shared/builds/log-streamer.ts
 */
export interface LogCursor {
  offset: number;
  anchor: Buffer;
}

/** What {@link advance} found new in the log: the complete lines after the cursor, and whether part was left out. */
export interface LogAdvance {
  lines: string[];
  gap: boolean;
  cursor: LogCursor;
}

/**
 * The complete lines of `body` after `cursor` (all of the rest when `final`: the build is over
 * and the last line may lack its newline). The build function writes the whole log object again
 * at every flush (the store has no append); when the log grows past its head and tail limits the
 * new object is no longer an extension of what was sent: the cursor's anchor is looked for
 * again, and when it is gone the stream says so (`gap`) and goes on from the kept tail.
 */
export function advance(body: Buffer, cursor: LogCursor, final: boolean): LogAdvance {
  let from = cursor.offset;
  let gap = false;
  const continues = from <= body.length && body.subarray(from - cursor.anchor.length, from).equals(cursor.anchor);
  if (!continues) {
    // Rewritten with its middle left out: the kept tail follows the marker. The place is the
    // end of the whole anchor, else of its last line, found in that tail; else it is gone.
    const marker = body.indexOf(LEFT_OUT);
    const tail = marker >= 0 ? marker + LEFT_OUT.length : 0;
    const lastLine = cursor.anchor.subarray(cursor.anchor.lastIndexOf(0x0a, cursor.anchor.length - 2) + 1);
    let place = -1;
    for (const needle of [cursor.anchor, lastLine]) {
      const index = needle.length > 0 ? body.indexOf(needle, tail) : -1;
      if (index >= 0) {
        place = index + needle.length;
        break;
      }
    }
    gap = place < 0;
    from = place < 0 ? tail : place;
  }
  const end = final ? body.length : body.lastIndexOf(0x0a) + 1;
  if (end <= from) return { lines: [], gap, cursor: { offset: from, anchor: anchorOf(body, from) } };
  const text = body.subarray(from, end).toString('utf8');
  const lines = text.replace(/\n$/, '').split(/\r\n|\r|\n/);
  return { lines, gap, cursor: { offset: end, anchor: anchorOf(body, end) } };
}

function anchorOf(body: Buffer, offset: number): Buffer {
  return Buffer.from(body.subarray(Math.max(0, offset - ANCHOR_BYTES), offset));
}

/**
 * Streams the build log at `logKey` as Server-Sent Events while the build runs: one `message`
 * per batch of new lines (a `data:` field per line and an empty one, so its data is the lines
 * each ending with a newline), with the byte offset as its `id`, so a
 * browser that reconnects (`Last-Event-ID`) or a page that rendered the log up to `?from=N`
 * continues where it was; `gap` when part of a huge log was left out; `end` with the build's
 * status once it is over, after the last lines, and the response ends. The store is polled
 * (`head` first, the body only when its ETag changed), the record at the same pace.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function streamBuildLog(
  request: Request,
  response: Response,
  options: LogStreamOptions & { store: ObjectStore; readRecord: () => Promise<BuildRecord | null>; logKey: string; log: Logger },
): void {
  const start = startOffset(request);
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  // nginx and OpenShift's HAProxy would otherwise hold the events back.
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();
  response.write('retry: 2000\n\n');

  let cursor: LogCursor | null = null;
  let etag: string | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), options.keepAliveMs ?? 15_000);
  const stop = (): void => {
    stopped = true;
    clearInterval(keepAlive);
    if (timer) clearTimeout(timer);
  };
  response.on('close', stop);

  const send = (event: string | null, data: string[], id?: number): void => {
    response.write(`${event ? `event: ${event}\n` : ''}${id !== undefined ? `id: ${id}\n` : ''}${data.map((line) => `data: ${line}\n`).join('')}\n`);
  };

  const poll = async (): Promise<void> => {
    // The record first: a build that ended has flushed its log before its record says so.
    const record = await options.readRecord();
    const final = record === null || FINAL_STATUSES.includes(record.status);
    const info = await options.store.head(options.logKey);
    if (info && (info.etag !== etag || final)) {
      const object = await options.store.get(options.logKey);
      if (object) {
        etag = object.etag;
        cursor ??= { offset: Math.min(start, object.body.length), anchor: anchorOf(object.body, Math.min(start, object.body.length)) };
        const next = advance(object.body, cursor, final);
        if (next.gap) send('gap', ['… part of the log was left out here (the log is longer than the store keeps) …']);
        // A last empty `data:` ends the batch with a newline: an event whose data is one empty line would not fire.
        if (next.lines.length > 0) send(null, [...next.lines, ''], next.cursor.offset);
        cursor = next.cursor;
      }
    }
    if (final) {
      send('end', [record?.status ?? 'unknown']);
      stop();
      response.end();
    }
  };

  const loop = (): void => {
    if (stopped) return;
    poll().then(
      () => {
        if (!stopped) timer = setTimeout(loop, options.pollMs ?? 500);
      },
      (error: unknown) => {
        options.log.error('build log stream failed', { key: options.logKey, error });
        send('error-message', ['the log could not be read; reload the page to try again']);
        stop();
        response.end();
      },
    );
  };
  loop();
}

/** Where to start: the `Last-Event-ID` of a reconnecting browser, else `?from=`, else 0. */
function startOffset(request: Request): number {
  const candidates = [request.header('last-event-id'), typeof request.query.from === 'string' ? request.query.from : undefined];
  for (const candidate of candidates) {
    if (candidate !== undefined && /^\d{1,12}$/.test(candidate)) return Number(candidate);
  }
  return 0;
}
