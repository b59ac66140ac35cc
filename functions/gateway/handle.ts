import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import { functionSource, makeEvent } from '../../shared/events/make';
import { parseData } from '../../shared/events/validate';
import { isPlainObject } from '../../shared/events/schema';
import type { Handler } from '../../shared/function/types';

export const FUNCTION_NAME = 'gateway';

/** The ticks a PingSource asks for in its data (`{"tick": "weekly"}`), and the event each becomes. */
export const TICKS = {
  weekly: EventTypes.tickWeekly,
  'repo-poll': EventTypes.tickRepoPoll,
  'osv-refresh': EventTypes.tickOsvRefresh,
} as const;

export type TickName = keyof typeof TICKS;

/**
 * Turns a PingSource's `dev.knative.sources.ping` into the service's tick event. A PingSource
 * cannot choose its event type (`ceOverrides` sets extensions only), so every PingSource sends
 * `{"tick": "<name>"}` to the Broker and this handler emits `org.centos.ccp.tick.<name>`, which
 * the consumers' Triggers filter on, in the cluster and embedded alike. The tick's id is the
 * name and the scheduled time, so a re-sent ping (or a second PingSource firing the same tick at
 * the same minute) is one tick.
 * @see https://knative.dev/docs/eventing/sources/ping-source/
 */
export const handle: Handler = async (event) => {
  if (event.type !== ForeignEventTypes.ping) {
    throw new ValidationError(`the gateway takes ${ForeignEventTypes.ping} events only`, [{ field: 'type', message: `"${event.type}" is not handled` }]);
  }
  const data = parseData(event.data);
  const tick = isPlainObject(data) ? data.tick : undefined;
  if (typeof tick !== 'string' || !Object.hasOwn(TICKS, tick)) {
    throw new ValidationError(`ping ${event.id} asks for no known tick`, [
      { field: 'data.tick', message: `must be one of ${Object.keys(TICKS).join(', ')} (set it in the PingSource's data)` },
    ]);
  }
  const scheduled = event.time ?? event.id;
  return [
    makeEvent(TICKS[tick as TickName], {}, { source: functionSource(FUNCTION_NAME), id: `${tick}/${scheduled}`, ...(event.time ? { time: event.time } : {}) }),
  ];
};
