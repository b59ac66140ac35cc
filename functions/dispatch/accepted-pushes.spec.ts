import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { acceptedPushKey, acceptPushOnce } from './accepted-pushes';

const COMMIT = '4f2a9c3e1b0d8a7f6e5d4c3b2a190817263544fa';
const push = { repoUrl: 'https://github.com/team/images.git', branch: 'main', commit: COMMIT };

describe('acceptPushOnce', () => {
  it('accepts the first push of a commit and its own redelivery, and calls another event for it a replay', async () => {
    const store = new TempObjectStore();
    const at = new Date('2026-12-06T01:00:00Z');
    const results = [
      await acceptPushOnce(store, push, '/ccp/gateway/github d-1', at),
      await acceptPushOnce(store, push, '/ccp/gateway/github d-1', at),
      await acceptPushOnce(store, { ...push, repoUrl: 'git@github.com:Team/images.git', commit: COMMIT.toUpperCase() }, '/ccp/gateway/github d-2', at),
      await acceptPushOnce(store, { ...push, branch: 'release' }, '/ccp/gateway/github d-3', at),
    ];
    expect(results).toEqual([
      { kind: 'first' },
      { kind: 'first' },
      {
        kind: 'replay',
        first: { repoKey: 'github.com/team/images', branch: 'main', commit: COMMIT, eventKey: '/ccp/gateway/github d-1', at: at.toISOString() },
      },
      { kind: 'first' },
    ]);
  });

  it('lets one of ten concurrent deliveries of one commit through', async () => {
    const store = new TempObjectStore();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => acceptPushOnce(store, push, `src d-${i}`)));
    expect(results.filter((result) => result.kind === 'first')).toHaveLength(1);
  });

  it.each([
    ['ssh form', 'ssh://git@github.com/team/images'],
    ['upper case', 'https://GitHub.com/Team/Images.git'],
  ])('keys the %s of a repository as the https form', (_case, repoUrl) => {
    expect(acceptedPushKey({ ...push, repoUrl })).toEqual(acceptedPushKey(push));
  });
});
