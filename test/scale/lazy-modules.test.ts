import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { FUNCTIONS } from '../../functions/api';

const exec = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const REGISTER = path.join(REPO, 'test', 'scan-support', 'ts-register.js');

/**
 * Packages that cost a start-up (load times on this machine in the issue): clients most functions
 * never need, and parsers and prom-client that wait for the first event or scrape.
 */
const HEAVY = [
  '@kubernetes/client-node',
  'nodemailer',
  '@aws-sdk/client-s3',
  'prom-client',
  'yaml',
  'dockerfile-ast',
  'semver',
  '@renovatebot/pep440',
  'tar-stream',
  '@dagrejs/dagre',
  'yauzl',
  'ae-cvss-calculator',
];

/**
 * The packages a fresh process has loaded once it has the function's module, its context and a
 * made builder/store as functions/main.ts does at start (the registry's `load()`), and its HTTP
 * server (not listening), by name.
 */
async function heavyLoaded(name: string): Promise<string[]> {
  const script = `
    const { FUNCTIONS } = require('./functions/api.ts');
    const { createFunctionContext } = require('./shared/function/context.ts');
    const { loadConfig } = require('./shared/config/config.ts');
    const { silentLogger } = require('./shared/log/logger.ts');
    const { createFunctionServer } = require('./shared/host/function-server.ts');
    const definition = FUNCTIONS.get(${JSON.stringify(name)});
    definition.load();
    createFunctionContext(loadConfig({}, { CCP_DATA_DIR: process.argv[1] }), silentLogger).then((context) => {
      createFunctionServer(definition, context);
      const loaded = Object.keys(require.cache).map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean);
      process.stdout.write(JSON.stringify([...new Set(loaded)]));
    });`;
  const { stdout } = await exec(process.execPath, ['-r', REGISTER, '-e', script, path.join(REPO, '.ccp', 'lazy-modules-test')], {
    cwd: REPO,
    env: { PATH: process.env.PATH },
  });
  return (JSON.parse(stdout) as string[]).filter((pkg) => HEAVY.includes(pkg)).sort();
}

const EXPECTED_HEAVY: ReadonlyArray<[string, string[]]> = [
  ['lint', []],
  ['dead-letter', []],
  ['gateway', []],
  ['build', []],
  ['scan', []],
  ['track-repos', []],
  ['dispatch', []],
  ['weekly-scan', []],
  // The S3 SDK only with the S3 store (report links too); nodemailer waits for the first mail.
  ['notify', []],
  // The weekly schedule (yaml) is read at the first admin page, the graph layout at the first graph.
  ['dashboard', []],
];

describe('each function loads only what it uses (a real node process per function)', () => {
  it('checks every registered function', () => {
    expect(EXPECTED_HEAVY.map(([name]) => name).sort()).toEqual([...FUNCTIONS.keys()].sort());
  });

  it.each(EXPECTED_HEAVY)(
    '%s loads only %j of the heavy packages at start',
    async (name, expected) => {
      expect(await heavyLoaded(name)).toEqual(expected);
    },
    60_000,
  );
});
