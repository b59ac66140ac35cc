import type { CloudEvent } from 'cloudevents';
import { isPlainObject } from '../events/schema';
import { imageName } from '../index/types';
import type { LogFields } from '../log/logger';

/**
 * The fields that let EFK follow one build through every function: `eventId`, `eventType`,
 * `project` (the event's subject, `app-id/job-id:tag`, or `data.project`) and `buildId` (from
 * the data), each only when the event has it.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#subject
 */
export function eventLogFields(event: CloudEvent<unknown>): LogFields {
  const data = isPlainObject(event.data) ? event.data : {};
  const project = event.subject ?? projectName(data.project);
  return {
    eventId: event.id,
    eventType: event.type,
    ...(project ? { project } : {}),
    ...(typeof data.buildId === 'string' ? { buildId: data.buildId } : {}),
  };
}

function projectName(project: unknown): string | undefined {
  if (!isPlainObject(project)) return undefined;
  const { appId, jobId, desiredTag } = project;
  return typeof appId === 'string' && typeof jobId === 'string' && typeof desiredTag === 'string' ? imageName({ appId, jobId, desiredTag }) : undefined;
}
