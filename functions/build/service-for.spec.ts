import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../shared/config/config';
import { silentLogger } from '../../shared/log/logger';
import { FsObjectStore } from '../../shared/store/fs-store';
import { createFunctionContext } from '../../shared/function/context';
import { withServices } from '../../shared/function/services';
import { buildFunction } from './index';
import { buildServices } from './service-for';

describe('buildServices', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-service-for-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['no CCP_BUILDER', {}, 'local'],
    ['CCP_BUILDER=local', { CCP_BUILDER: 'local' }, 'local'],
    ['CCP_BUILDER=kubernetes (the cluster)', { CCP_BUILDER: 'kubernetes' }, 'kubernetes'],
  ])('builds on the backend the configuration selects: %s', async (_name, env, backend) => {
    const config = loadConfig({ dataDir: dir }, env);
    const context = await createFunctionContext(config, silentLogger, { store: new FsObjectStore(path.join(dir, 'store')) });
    expect(buildServices(context).builds.backend).toEqual(backend);
  });

  it('is what the build function declares: its context carries the one build service of the process', async () => {
    const base = await createFunctionContext(loadConfig({ dataDir: dir }, {}), silentLogger, { store: new FsObjectStore(path.join(dir, 'store')) });
    const { context, dispose } = withServices(buildFunction, base);
    expect([context.builds.backend, context.store]).toEqual(['local', base.store]);
    await expect(dispose()).resolves.toBeUndefined();
  });
});
