import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { PrimaryParser } from '../shared/rpm/primary-parser';
import { BaselineIndexOfPrimaryParser } from './baseline-indexof-primary-parser';
import { syntheticPrimaryXml } from './synthetic-primary';
import type { Bench, BenchResult } from './types';

const run = promisify(execFile);
const PACKAGES = 20_000;
const ROUNDS = 7;
/** What a utf8 decompressor stream hands the parser at a time. */
const CHUNK = 64 * 1024;
/** Well below the document's 42 MB. */
const HEAP_CAP_MB = 24;

interface WorkerReport {
  packages: number;
  ms: number;
  peakHeapGrowth: number;
  maxRss: number;
}

function parseInChunks(xml: string, parser: { push(chunk: string): void }): void {
  for (let i = 0; i < xml.length; i += CHUNK) parser.push(xml.slice(i, i + CHUNK));
}

function streaming(xml: string): number {
  const parser = new PrimaryParser();
  parseInChunks(xml, parser);
  parser.end();
  return parser.packages.length;
}

function baseline(xml: string): number {
  const parser = new BaselineIndexOfPrimaryParser();
  parseInChunks(xml, parser);
  return parser.packages.length;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number): number => Number((bytes / 2 ** 20).toFixed(1));

/**
 * The streaming primary.xml parser (saxes) against the `indexOf` reader it replaced (the frozen
 * copy in bench/baseline-indexof-primary-parser.ts), on a synthetic primary.xml of 20,000
 * packages: parse time from memory in 64 KB chunks (median of 7 interleaved rounds), then one
 * child process per parser streaming the gzipped file from disk, for peak heap and RSS, and
 * once more with V8's old space capped at 24 MB, which only a parser that lets go of what it
 * has read survives.
 */
export const primaryXmlBench: Bench = async () => {
  const xml = syntheticPrimaryXml(PACKAGES);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-primary-'));
  try {
    const expected = new PrimaryParser();
    parseInChunks(xml, expected);
    const old = new BaselineIndexOfPrimaryParser();
    parseInChunks(xml, old);
    if (JSON.stringify(expected.packages) !== JSON.stringify(old.packages) || expected.packages.length !== PACKAGES) {
      throw new Error(`the parsers disagree: ${expected.packages.length} streaming, ${old.packages.length} baseline packages`);
    }

    streaming(xml);
    baseline(xml);
    const streamingTimes: number[] = [];
    const baselineTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [parse, times] of [
        [streaming, streamingTimes],
        [baseline, baselineTimes],
      ] as const) {
        const start = performance.now();
        parse(xml);
        times.push(performance.now() - start);
      }
    }

    const file = path.join(dir, 'primary.xml.gz');
    await writeFile(file, gzipSync(xml));
    const worker = path.join(__dirname, 'primary-xml-worker.js');
    const report = async (which: string, flags: string[] = []): Promise<WorkerReport> =>
      JSON.parse((await run(process.execPath, [...flags, worker, which, file])).stdout) as WorkerReport;
    const streamed = await report('streaming');
    const sliced = await report('baseline');
    // Whether the parser holds the document: with V8's old space capped below its size, a
    // parser that keeps it (or keeps chunks alive through sliced strings) runs out of heap.
    const capped = async (which: string): Promise<string> =>
      report(which, [`--max-old-space-size=${HEAP_CAP_MB}`]).then(
        (done) => `${done.packages} packages, ${done.ms.toFixed(0)} ms`,
        () => 'out of heap',
      );
    const streamedCapped = await capped('streaming');
    const slicedCapped = await capped('baseline');

    const megabytes = mb(xml.length);
    const ours = median(streamingTimes);
    const theirs = median(baselineTimes);
    const results: BenchResult[] = [
      {
        name: `primary.xml, ${PACKAGES} packages (${megabytes} MB): streaming parser`,
        value: Number(ours.toFixed(1)),
        unit: 'ms',
        note: `median of ${ROUNDS}, ${(megabytes / (ours / 1000)).toFixed(0)} MB/s`,
      },
      {
        name: 'primary.xml: baseline indexOf reader (replaced)',
        value: Number(theirs.toFixed(1)),
        unit: 'ms',
        note: `median of ${ROUNDS}, interleaved with the above`,
      },
      { name: 'primary.xml: time ratio, streaming ÷ baseline', value: ours / theirs, unit: 'x', note: 'same packages read by both' },
      {
        name: 'primary.xml.gz streamed from disk: streaming parser, peak RSS',
        value: mb(streamed.maxRss),
        unit: 'MB',
        note: `peak heap growth ${mb(streamed.peakHeapGrowth)} MB, ${streamed.ms.toFixed(0)} ms, own process`,
      },
      {
        name: 'primary.xml.gz streamed from disk: baseline, peak RSS',
        value: mb(sliced.maxRss),
        unit: 'MB',
        note: `peak heap growth ${mb(sliced.peakHeapGrowth)} MB, ${sliced.ms.toFixed(0)} ms, own process`,
      },
      { name: `streamed with old space capped at ${HEAP_CAP_MB} MB: streaming parser`, value: HEAP_CAP_MB, unit: 'MB', note: streamedCapped },
      { name: `streamed with old space capped at ${HEAP_CAP_MB} MB: baseline`, value: HEAP_CAP_MB, unit: 'MB', note: slicedCapped },
    ];
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
