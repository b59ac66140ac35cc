import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../shared/config/config';
import { silentLogger } from '../../shared/log/logger';
import { FsObjectStore } from '../../shared/store/fs-store';
import { createFunctionContext } from '../../shared/function/context';
import { buildServiceFor } from './service-for';

describe('buildServiceFor', () => {
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
    const service = buildServiceFor(context);
    expect(service.backend).toEqual(backend);
    // One service per configuration, so that one queue sees every build of the process.
    expect(buildServiceFor({ ...context, log: silentLogger })).toBe(service);
  });
});
