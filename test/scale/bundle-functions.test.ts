import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bundleFunction, entrySource } from '../../scripts/bundle-functions/bundle';
import { FUNCTIONS } from '../../functions/api';

const exec = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const NAMES = [...FUNCTIONS.keys()];

describe('per-function bundles (scripts/bundle-functions, esbuild, a real node process)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ccp-bundle-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("holds the function's code and no other function's, with its source map", async () => {
    const outfile = path.join(dir, 'gateway.js');
    await bundleFunction(REPO, 'gateway', NAMES, outfile);
    // Started as lint, the gateway's bundle cannot load lint's module: it is not in there.
    const script = `
      const bundle = require(${JSON.stringify(outfile)});
      const report = (error) => {
        process.stdout.write(JSON.stringify({ exports: Object.keys(bundle).sort(), error }));
        process.exit(0);
      };
      bundle.start({ FUNCTION: 'lint', PORT: '0', HOST: '127.0.0.1', CCP_DATA_DIR: ${JSON.stringify(path.join(dir, 'data'))} }, { write: () => undefined })
        .then(() => report(null), (error) => report(error.message));`;
    // The bundle lies outside the package here: its packages (external) come from the package's node_modules.
    const { stdout } = await exec(process.execPath, ['-e', script], { cwd: REPO, env: { PATH: process.env.PATH, NODE_PATH: path.join(REPO, 'node_modules') } });
    const map = JSON.parse(readFileSync(`${outfile}.map`, 'utf8')) as { sources: string[] };
    const folders = new Set(map.sources.map((source) => /functions\/([a-z-]+)\//.exec(source)?.[1]).filter((folder) => folder !== undefined));
    expect({
      ...(JSON.parse(stdout) as { exports: string[]; error: string | null }),
      // Every function's manifest is in (FUNCTION is checked against all names); only gateway's code.
      otherCode: map.sources.filter((source) => /functions\/[a-z-]+\//.test(source) && !/functions\/gateway\//.test(source) && !/\/manifest\.ts$/.test(source)),
      hasGateway: folders.has('gateway'),
    }).toEqual({ exports: ['main', 'run', 'start'], error: 'this bundle serves the function gateway, not lint', otherCode: [], hasGateway: true });
  }, 60_000);

  it.each([
    ['scan', 'scan'],
    ['nope', NAMES[0]],
  ])(
    'the entry loads, for FUNCTION=%s, the bundle of %s (the first for a name it has none of: main says so), and runs main() only as the process main module',
    async (fn, expected) => {
      const bundles = path.join(dir, 'entry', 'bundles');
      mkdirSync(bundles, { recursive: true });
      for (const name of NAMES)
        writeFileSync(
          path.join(bundles, `${name}.js`),
          `exports.name = ${JSON.stringify(name)}; exports.main = () => process.stdout.write('main ' + exports.name);`,
        );
      const entry = path.join(dir, 'entry', 'main.js');
      writeFileSync(entry, entrySource(NAMES));
      const env = { PATH: process.env.PATH, FUNCTION: fn };
      const run = await exec(process.execPath, [entry], { env });
      const required = await exec(process.execPath, ['-e', `process.stdout.write('required ' + require(${JSON.stringify(entry)}).name)`], { env });
      expect([run.stdout, required.stdout]).toEqual([`main ${expected}`, `required ${expected}`]);
    },
  );
});
