import { HTTP } from 'cloudevents';
import { buildRequested } from '../../test/support/test-functions';
import { EventTypes } from '../events/types';
import { ValidationError } from '../errors/validation-error';
import { readEvent } from './read-event';

const event = buildRequested('e-1');
const binary = HTTP.binary(event);
const structured = HTTP.structured(event);
const structuredBody = JSON.parse(structured.body as string) as Record<string, unknown>;

function read(headers: Record<string, string>, body: string): ReturnType<typeof readEvent> {
  return readEvent(headers, Buffer.from(body));
}

function issuesOf(headers: Record<string, string>, body: string): unknown {
  try {
    read(headers, body);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error('no error');
}

describe('readEvent', () => {
  it.each([
    ['binary', binary.headers as Record<string, string>, binary.body as string],
    ['structured', structured.headers as Record<string, string>, structured.body as string],
  ])('reads a %s-mode event', (_mode, headers, body) => {
    const read_ = read(headers, body);
    expect([read_.id, read_.type, read_.source, read_.subject, read_.data]).toEqual(['e-1', EventTypes.buildRequested, '/test', 'app/job:latest', event.data]);
  });

  const ce = 'application/cloudevents+json';
  const withoutId = Object.fromEntries(Object.entries(structuredBody).filter(([key]) => key !== 'id'));
  it.each([
    ['no event at all', { 'content-type': 'application/json' }, '{}', [{ field: 'headers', message: expect.stringContaining('not a CloudEvent') }]],
    ['structured without id', { 'content-type': ce }, JSON.stringify(withoutId), [{ field: 'id', message: 'is required' }]],
    [
      'binary without source and type',
      { 'ce-id': '1', 'ce-specversion': '1.0' },
      '{}',
      [
        { field: 'source', message: 'is required' },
        { field: 'type', message: 'is required' },
      ],
    ],
    ['structured, body not JSON', { 'content-type': ce }, '{"id": ', [{ field: 'body', message: expect.stringContaining('is not JSON') }]],
    ['structured, body a list', { 'content-type': ce }, '[]', [{ field: 'body', message: 'must be a JSON object' }]],
    [
      'binary, JSON data cut short',
      { ...(binary.headers as Record<string, string>) },
      '{"project": ',
      [{ field: 'body', message: expect.stringContaining('cannot be read as a CloudEvent') }],
    ],
    [
      'a batch',
      { 'content-type': 'application/cloudevents-batch+json' },
      '[]',
      [{ field: 'content-type', message: expect.stringContaining('batched events') }],
    ],
    [
      'spec version 0.3',
      { 'content-type': ce },
      JSON.stringify({ ...structuredBody, specversion: '0.3' }),
      [{ field: 'specversion', message: 'must be 1.0, not 0.3' }],
    ],
    [
      'an unknown type',
      { 'content-type': ce },
      JSON.stringify({ ...structuredBody, type: 'com.example.nope' }),
      [{ field: 'type', message: 'unknown event type "com.example.nope"' }],
    ],
    [
      'data of the wrong shape',
      { 'content-type': ce },
      JSON.stringify({ ...structuredBody, data: { project: 'x' } }),
      expect.arrayContaining([{ field: 'data.project', message: 'must be an object' }]),
    ],
    [
      'non-JSON data in binary mode',
      { ...(binary.headers as Record<string, string>) },
      'hello',
      expect.arrayContaining([{ field: 'data', message: 'must be an object' }]),
    ],
  ])('refuses %s', (_case, headers, body, issues) => {
    expect(issuesOf(headers, body)).toEqual(issues);
  });
});
