import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import yazl from 'yazl';
import { silentLogger } from '../shared/log/logger';
import { buildIndex } from '../shared/osv/database';
import { runScanners } from '../functions/scan/run-scanners';
import { SCANNERS } from '../functions/scan/scanners/api';
import { rpmUpdatesScanner } from '../functions/scan/scanners/rpm-updates';
import { vulnerabilitiesScanner } from '../functions/scan/scanners/vulnerabilities';
import type { AdvisorySource } from '../shared/osv/source';
import type { ScanEnvironment, ScanTarget } from '../shared/reports/scanner-types';
import { benchRpmImage, median, PACKAGES, serve } from './scan-rpm';
import type { Bench, BenchResult } from './types';

const ADVISORIES = 50_000;
/** Package names advisories speak of: the 500 installed and 4,500 others, as a distribution's advisories mostly concern packages an image lacks. */
const OTHER_NAMES = 4_500;
const RATIO_GOAL = 1;
const ROUNDS = 7;

/** A small deterministic generator (mulberry32), so every run matches the same database. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VECTORS = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
  'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N',
];
/**
 * Fixes against the installed 1.0-1 (and the repo's 1.1-1 for half of them): not affected (0.9-1,
 * 1.0-1), affected and fixable by the repo's 1.1-1, affected past the repo (1.2-1), affected
 * through an epoch (1:0.5-1), no fix (null).
 */
const FIXES = ['0.9-1', '1.0-1', '1.1-1', '1.2-1', '1:0.5-1', null];

/** `count` ALSA-style records over the names, 1–3 affected packages each, 30 % of entries for release 8. */
function syntheticRecords(count: number): Record<string, unknown>[] {
  const next = random(16);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const name = (): string =>
    next() < 0.2 ? `bench-pkg-${String(Math.floor(next() * PACKAGES)).padStart(3, '0')}` : `other-pkg-${Math.floor(next() * OTHER_NAMES)}`;
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const affected = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
      const fixed = pick(FIXES);
      return {
        package: { ecosystem: next() < 0.3 ? 'AlmaLinux:8' : 'AlmaLinux:9', name: name() },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, ...(fixed ? [{ fixed }] : [])] }],
      };
    });
    records.push({
      schema_version: '1.6.0',
      id: `ALSA-2024:${String(i).padStart(5, '0')}`,
      modified: '2024-06-01T00:00:00Z',
      published: '2024-06-01T00:00:00Z',
      aliases: [`CVE-2024-${String(10000 + i)}`],
      summary: `synthetic advisory ${i}: a flaw in ${(affected[0]!.package as { name: string }).name}`,
      severity: [{ type: 'CVSS_V3', score: pick(VECTORS) }],
      affected,
      references: [{ type: 'ADVISORY', url: `https://errata.example/ALSA-2024:${i}` }],
    });
  }
  return records;
}

async function zipOf(records: Record<string, unknown>[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const record of records) zip.addBuffer(Buffer.from(JSON.stringify(record)), `${String(record.id)}.json`);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** `gc()` of this process, for retained-memory numbers (the flag can be set at run time, before the first use). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * The vulnerabilities scanner on the RPM bench image (500 installed RPMs, a repo with 250 newer)
 * against 50,000 synthetic AlmaLinux advisories, as a ratio to rpm-updates on the same image
 * (both cold: no repo metadata cache; the database loaded once, as in a warm scan function):
 * alone, and, the headline, what it adds to a whole scan (the scanners run at once and share the
 * scan's reads of the rpmdb and the repos); the database's load time from its zip and the memory
 * it keeps; the matching alone.
 */
export const vulnerabilitiesBench: Bench = async () => {
  const work = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-vulnerabilities-'));
  const { url, server } = await serve(path.join(work, 'repo'));
  try {
    const rootfs = await benchRpmImage(work, url, 'ID="almalinux"\nVERSION_ID="9.4"\n');
    const zip = await zipOf(syntheticRecords(ADVISORIES));

    const gc = collector();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const loadStart = performance.now();
    const { index, stats } = await buildIndex([{ ecosystem: 'AlmaLinux', zip }]);
    const load = performance.now() - loadStart;
    gc();
    const retained = process.memoryUsage().heapUsed - heapBefore;

    const advisories: AdvisorySource = { load: async () => ({ index, stats, version: 'bench', refresh: [] }) };
    const target: ScanTarget = { rootfs, imageRef: 'bench/rpm:500', config: {} };
    let cacheRound = 0;
    const env = (): ScanEnvironment => ({
      log: silentLogger,
      cacheDir: path.join(work, `cache-${cacheRound++}`),
      rewriteUrl: (u) => u,
      registries: { pypi: '', npm: '', rubygems: '' },
      timeoutMs: 30_000,
      advisories,
    });

    // Each round times rpm-updates alone, vulnerabilities alone, and a whole scan (every scanner at
    // once, as the scan function runs them, sharing one scan's reads) without and with
    // vulnerabilities; the ratios are taken within a round and their median reported, so that the
    // load of a shared machine, which drifts between rounds, weighs on both sides of each ratio.
    const updatesTimes: number[] = [];
    const vulnerabilityTimes: number[] = [];
    const withoutTimes: number[] = [];
    const withTimes: number[] = [];
    const aloneRatios: number[] = [];
    const addedRatios: number[] = [];
    const others = SCANNERS.filter((scanner) => scanner !== vulnerabilitiesScanner);
    let findings: { status: string }[] = [];
    const timed = async (work: () => Promise<unknown>): Promise<number> => {
      const start = performance.now();
      await work();
      return performance.now() - start;
    };
    for (let i = 0; i < ROUNDS; i++) {
      const updates = await timed(() => rpmUpdatesScanner.scan(target, env()));
      const vulnerabilities = await timed(async () => {
        const result = await vulnerabilitiesScanner.scan(target, env());
        findings = result.findings.map((finding) => finding.details as { status: string });
      });
      const without = await timed(() => runScanners(others, target, env(), 60_000));
      const whole = await timed(() => runScanners(SCANNERS, target, env(), 60_000));
      updatesTimes.push(updates);
      vulnerabilityTimes.push(vulnerabilities);
      withoutTimes.push(without);
      withTimes.push(whole);
      aloneRatios.push(vulnerabilities / updates);
      addedRatios.push((whole - without) / updates);
    }

    const names = Array.from({ length: PACKAGES }, (_, i) => `bench-pkg-${String(i).padStart(3, '0')}`);
    const matchTimes: number[] = [];
    let matched = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now();
      matched = names.reduce((sum, name) => sum + index.lookup({ ecosystem: 'AlmaLinux', name, version: '0:1.0-1', release: '9.4' }).length, 0);
      matchTimes.push(performance.now() - start);
    }

    const updates = median(updatesTimes);
    const vulnerabilities = median(vulnerabilityTimes);
    const added = median(withTimes) - median(withoutTimes);
    const addedRatio = median(addedRatios);
    const count = (status: string): number => findings.filter((finding) => finding.status === status).length;
    const results: BenchResult[] = [
      {
        name: `OSV database: ${ADVISORIES} advisories, zip of ${(zip.length / 1e6).toFixed(1)} MB, load`,
        value: load,
        unit: 'ms',
        note: `${stats.indexed} indexed, ${stats.invalid} invalid`,
      },
      {
        name: 'OSV database: heap kept by the index',
        value: retained / 1e6,
        unit: 'MB',
        note: `after gc; ${(retained / ADVISORIES).toFixed(0)} bytes per advisory`,
      },
      {
        name: `matching ${PACKAGES} installed RPMs against the index (median of ${ROUNDS})`,
        value: median(matchTimes),
        unit: 'ms',
        note: `${matched} advisory matches`,
      },
      { name: `rpm-updates, ${PACKAGES} RPMs, cold cache (median of ${ROUNDS})`, value: updates, unit: 'ms' },
      {
        name: `vulnerabilities, ${PACKAGES} RPMs, cold cache (median of ${ROUNDS})`,
        value: vulnerabilities,
        unit: 'ms',
        note: `${findings.length} findings: ${count('fixable-now')} fixable now, ${count('fix-upstream-only')} upstream only, ${count('no-fix')} no fix`,
      },
      {
        name: 'vulnerabilities alone ÷ rpm-updates alone',
        value: median(aloneRatios),
        unit: 'x',
        note: `median of ${ROUNDS} rounds' ratios; alone, each reads the rpmdb and the repos itself`,
      },
      {
        name: `whole scan (all scanners at once), without → with vulnerabilities (median of ${ROUNDS})`,
        value: added,
        unit: 'ms added',
        note: `${median(withoutTimes).toFixed(0)} → ${median(withTimes).toFixed(0)} ms; the scanners of a scan read the rpmdb and the repos once (env.memo)`,
      },
      {
        name: 'time vulnerabilities adds to a whole scan ÷ rpm-updates alone',
        value: addedRatio,
        unit: 'x',
        goal: `< ${RATIO_GOAL}x (adds less than the update scan itself)`,
        met: addedRatio < RATIO_GOAL,
        note: `median of ${ROUNDS} rounds' ratios`,
      },
    ];
    return results;
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(work, { recursive: true, force: true });
  }
};
