import { TEST_HOOKS } from '../config/settings/pipeline';
/**
 * The fault-injection hook of the crash tests (`test/crash/`): with
 * `CCP_TEST_SIGKILL_AT=<point>[@<n>]` the process SIGKILLs itself the n-th time (1st by
 * default) it passes the named point, as an operator's `kill -9` would land there. Points:
 * `deliver:<fn>` (a delivery to function fn is journalled and about to call it),
 * `delivered:<fn>` (fn answered and its replies are journalled; its own entry is not yet
 * removed), `build:step` (a `==> ` step line of a running build's log). Unset: a no-op.
 * @see ../../test/crash/kill-restart.test.ts
 */
export function crashPoint(point: string): void {
  if (!target) return;
  if (point !== target.point) return;
  passed += 1;
  if (passed === target.nth) process.kill(process.pid, 'SIGKILL');
}

/** The environment variable naming the point. */
export const CRASH_POINT_ENV = TEST_HOOKS.sigkillAt.env!;

function parseTarget(value: string | undefined): { point: string; nth: number } | null {
  if (!value) return null;
  const at = value.lastIndexOf('@');
  const nth = at > 0 ? Number(value.slice(at + 1)) : 1;
  return { point: at > 0 ? value.slice(0, at) : value, nth: Number.isInteger(nth) && nth > 0 ? nth : 1 };
}

const target = parseTarget(process.env[CRASH_POINT_ENV]);
let passed = 0;
