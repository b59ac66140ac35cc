import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { FsObjectStore } from './fs-store';

// Conditional puts must hold across processes (two `ccp` processes on one data folder), not
// only within one: real node processes, each with its own copy of the store, race here.
const CHILD = path.join(__dirname, '__fixtures__', 'race-child.js');
let work: string;
let compiledStore: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ccp-fs-processes-'));
  compiledStore = compileStoreTo(path.join(work, 'js'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('FsObjectStore across processes', () => {
  it('lets exactly one of 8 processes win a create-only put', async () => {
    const root = path.join(work, 'create');
    const words = await race(Array.from({ length: 8 }, (_, index) => [compiledStore, root, 'state/claim.json', 'create', `process ${index}`]));
    expect(words.filter((word) => word === 'won')).toHaveLength(1);
    expect(words.filter((word) => word === 'PreconditionFailedError')).toHaveLength(7);
    const winner = words.indexOf('won');
    expect((await new FsObjectStore(root).get('state/claim.json'))!.body.toString()).toEqual(`process ${winner}`);
  });

  it('lets exactly one of 8 processes win a compare-and-swap put', async () => {
    const root = path.join(work, 'swap');
    const { etag } = await new FsObjectStore(root).put('state/counter.json', 'start');
    const words = await race(Array.from({ length: 8 }, (_, index) => [compiledStore, root, 'state/counter.json', 'swap', `process ${index}`, etag]));
    expect(words.filter((word) => word === 'won')).toHaveLength(1);
    expect(words.filter((word) => word === 'PreconditionFailedError')).toHaveLength(7);
  });
});

/** Starts one child per argument list, waits until all are ready, starts them at once. */
async function race(argumentLists: string[][]): Promise<string[]> {
  const children = argumentLists.map((args) => spawn(process.execPath, [CHILD, ...args]));
  const lines = children.map((child) => linesOf(child));
  await Promise.all(lines.map((reader) => reader.next()));
  for (const child of children) child.stdin.write('go\n');
  return Promise.all(lines.map(async (reader) => (await reader.next()).value as string));
}

async function* linesOf(child: ChildProcessWithoutNullStreams): AsyncGenerator<string> {
  let buffered = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  for await (const chunk of child.stdout) {
    buffered += (chunk as Buffer).toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      yield buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
    }
  }
  throw new Error(`child ended without answering: ${errors}`);
}

/** Transpiles the store (and the one module outside it that it needs) to CommonJS for the children. */
function compileStoreTo(outDir: string): string {
  const sources = [
    ...readdirSync(__dirname)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && file !== 'contract.ts')
      .map((file) => path.join('shared', 'store', file)),
    path.join('shared', 'errors', 'validation-error.ts'),
  ];
  const repo = path.resolve(__dirname, '..', '..');
  for (const source of sources) {
    const output = ts.transpileModule(readFileSync(path.join(repo, source), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const target = path.join(outDir, source.replace(/\.ts$/, '.js'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, output);
  }
  return path.join(outDir, 'shared', 'store', 'fs-store.js');
}
