import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { minimalEnv } from '../shared/process/minimal-env';
import { runProcess } from '../shared/process/run-process';
import { runSandboxed } from '../shared/sandbox/bwrap';
import { SANDBOX_DEFAULTS } from '../shared/sandbox/settings';
import { withPrivatePids } from '../shared/sandbox/private-pids';
import { type SandboxNetwork } from '../shared/sandbox/types';
import type { Bench, BenchResult } from './types';

const ROUNDS = 25;

/** A small prebuild as the index's projects have them: make a folder, write files, pack them. */
const SCRIPT = `#!/bin/sh
set -eu
rm -rf out rootfs.tar
mkdir -p out/bin out/etc
for i in 1 2 3 4 5 6 7 8; do echo "file $i of $CCP_BUILD_ID" > "out/etc/f$i"; done
cp "$(command -v busybox || command -v sh)" out/bin/
tar -C out -cf rootfs.tar .
echo "packed $(wc -c < rootfs.tar) bytes"
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timed(work: () => Promise<{ exitCode: number | null }>): Promise<number> {
  const started = performance.now();
  const { exitCode } = await work();
  if (exitCode !== 0) throw new Error(`bench run exited with ${exitCode}`);
  return performance.now() - started;
}

/**
 * The sandbox's cost per prebuild: the same script in the same process, unconfined
 * (`runProcess`, as before) and in the bubblewrap sandbox (`runSandboxed`) with each network
 * setting (`host`, `off`, and the default `isolated`, whose slirp4netns start is the extra),
 * interleaved, one of each per round in a rotating order, medians compared; and the PID
 * namespace around buildah (`withPrivatePids` around `true` against `true` alone).
 */
export const sandboxBench: Bench = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-sandbox-'));
  try {
    const work = path.join(dir, 'src');
    await mkdir(work);
    await writeFile(path.join(work, 'prebuild.sh'), SCRIPT, { mode: 0o755 });
    const env = { CCP_BUILD_ID: 'bench' };
    const plain = (): Promise<{ exitCode: number | null }> => runProcess(path.join(work, 'prebuild.sh'), [], { cwd: work, env: minimalEnv(dir, env) });
    const boxed = (network: SandboxNetwork) => (): Promise<{ exitCode: number | null }> =>
      runSandboxed({
        workDir: work,
        insideWorkDir: '/build/src',
        cwd: '/build/src',
        command: '/build/src/prebuild.sh',
        args: [],
        env,
        hide: [dir],
        ...SANDBOX_DEFAULTS,
        network,
        timeoutMs: 60_000,
      });
    const variants = { plain, host: boxed('host'), off: boxed('off'), isolated: boxed('isolated') };
    const names = Object.keys(variants) as (keyof typeof variants)[];
    const [bwrap, bwrapArgs] = withPrivatePids('true', []);
    const bare = (): Promise<{ exitCode: number | null }> => runProcess('true', [], { env: minimalEnv(dir) });
    const pids = (): Promise<{ exitCode: number | null }> => runProcess(bwrap, bwrapArgs, { env: minimalEnv(dir) });
    for (const name of names) await timed(variants[name]);
    const times = { plain: [] as number[], host: [] as number[], off: [] as number[], isolated: [] as number[], bare: [] as number[], pids: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate which goes first, so none always runs on a warmer cache.
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length]!;
        times[name].push(await timed(variants[name]));
      }
      times.bare.push(await timed(bare));
      times.pids.push(await timed(pids));
    }
    const [plainMs, hostMs, offMs, isolatedMs, bareMs, pidsMs] = [times.plain, times.host, times.off, times.isolated, times.bare, times.pids].map(median) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const results: BenchResult[] = [
      { name: 'prebuild script unconfined (median)', value: plainMs, unit: 'ms', note: `${ROUNDS} interleaved rounds` },
      { name: 'prebuild script in the bwrap sandbox, host network (median)', value: hostMs, unit: 'ms' },
      { name: 'prebuild script in the bwrap sandbox, network off (median)', value: offMs, unit: 'ms' },
      { name: 'prebuild script in the bwrap sandbox, isolated network (default; median)', value: isolatedMs, unit: 'ms' },
      {
        name: 'sandbox cost per prebuild (isolated network vs unconfined)',
        value: isolatedMs / plainMs,
        unit: 'x',
        note: `+${(isolatedMs - plainMs).toFixed(1)} ms per run`,
      },
      {
        name: 'isolated network start-up (isolated vs off)',
        value: isolatedMs / offMs,
        unit: 'x',
        note: `+${(isolatedMs - offMs).toFixed(1)} ms per run (slirp4netns)`,
      },
      {
        name: 'sandbox cost per prebuild (host network vs unconfined)',
        value: hostMs / plainMs,
        unit: 'x',
        note: `+${(hostMs - plainMs).toFixed(1)} ms per run`,
      },
      {
        name: 'PID namespace around buildah (bwrap + true vs true)',
        value: pidsMs - bareMs,
        unit: 'ms',
        note: `${bareMs.toFixed(1)} → ${pidsMs.toFixed(1)} ms`,
      },
    ];
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
