import type { GlobalConfig, ProjectConfig } from 'jest';
import { isNeeded, SERVICES, started } from './services';

/**
 * Starts the servers the run's tests share (see ./services.ts) and hands their endpoints to the
 * test workers through `process.env` (workers are forked after this and inherit it). A server
 * that fails to start does not abort the run: its error goes into its `errorVariable`, and the
 * tests that need it fail with that message; the others run.
 * @see https://jestjs.io/docs/configuration#globalsetup-string
 */
export default async function globalSetup(globalConfig: GlobalConfig, projectConfig: ProjectConfig): Promise<void> {
  // The S3 SDK is pinned to a version that runs on Node 20 on purpose; its upgrade notice on
  // every worker is noise in test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  for (const service of SERVICES) {
    if (!(await isNeeded(service, globalConfig, projectConfig))) continue;
    const began = Date.now();
    try {
      const handle = await service.start();
      started.push(handle);
      Object.assign(process.env, handle.env);
      process.stderr.write(`test setup: ${service.name} up in ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      process.env[service.errorVariable] = (error as Error).message;
      process.stderr.write(`test setup: ${service.name} FAILED to start: ${(error as Error).message}\n`);
    }
  }
  // If jest dies before global-teardown (an uncaught error, process.exit), still kill the daemons.
  process.once('exit', () => {
    for (const handle of started) handle.stopSync();
  });
}
