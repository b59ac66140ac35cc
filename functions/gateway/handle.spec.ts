import { CloudEvent } from 'cloudevents';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import { validateEvent } from '../../shared/events/validate';
import { testContext } from '../../test/support/test-functions';
import { handle } from './handle';

const context = testContext(new TempObjectStore());

/** As a PingSource sends it: its own source, a fresh id, the scheduled time, the data it was given. */
function ping(data: unknown, time: string | undefined = '2026-11-28T23:00:00.000Z', id = 'a7c2d0a4-1f3e-4b1d-9a51-1c9d3f4e5b6a'): CloudEvent<unknown> {
  return new CloudEvent({
    id,
    source: '/apis/v1/namespaces/ccp/pingsources/ccp-weekly-rescan',
    type: ForeignEventTypes.ping,
    time,
    datacontenttype: 'application/json',
    data,
  });
}

describe('gateway handle (PingSource pings → ticks)', () => {
  it.each([
    ['weekly', EventTypes.tickWeekly],
    ['repo-poll', EventTypes.tickRepoPoll],
  ])('%s → %s, an event validateEvent accepts', async (tick, type) => {
    const [event, ...rest] = await handle(ping({ tick }), context);
    expect(rest).toEqual([]);
    expect(() => validateEvent(event!)).not.toThrow();
    expect({ type: event!.type, source: event!.source, id: event!.id, time: event!.time }).toEqual({
      type,
      source: '/ccp/gateway',
      id: `${tick}/2026-11-28T23:00:00.000Z`,
      time: '2026-11-28T23:00:00.000Z',
    });
  });

  it('gives a re-sent ping (new id, same scheduled time) the same tick id, so it is one tick', async () => {
    const [first] = await handle(ping({ tick: 'weekly' }, '2026-11-28T23:00:00.000Z', 'one'), context);
    const [second] = await handle(ping({ tick: 'weekly' }, '2026-11-28T23:00:00.000Z', 'two'), context);
    expect(second!.id).toBe(first!.id);
  });

  it('reads data sent as a JSON string, and falls back to the ping id without a time', async () => {
    const [event] = await handle(ping('{"tick":"repo-poll"}', undefined, 'ping-7'), context);
    expect(event!.id).toMatch(/^repo-poll\//);
  });

  it.each([
    ['no data', undefined],
    ['an unknown tick', { tick: 'daily' }],
    ['a tick that is no string', { tick: 7 }],
    ['a prototype key', { tick: 'constructor' }],
  ])('refuses a ping with %s, naming data.tick', async (_case, data) => {
    const refused = await handle(ping(data), context).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).errors).toEqual([
      { field: 'data.tick', message: "must be one of weekly, repo-poll, osv-refresh (set it in the PingSource's data)" },
    ]);
  });

  it('refuses an event that is no ping', async () => {
    const other = new CloudEvent({ id: 'x', source: '/x', type: EventTypes.tickWeekly, data: {} });
    await expect(handle(other, context)).rejects.toThrow(ValidationError);
  });
});
