import type { CloudEvent } from 'cloudevents';
import { EventTypes } from '../../shared/events/types';
import { dataOf } from '../../shared/events/validate';
import { imageName } from '../../shared/index/types';
import { indexEntryOf } from '../../shared/index/trusted-entry';
import type { FunctionContext } from '../../shared/function/types';

/**
 * `event` with every index entry it carries replaced by the index's own, so that the mails
 * planned from it go only to addresses the index lists (and the configured Cc): anything that
 * can post to the Broker writes an event's `entry`, and a `notify-email` in it would otherwise
 * make ccp mail any address. A `build.completed` of a project the index does not list (or with
 * no index at all) gives `null`: no mail. A notice's item without an index entry keeps none (its
 * images are then told to the Cc only). A `scan.completed` carries no entry and is unchanged.
 * @see https://github.com/CentOS/container-index#container-index
 */
export async function withIndexEntries(event: CloudEvent<unknown>, context: FunctionContext): Promise<CloudEvent<unknown> | null> {
  const indexEntry = indexEntryOf(context);
  if (event.type === EventTypes.buildCompleted) {
    const data = dataOf(event, EventTypes.buildCompleted);
    const entry = await indexEntry(data.entry, data.project);
    if (!entry) {
      context.log.warn('not mailed: the built project is not in the index', { project: imageName(data.project), buildId: data.buildId, eventId: event.id });
      return null;
    }
    return event.cloneWith({ data: { ...data, entry } }, false);
  }
  if (event.type === EventTypes.noticeRequested) {
    const data = dataOf(event, EventTypes.noticeRequested);
    const items = [];
    for (const { entry: claimed, ...item } of data.items) {
      const entry = claimed ? await indexEntry(claimed, item.project) : null;
      items.push(entry ? { ...item, entry } : item);
    }
    return event.cloneWith({ data: { ...data, items } }, false);
  }
  return event;
}
