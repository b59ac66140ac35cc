/** One measured number of `npm run bench`. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The goal the issue sets, e.g. `< 1000 ms`; absent when there is none. */
  goal?: string;
  /** Whether the goal was met; absent without a goal. */
  met?: boolean;
  /** What the number was measured against, for ratios. */
  note?: string;
}

/** A group of measurements run by bench/main.ts. */
export type Bench = () => Promise<BenchResult[]>;
