import { attestBench } from './attest';
import { buildBench } from './build';
import { coldStartBench } from './cold-start';
import { dashboardBench } from './dashboard';
import { dispatchBench } from './dispatch';
import { indexGraphBench } from './index-graph';
import { journalBench } from './journal';
import { lintBench } from './lint';
import { primaryXmlBench } from './primary-xml';
import { reposBench } from './repos';
import { scanRpmBench } from './scan-rpm';
import { vulnerabilitiesBench } from './vulnerabilities';
import { sandboxBench } from './sandbox';
import { signingBench } from './signing';
import { scheduleBench } from './schedule';
import type { Bench, BenchResult } from './types';

/** Every benchmark group, in the order they run. */
const BENCHES: [string, Bench][] = [
  ['index and dependency graph', indexGraphBench],
  ['Dockerfile lint', lintBench],
  ['image build', buildBench],
  ['attest (sign and provenance)', attestBench],
  ['RPM scan', scanRpmBench],
  ['vulnerabilities (OSV advisories)', vulnerabilitiesBench],
  ['RPM repo tracking', reposBench],
  ['primary.xml streaming parser', primaryXmlBench],
  ['rebuild dispatcher', dispatchBench],
  ['prebuild sandbox', sandboxBench],
  ['function cold start', coldStartBench],
  ['index-wide build scheduling', scheduleBench],
  ['embedded broker journal', journalBench],
  ['dashboard (200-project projects page)', dashboardBench],
  ['image signing', signingBench],
];

function render(result: BenchResult): string {
  const value = Number.isInteger(result.value) ? String(result.value) : result.value.toFixed(2);
  const goal = result.goal ? `  goal ${result.goal}: ${result.met ? 'met' : 'NOT met'}` : '';
  const note = result.note ? `  (${result.note})` : '';
  return `  ${result.name.padEnd(58)} ${value.padStart(10)} ${result.unit}${goal}${note}`;
}

/**
 * The groups to run: those whose title contains one of the words given on the command line
 * (`node dist/bench/main.js sandbox`), every group without any.
 */
function selected(argv: readonly string[]): [string, Bench][] {
  const words = argv.filter((arg) => !arg.startsWith('--')).map((word) => word.toLowerCase());
  return words.length === 0 ? BENCHES : BENCHES.filter(([title]) => words.some((word) => title.toLowerCase().includes(word)));
}

async function main(): Promise<void> {
  const all: BenchResult[] = [];
  for (const [title, bench] of selected(process.argv.slice(2))) {
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
