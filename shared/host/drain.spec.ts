import { DeliveryGate } from './drain';

describe('DeliveryGate', () => {
  it('refuses new deliveries once closed and resolves 0 when the last one in flight leaves', async () => {
    const gate = new DeliveryGate();
    const entered = [gate.enter(), gate.enter()];
    const closing = gate.close(10_000);
    const refused = gate.enter();
    gate.leave();
    const inFlight = gate.inFlight;
    gate.leave();
    expect([entered, refused, inFlight, await closing, gate.inFlight]).toEqual([[true, true], false, 1, 0, 0]);
  });

  it.each([
    [0, 0],
    [2, 2],
  ])('with %i in flight past the grace period resolves with %i abandoned', async (count, abandoned) => {
    const gate = new DeliveryGate();
    for (let index = 0; index < count; index++) gate.enter();
    expect(await gate.close(20)).toEqual(abandoned);
  });
});
