/**
 * One loop per strongly connected group of a directed graph given as adjacency lists over node
 * numbers (`edges[n]` are the nodes `n` points to). Each loop starts at its group's smallest
 * node by `order`, and follows the shortest way back to it. Iterative, so a long chain cannot
 * overflow the stack.
 * @see https://en.wikipedia.org/wiki/Tarjan%27s_strongly_connected_components_algorithm
 */
export function findCycleNodes(edges: ReadonlyArray<Iterable<number>>, order: (a: number, b: number) => number): number[][] {
  const count = edges.length;
  const lists = edges.map((targets) => [...targets]);
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const components: number[][] = [];
  let next = 0;

  for (let start = 0; start < count; start++) {
    if (index[start] !== -1) continue;
    // Each frame: node and the position of the next edge to follow.
    const frames: Array<[number, number]> = [[start, 0]];
    index[start] = low[start] = next++;
    stack.push(start);
    onStack[start] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [node, edge] = frame;
      const targets = lists[node]!;
      if (edge < targets.length) {
        frame[1] = edge + 1;
        const target = targets[edge]!;
        if (index[target] === -1) {
          index[target] = low[target] = next++;
          stack.push(target);
          onStack[target] = 1;
          frames.push([target, 0]);
        } else if (onStack[target]) {
          low[node] = Math.min(low[node]!, index[target]!);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === index[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || lists[node]!.includes(node)) components.push(component);
      }
    }
  }
  return components.map((component) => shortestLoop(component, lists, order)).sort((a, b) => order(a[0]!, b[0]!));
}

/** The shortest loop through the component's smallest node, staying inside the component. */
function shortestLoop(component: number[], lists: number[][], order: (a: number, b: number) => number): number[] {
  const members = new Set(component);
  const start = component.reduce((best, node) => (order(node, best) < 0 ? node : best));
  const cameFrom = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    const targets = [...lists[node]!].filter((target) => members.has(target)).sort(order);
    for (const target of targets) {
      if (target === start) {
        const loop = [node];
        for (let step = node; step !== start;) {
          step = cameFrom.get(step)!;
          loop.push(step);
        }
        return loop.reverse();
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start];
}
