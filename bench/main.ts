import { buildBench } from './build';
import { dispatchBench } from './dispatch';
import { indexGraphBench } from './index-graph';
import { lintBench } from './lint';
import { reposBench } from './repos';
import { scanRpmBench } from './scan-rpm';
import type { Bench, BenchResult } from './types';

/** Every benchmark group, in the order they run. */
const BENCHES: [string, Bench][] = [
  ['index and dependency graph', indexGraphBench],
  ['Dockerfile lint', lintBench],
  ['image build', buildBench],
  ['RPM scan', scanRpmBench],
  ['RPM repo tracking', reposBench],
  ['rebuild dispatcher', dispatchBench],
];

function render(result: BenchResult): string {
  const value = Number.isInteger(result.value) ? String(result.value) : result.value.toFixed(2);
  const goal = result.goal ? `  goal ${result.goal}: ${result.met ? 'met' : 'NOT met'}` : '';
  const note = result.note ? `  (${result.note})` : '';
  return `  ${result.name.padEnd(58)} ${value.padStart(10)} ${result.unit}${goal}${note}`;
}

async function main(): Promise<void> {
  const all: BenchResult[] = [];
  for (const [title, bench] of BENCHES) {
    console.log(`${title}`);
    const results = await bench();
    results.forEach((result) => console.log(render(result)));
    all.push(...results);
  }
  const missed = all.filter((result) => result.met === false);
  console.log(`\n${all.length} measurements, ${all.filter((r) => r.met).length} goals met, ${missed.length} missed`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(all, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
