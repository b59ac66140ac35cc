import { randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import { imageName, type ProjectRef } from '../index/types';
import type { EventDataMap } from './types';

export interface MakeOptions {
  /** The emitting function, e.g. `/ccp/lint`. */
  source: string;
  /** Set when the event concerns one image; defaults to the data's `project`. */
  subject?: string;
  /** A stable id makes a re-emitted event a duplicate that receivers drop. Random otherwise. */
  id?: string;
  time?: string;
}

/**
 * Builds a service event of `type` with typed `data`, JSON content, and `subject` set to the
 * image name when the data names a project.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#subject
 */
export function makeEvent<T extends keyof EventDataMap>(type: T, data: EventDataMap[T], options: MakeOptions): CloudEvent<EventDataMap[T]> {
  const project = (data as { project?: ProjectRef } | undefined)?.project;
  const subject = options.subject ?? (project ? imageName(project) : undefined);
  return new CloudEvent<EventDataMap[T]>({
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    source: options.source,
    type,
    time: options.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    ...(subject ? { subject } : {}),
    data,
  });
}

/** The `source` attribute of events emitted by a function of this service. */
export function functionSource(functionName: string): string {
  return `/ccp/${functionName}`;
}
