/** An edge would close a loop in `depends-on`/`FROM`: the images could never build in order. */
export class DependencyCycleError extends Error {
  override readonly name = 'DependencyCycleError';

  constructor(
    /** The loop, each image depending on the next and the last on the first. */
    readonly cycle: string[],
  ) {
    super(`dependency cycle: ${formatCycle(cycle)}`);
  }
}

/** `a/b:1 -> c/d:2 -> a/b:1`: each image depends on the one after the arrow. */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.length === 0 ? '' : [...cycle, cycle[0]].join(' -> ');
}
