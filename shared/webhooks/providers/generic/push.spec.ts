import { ValidationError } from '../../../errors/validation-error';
import { genericPushOutcome } from './push';

const COMMIT = '4f2a9c3e1b0d8a7f6e5d4c3b2a190817263544fa';
const base = { repoUrl: 'https://git.example.org/team/images.git', branch: 'main', commit: COMMIT };

describe('genericPushOutcome', () => {
  it.each([
    ['a push without paths', base, { ...base }],
    [
      'a push with paths, deduplicated and sorted',
      { ...base, changedPaths: ['b/Dockerfile', 'a/x', 'b/Dockerfile'] },
      { ...base, changedPaths: ['a/x', 'b/Dockerfile'] },
    ],
    ['a refs/heads branch', { ...base, branch: 'refs/heads/release/2' }, { ...base, branch: 'release/2' }],
    ['an empty path list (nothing touched)', { ...base, changedPaths: [] }, { ...base, changedPaths: [] }],
  ])('reads %s', (_case, payload, data) => {
    expect(genericPushOutcome(payload)).toEqual({ kind: 'push', data });
  });

  it('ignores a tag ref', () => {
    expect(genericPushOutcome({ ...base, branch: 'refs/tags/v1' })).toEqual({ kind: 'ignored', reason: 'tag push (refs/tags/v1)' });
  });

  it.each([
    ['nothing', {}, ['repoUrl', 'branch', 'commit']],
    ['a repoUrl that is no URL', { ...base, repoUrl: 'images' }, ['repoUrl']],
    ['a commit that is no id', { ...base, commit: 'HEAD' }, ['commit']],
    ['changedPaths that are no list of paths', { ...base, changedPaths: ['a', 3] }, ['changedPaths']],
    ['an unknown field', { ...base, ref: 'refs/heads/main' }, ['ref']],
  ])('refuses %s, naming each field', (_case, payload, fields) => {
    let caught: unknown;
    try {
      genericPushOutcome(payload);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).errors.map((issue) => issue.field)).toEqual(fields);
  });
});
