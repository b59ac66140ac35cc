import { readdirSync, readFileSync } from 'node:fs';

/**
 * Sends SIGKILL to the process group led by `pid` and to every descendant of `pid`, found
 * through `/proc` before any is killed (a process that called `setsid` has left the group but
 * is still a descendant). Processes that are already gone are ignored.
 * @see https://man7.org/linux/man-pages/man5/proc.5.html
 */
export function killTree(pid: number): void {
  const victims = [pid, ...descendantsOf(pid)];
  signalQuietly(-pid);
  for (const victim of victims) signalQuietly(victim);
}

function signalQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone, or never a group leader
  }
}

/** Every process whose chain of parents leads to `root`. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of safeReaddir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const parent = parentOf(Number(name));
    if (parent === null) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(name));
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
