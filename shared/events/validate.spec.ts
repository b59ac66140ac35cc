import { CloudEvent } from 'cloudevents';
import { ValidationError } from '../errors/validation-error';
import { deriveBuildId } from './build-id';
import { makeEvent } from './make';
import { EventTypes, ForeignEventTypes } from './types';
import { parseData, validateEvent } from './validate';

const project = { appId: 'centos', jobId: 'httpd', desiredTag: 'latest' };
const cause = { kind: 'manual' as const, message: 'Requested by an admin' };

function rawEvent(type: string, data: unknown): CloudEvent<unknown> {
  return new CloudEvent({ id: 'e1', source: '/test', type, data }, false);
}

function issuesOf(event: CloudEvent<unknown>): { field: string; message: string }[] {
  try {
    validateEvent(event);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors.map(({ field, message }) => ({ field, message }));
  }
  return [];
}

describe('validateEvent', () => {
  it.each([
    ['build.requested', makeEvent(EventTypes.buildRequested, { project, cause }, { source: '/test' })],
    ['git.push', makeEvent(EventTypes.gitPush, { repoUrl: 'https://x/y', branch: 'main', commit: 'abc' }, { source: '/test' })],
    ['tick.weekly without data', rawEvent(EventTypes.tickWeekly, undefined)],
    ['a GitHub source push', rawEvent(ForeignEventTypes.githubPush, { ref: 'refs/heads/main' })],
    ['data given as a JSON string', rawEvent(EventTypes.buildRequested, JSON.stringify({ project, cause }))],
  ])('accepts %s', (_name, event) => {
    expect(issuesOf(event)).toEqual([]);
  });

  it.each([
    ['an unknown type', rawEvent('org.example.nothing', {}), [{ field: 'type', message: 'unknown event type "org.example.nothing"' }]],
    ['no data', rawEvent(EventTypes.buildRequested, undefined), [{ field: 'data', message: 'must be an object' }]],
    [
      'a project without a job id',
      rawEvent(EventTypes.buildRequested, { project: { appId: 'a', desiredTag: 't' }, cause }),
      [{ field: 'data.project.jobId', message: 'must be a non-empty string' }],
    ],
    [
      'an unknown cause',
      rawEvent(EventTypes.buildRequested, { project, cause: { kind: 'whim', message: 'x' } }),
      [{ field: 'data.cause.kind', message: 'must be one of first-build, git-push, parent-rebuilt, rpm-update, index-change, manual' }],
    ],
    [
      'several problems at once',
      rawEvent(EventTypes.gitPush, { repoUrl: '', branch: 3, commit: 'abc', changedPaths: ['a', 7] }),
      [
        { field: 'data.repoUrl', message: 'must be a non-empty string' },
        { field: 'data.branch', message: 'must be a non-empty string' },
        { field: 'data.changedPaths[1]', message: 'must be a non-empty string' },
      ],
    ],
    ['non-JSON string data', rawEvent(EventTypes.gitPush, '{not json'), [{ field: 'data', message: 'must be an object' }]],
  ])('rejects %s', (_name, event, expected) => {
    expect(issuesOf(event)).toEqual(expected);
  });

  describe('build.completed baseImages', () => {
    const entry = {
      id: 1,
      appId: 'centos',
      jobId: 'httpd',
      gitUrl: 'https://x/y',
      gitBranch: 'main',
      gitPath: '',
      targetFile: 'Dockerfile',
      desiredTag: 'latest',
      notifyEmail: ['a@example.com'],
      buildContext: './',
      dependsOn: [],
      source: { file: 'a.yaml', line: 1 },
    };
    const completed = (baseImages: unknown) =>
      rawEvent(EventTypes.buildCompleted, {
        buildId: 'b1',
        project,
        entry,
        status: 'succeeded',
        reports: { log: 'reports/centos/httpd/latest/b1/build.log' },
        timings: { startedAt: '2026-11-28T05:01:02Z', finishedAt: '2026-11-28T05:02:02Z', durationMs: 60000 },
        cause,
        causeChain: [cause],
        ...(baseImages === undefined ? {} : { baseImages }),
      });

    it.each([
      ['absent', undefined],
      ['empty', []],
      ['index names', ['centos/centos:7', 'library/busybox:latest', 'sample/tools/cli:1']],
    ])('accepts %s', (_name, baseImages) => {
      expect(issuesOf(completed(baseImages))).toEqual([]);
    });

    it.each([
      ['not a list', 'centos/centos:7', [{ field: 'data.baseImages', message: 'must be a list' }]],
      ['a number in the list', ['centos/centos:7', 3], [{ field: 'data.baseImages[1]', message: 'must be an index image name app-id/job-id:tag' }]],
      ['a name without its tag', ['centos/centos'], [{ field: 'data.baseImages[0]', message: 'must be an index image name app-id/job-id:tag' }]],
      ['a name without its app id', ['centos:7'], [{ field: 'data.baseImages[0]', message: 'must be an index image name app-id/job-id:tag' }]],
    ])('rejects %s', (_name, baseImages, expected) => {
      expect(issuesOf(completed(baseImages))).toEqual(expected);
    });
  });

  describe('bounds', () => {
    const scanRequested = (image: unknown) => rawEvent(EventTypes.scanRequested, { project, image, reason: 'manual' });
    it.each([
      ['a 4 KiB cause message', rawEvent(EventTypes.buildRequested, { project, cause: { ...cause, message: 'm'.repeat(4096) } }), []],
      [
        'a cause message over 4 KiB',
        rawEvent(EventTypes.buildRequested, { project, cause: { ...cause, message: 'm'.repeat(4097) } }),
        [{ field: 'data.cause.message', message: 'must be at most 4096 characters, not 4097' }],
      ],
      [
        'a cause chain message over 4 KiB',
        rawEvent(EventTypes.buildRequested, { project, cause, causeChain: [cause, { ...cause, message: 'm'.repeat(10_000) }] }),
        [{ field: 'data.causeChain[1].message', message: 'must be at most 4096 characters, not 10000' }],
      ],
      [
        'an image reference over 1 KiB',
        scanRequested({ ref: `127.0.0.1:5000/${'a'.repeat(1100)}:x` }),
        [{ field: 'data.image.ref', message: 'must be at most 1024 characters, not 1117' }],
      ],
      [
        'a scanner reason over 16 KiB',
        rawEvent(EventTypes.scanCompleted, {
          project,
          image: { ref: 'r/x:y' },
          scanners: { a: { status: 'failed', findings: 0, reason: 'r'.repeat(20_000) } },
          reports: { json: 'j', html: 'h', sbom: 's' },
        }),
        [{ field: 'data.scanners.a.reason', message: 'must be at most 16384 characters, not 20000' }],
      ],
      [
        'data over 1 MiB, said alone',
        rawEvent(EventTypes.gitPush, {
          repoUrl: '',
          branch: 'main',
          commit: 'abc',
          changedPaths: Array.from({ length: 60_000 }, (_, i) => `some/long/path/number/${i}`),
        }),
        [{ field: 'data', message: expect.stringMatching(/^is \d+ bytes, over the 1048576-byte bound of an event$/) }],
      ],
    ])('%s', (_name, event, expected) => {
      expect(issuesOf(event)).toEqual(expected);
    });
  });

  it('names the event in the error message', () => {
    expect(() => validateEvent(rawEvent('org.example.nothing', {}))).toThrow('invalid org.example.nothing event e1: type: unknown event type');
  });
});

describe('parseData', () => {
  it.each([
    ['an object', { a: 1 }, { a: 1 }],
    ['a JSON string', '{"a":1}', { a: 1 }],
    ['a JSON buffer', Buffer.from('{"a":1}'), { a: 1 }],
    ['plain text', 'hello', 'hello'],
  ])('reads %s', (_name, input, expected) => {
    expect(parseData(input)).toEqual(expected);
  });
});

describe('makeEvent', () => {
  it('sets the subject from the project and keeps a given id', () => {
    const event = makeEvent(EventTypes.buildRequested, { project, cause }, { source: '/ccp/dispatch', id: 'fixed' });
    expect({ id: event.id, subject: event.subject, type: event.type, source: event.source }).toEqual({
      id: 'fixed',
      subject: 'centos/httpd:latest',
      type: 'org.centos.ccp.build.requested',
      source: '/ccp/dispatch',
    });
  });
});

describe('deriveBuildId', () => {
  const event = (id: string, source = '/test') => new CloudEvent({ id, source, type: EventTypes.tickWeekly, time: '2026-11-28T05:01:02.345Z' }, false);

  it('is the same for a redelivered event and differs for another', () => {
    expect(deriveBuildId(event('a'))).toEqual(deriveBuildId(event('a')));
    expect(deriveBuildId(event('a'))).not.toEqual(deriveBuildId(event('b')));
    expect(deriveBuildId(event('a'))).not.toEqual(deriveBuildId(event('a', '/other')));
  });

  it('starts with the event time so ids sort by time', () => {
    expect(deriveBuildId(event('a'))).toMatch(/^20261128T050102Z-[0-9a-f]{10}$/);
  });
});
