import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { testContext } from '../../test/support/test-functions';
import { withServices } from './services';
import type { FunctionDefinition } from './types';

describe('withServices', () => {
  const base = testContext(new TempObjectStore());
  const handle = async (): Promise<never[]> => [];

  it('hands a function without services the base context itself', async () => {
    const plain: FunctionDefinition = { name: 'plain', accepts: [], handle };
    const { context, dispose } = withServices(plain, base);
    expect(context).toBe(base);
    await expect(dispose()).resolves.toBeUndefined();
  });

  it('puts the services beside the base context, made from it, and releases them once', async () => {
    const released: number[] = [];
    const counting: FunctionDefinition<{ seen: { dataDir: string } }> = {
      name: 'counting',
      accepts: [],
      handle,
      services: (from) => ({ seen: { dataDir: from.config.dataDir } }),
      disposeServices: async () => void released.push(released.length + 1),
    };
    const { context, dispose } = withServices(counting, base);
    expect([context.seen, context.store, context.config]).toEqual([{ dataDir: base.config.dataDir }, base.store, base.config]);
    await Promise.all([dispose(), dispose()]);
    await dispose();
    expect(released).toEqual([1]);
  });
});
