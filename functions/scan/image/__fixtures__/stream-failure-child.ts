// Run by unpack-layer.spec.ts in its own node process (jest hides unhandled rejections from a
// test): applies a layer of 2,000 empty files whose stream fails with a TimeoutError 10 ms in,
// while the loop awaits a file's open or close. Prints `rejected <name>` and, if any,
// `unhandled <name>`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { tarOf } from '../../../../test/scan-support/layer-images';
import { applyLayer } from '../unpack-layer';

process.on('unhandledRejection', (reason) => process.stdout.write(`unhandled ${(reason as Error).name}\n`));

void (async () => {
  const tar = await tarOf(Array.from({ length: 2000 }, (_, i) => ({ name: `f${i}` })));
  const stream = new Readable({ read() {} });
  stream.push(tar);
  const root = mkdtempSync(path.join(os.tmpdir(), 'ccp-stream-failure-'));
  const tooMuch = (): never => {
    throw new Error('no bound is reached here');
  };
  const applying = applyLayer(stream, {
    root,
    bytes: 0,
    maxBytes: 1e9,
    directoryTimes: [],
    skipped: [],
    files: 0,
    onTooLarge: tooMuch,
    onTooManyFiles: tooMuch,
  });
  setTimeout(() => stream.destroy(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), 10);
  try {
    await applying;
    process.stdout.write('resolved\n');
  } catch (error) {
    process.stdout.write(`rejected ${(error as Error).name}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  rmSync(root, { recursive: true, force: true });
})();
