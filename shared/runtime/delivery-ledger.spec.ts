import { buildRequested } from '../../functions/__fixtures__/test-functions';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { DeliveryLedger, isPreconditionFailed, type DedupMarker } from './delivery-ledger';
import { dedupKey } from './keys';

async function markerOf(store: TempObjectStore, key: string): Promise<DedupMarker> {
  return JSON.parse((await store.get(key))!.body.toString('utf8')) as DedupMarker;
}

describe('DeliveryLedger', () => {
  it('claims an event once per trigger and remembers it in the store', async () => {
    const store = new TempObjectStore();
    const ledger = new DeliveryLedger(store);
    const event = buildRequested('e-1');
    const claim = await ledger.claim('ccp-lint', event);
    expect(claim?.key).toBe(dedupKey('ccp-lint', '/test', 'e-1'));
    expect(await ledger.claim('ccp-lint', event)).toBeNull();
    expect(await ledger.claim('ccp-other', event)).not.toBeNull();
    await ledger.settle(claim!, 'delivered');
    expect(await markerOf(store, claim!.key)).toMatchObject({ trigger: 'ccp-lint', source: '/test', id: 'e-1', status: 'delivered' });
  });

  it('costs one put for a new event and nothing for a recent duplicate', async () => {
    const store = new TempObjectStore();
    const ledger = new DeliveryLedger(store);
    await ledger.claim('ccp-lint', buildRequested('e-1'));
    await ledger.claim('ccp-lint', buildRequested('e-1'));
    expect(store.calls).toEqual({ put: 1, get: 0, head: 0, list: 0, delete: 0 });
  });

  it('recognises a duplicate after a restart (a new ledger on the same store) with one read', async () => {
    const store = new TempObjectStore();
    const claim = await new DeliveryLedger(store).claim('ccp-lint', buildRequested('e-1'));
    await new DeliveryLedger(store).settle(claim!, 'delivered');
    const restarted = new DeliveryLedger(store);
    const before = { ...store.calls };
    expect(await restarted.claim('ccp-lint', buildRequested('e-1'))).toBeNull();
    expect([store.calls.put - before.put, store.calls.get - before.get]).toEqual([1, 1]);
  });

  it('takes over a claim left unsettled by a process that died, once it is stale', async () => {
    const store = new TempObjectStore();
    let now = new Date('2024-01-01T00:00:00Z');
    const clock = (): Date => now;
    await new DeliveryLedger(store, { now: clock, claimTtlMs: 60_000 }).claim('ccp-lint', buildRequested('e-1'));
    expect(await new DeliveryLedger(store, { now: clock, claimTtlMs: 60_000 }).claim('ccp-lint', buildRequested('e-1'))).toBeNull();
    now = new Date('2024-01-01T00:02:00Z');
    const taken = await new DeliveryLedger(store, { now: clock, claimTtlMs: 60_000 }).claim('ccp-lint', buildRequested('e-1'));
    expect(taken?.marker).toMatchObject({ status: 'claimed', claimedAt: '2024-01-01T00:02:00.000Z' });
  });

  it('never takes over a settled marker, however old', async () => {
    const store = new TempObjectStore();
    let now = new Date('2024-01-01T00:00:00Z');
    const ledger = new DeliveryLedger(store, { now: () => now, claimTtlMs: 1 });
    await ledger.settle((await ledger.claim('ccp-lint', buildRequested('e-1')))!, 'dead-lettered');
    now = new Date('2025-01-01T00:00:00Z');
    expect(await new DeliveryLedger(store, { now: () => now, claimTtlMs: 1 }).claim('ccp-lint', buildRequested('e-1'))).toBeNull();
  });

  it.each([
    [{ name: 'PreconditionFailedError' }, true],
    [{ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } }, true],
    [{ $metadata: { httpStatusCode: 412 } }, true],
    [new Error('disk full'), false],
    ['PreconditionFailed', false],
  ])('isPreconditionFailed(%j) is %s', (error, expected) => {
    expect(isPreconditionFailed(error)).toBe(expected);
  });
});
