import type { CascadeItem } from '../../../shared/cascade/types';

/**
 * How many builds, at most, still follow each item along one chain of the cascade, itself
 * included (a leaf is 1, the root of a→b→c is 3): the critical path left when it starts.
 * Ended items count 0. `after` names the parents, so a child adds 1 to each parent's chain.
 * @see https://en.wikipedia.org/wiki/Critical_path_method
 */
export function remainingChains(items: readonly CascadeItem[]): Map<string, number> {
  const children = new Map<string, string[]>();
  for (const item of items) for (const parent of item.after) children.set(parent, [...(children.get(parent) ?? []), item.name]);
  const open = new Set(items.filter((item) => item.status === 'waiting' || item.status === 'requested').map((item) => item.name));
  const chain = new Map<string, number>();
  // Items are in plan order (parents before children): walking backwards sees every child first.
  for (let index = items.length - 1; index >= 0; index--) {
    const name = items[index]!.name;
    const below = Math.max(0, ...(children.get(name) ?? []).map((child) => chain.get(child) ?? 0));
    chain.set(name, open.has(name) ? below + 1 : below);
  }
  return chain;
}

/**
 * The order in which ready items take free build slots: the longest remaining chain first
 * (a build that gates three more before one that gates none), then plan order. Starting the critical path first keeps a chain from being the tail of
 * the run while the other slots idle (list scheduling with critical-path priority).
 * @see https://en.wikipedia.org/wiki/List_scheduling
 */
export function byCriticalPath(items: readonly CascadeItem[]): (a: CascadeItem, b: CascadeItem) => number {
  const chain = remainingChains(items);
  const position = new Map(items.map((item, index) => [item.name, index]));
  return (a, b) => (chain.get(b.name) ?? 0) - (chain.get(a.name) ?? 0) || (position.get(a.name) ?? 0) - (position.get(b.name) ?? 0);
}
