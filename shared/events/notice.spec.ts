import { CloudEvent } from 'cloudevents';
import { ValidationError } from '../errors/validation-error';
import { makeEvent } from './make';
import { EventTypes, type NoticeRequestedData } from './types';
import { validateEvent } from './validate';

// The dispatcher's combined notice (one per cascade), read by the notify function.
const parent = { appId: 'centos', jobId: 'base', desiredTag: 'latest' };
const child = { appId: 'app', jobId: 'web', desiredTag: '1' };
const cause = { kind: 'git-push' as const, message: 'Git commit abc to branch main of repo https://x/base', cascade: 'c-1' };

const notice: NoticeRequestedData = {
  cascade: 'c-1',
  cause,
  origin: parent,
  items: [
    { project: parent, outcome: 'failed', buildId: 'b1', reason: 'RUN exited with 1', reports: { log: 'reports/centos/base/latest/b1/build.log' } },
    { project: child, outcome: 'skipped', reason: 'parent centos/base:latest failed', blockedBy: 'centos/base:latest' },
  ],
};

function issuesOf(data: unknown): { field: string; message: string }[] {
  try {
    validateEvent(new CloudEvent({ id: 'n1', source: '/ccp/dispatch', type: EventTypes.noticeRequested, data }, false));
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors.map(({ field, message }) => ({ field, message }));
  }
  return [];
}

describe('notice.requested', () => {
  it('accepts a cascade whose parent failed and child was skipped', () => {
    expect(() => validateEvent(makeEvent(EventTypes.noticeRequested, notice, { source: '/ccp/dispatch', id: 'notice/c-1' }))).not.toThrow();
  });

  it.each([
    ['no cascade id', { ...notice, cascade: '' }, [{ field: 'data.cascade', message: 'must be a non-empty string' }]],
    [
      'an unknown outcome',
      { ...notice, items: [{ project: child, outcome: 'maybe' }] },
      [{ field: 'data.items[0].outcome', message: 'must be one of succeeded, failed, skipped' }],
    ],
    ['items that are not a list', { ...notice, items: {} }, [{ field: 'data.items', message: 'must be a list' }]],
    [
      'a cascade id that is not a string',
      { ...notice, cause: { ...cause, cascade: 7 } },
      [{ field: 'data.cause.cascade', message: 'must be a non-empty string' }],
    ],
  ])('rejects %s', (_name, data, expected) => {
    expect(issuesOf(data)).toEqual(expected);
  });
});
