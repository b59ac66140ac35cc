import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { decompressorFor } from '../shared/rpm/decompress';
import { PrimaryParser } from '../shared/rpm/primary-parser';
import { BaselineIndexOfPrimaryParser } from './baseline-indexof-primary-parser';

/**
 * One child process of the primary.xml bench: streams a compressed primary.xml from disk
 * through the pipeline's decompressor into one parser (`streaming` or `baseline`), as
 * fetch-primary does, and prints its packages, time, peak heap and peak RSS as JSON, so each
 * parser's memory is measured in a process of its own.
 */
async function main(): Promise<void> {
  const [which, file] = process.argv.slice(2);
  if (!file || (which !== 'streaming' && which !== 'baseline')) throw new Error('usage: primary-xml-worker streaming|baseline FILE.xml.gz');
  const parser = which === 'streaming' ? new PrimaryParser() : new BaselineIndexOfPrimaryParser();
  const heapBefore = v8.getHeapStatistics().used_heap_size;
  let peakHeap = heapBefore;
  const start = performance.now();
  const decompress = decompressorFor(file);
  decompress.setEncoding('utf8');
  await pipeline(createReadStream(file), decompress, async (source: AsyncIterable<string>) => {
    for await (const text of source) {
      parser.push(text);
      peakHeap = Math.max(peakHeap, v8.getHeapStatistics().used_heap_size);
    }
  });
  if (parser instanceof PrimaryParser) parser.end();
  const ms = performance.now() - start;
  console.log(JSON.stringify({ packages: parser.packages.length, ms, peakHeapGrowth: peakHeap - heapBefore, maxRss: process.resourceUsage().maxRSS * 1024 }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
