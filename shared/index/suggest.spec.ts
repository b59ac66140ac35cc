import { closestMatch, editDistance } from './suggest';
import { ENTRY_KEYS } from './fields';

describe('closestMatch', () => {
  it.each([
    ['git-brach', 'git-branch'],
    ['build_context', 'build-context'],
    ['Target-File', 'target-file'],
    ['notify-emial', 'notify-email'],
    ['dependson', 'depends-on'],
    ['git_url', 'git-url'],
    ['owner', null],
    ['maintainer', null],
  ])('suggests for %s: %s', (word, expected) => {
    expect(closestMatch(word, ENTRY_KEYS)).toEqual(expected);
  });

  it('honours an explicit distance limit', () => {
    expect(closestMatch('app/bsae:1', ['app/base:1', 'app/web:1'], 2)).toEqual('app/base:1');
    expect(closestMatch('app/db:1', ['app/web:1'], 1)).toBeNull();
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
  ])('%j to %j is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toEqual(distance);
  });
});
