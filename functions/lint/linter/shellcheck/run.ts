import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCaptured } from '../../../../shared/process/run-process';
import { ShellcheckError, type Dialect, type ShellcheckComment } from './types';

/** hadolint leaves out these: SC2187 (ash is checked as dash), SC1090 (needs a directive). */
const EXCLUDED = 'SC2187,SC1090';
const MAX_SCRIPTS_PER_PROCESS = 200;
const TIMEOUT_MS = 120_000;

interface Pending {
  dialect: Dialect;
  text: string;
  command: string;
  resolve: (comments: ShellcheckComment[]) => void;
  reject: (error: Error) => void;
}

const queue: Pending[] = [];
let flushScheduled = false;
let running = 0;
const waiting: (() => void)[] = [];
const slots = Math.max(1, os.availableParallelism());

/**
 * Checks one script with `shellcheck -s <dialect> -f json1`. Scripts requested in the same tick
 * (all RUNs of one Dockerfile, or of many linted at once) share ShellCheck processes, one per
 * CPU, instead of paying ShellCheck's start-up once per `RUN`.
 * @throws ShellcheckError when ShellCheck is missing or fails
 * @see https://github.com/koalaman/shellcheck/blob/master/shellcheck.1.md
 */
export function shellcheck(text: string, dialect: Dialect, command = 'shellcheck'): Promise<ShellcheckComment[]> {
  return new Promise((resolve, reject) => {
    queue.push({ dialect, text, command, resolve, reject });
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  });
}

function flush(): void {
  flushScheduled = false;
  const batch = queue.splice(0);
  const groups = new Map<string, Pending[]>();
  for (const item of batch) {
    const key = `${item.command}\u0000${item.dialect}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  for (const group of groups.values()) {
    const size = Math.min(MAX_SCRIPTS_PER_PROCESS, Math.max(1, Math.ceil(group.length / slots)));
    for (let start = 0; start < group.length; start += size) void runChunk(group.slice(start, start + size));
  }
}

async function runChunk(chunk: Pending[]): Promise<void> {
  await acquire();
  let dir: string | null = null;
  try {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-shellcheck-'));
    const names = chunk.map((_item, index) => `s${index}.sh`);
    await Promise.all(names.map((name, index) => writeFile(path.join(dir as string, name), chunk[index].text)));
    const output = await execute(chunk[0].command, ['--norc', '-s', chunk[0].dialect, '-f', 'json1', '-e', EXCLUDED, ...names], dir);
    const byFile = new Map<string, ShellcheckComment[]>(names.map((name) => [name, []]));
    for (const comment of parseOutput(output)) byFile.get(comment.file)?.push(comment);
    chunk.forEach((item, index) => item.resolve(byFile.get(names[index]) ?? []));
  } catch (error) {
    const failure = error instanceof ShellcheckError ? error : new ShellcheckError(`ShellCheck failed: ${(error as Error).message}`);
    chunk.forEach((item) => item.reject(failure));
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
    release();
  }
}

function acquire(): Promise<void> {
  if (running < slots) {
    running += 1;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running -= 1;
}

/** ShellCheck through the service's one process runner: time limit, tree kill, output bound. */
async function execute(command: string, args: string[], cwd: string): Promise<string> {
  const result = await runCaptured(command, args, { cwd, env: process.env, timeoutMs: TIMEOUT_MS, maxBytes: 64 * 1024 * 1024 });
  if (result.spawnError) {
    throw new ShellcheckError(
      /ENOENT/.test(result.spawnError)
        ? `ShellCheck is not installed: "${command}" was not found on PATH (Debian: apt-get install -y shellcheck)`
        : `ShellCheck could not start: ${result.spawnError}`,
    );
  }
  // 0: no comments, 1: comments. Anything else is ShellCheck failing.
  if (!result.truncated && (result.exitCode === 0 || result.exitCode === 1)) return result.stdout.toString('utf8');
  const reason = result.truncated
    ? 'it printed more than 64 MiB'
    : result.timedOut
      ? `no answer within ${TIMEOUT_MS} ms`
      : result.stderr.toString('utf8').trim() || (result.signal ? `killed by ${result.signal}` : `exit status ${result.exitCode}`);
  throw new ShellcheckError(`ShellCheck failed: ${reason}`);
}

function parseOutput(output: string): (ShellcheckComment & { file: string })[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    throw new ShellcheckError(`ShellCheck printed something that is not JSON: ${output.slice(0, 200)}`);
  }
  const comments = (parsed as { comments?: unknown }).comments;
  if (!Array.isArray(comments)) throw new ShellcheckError('ShellCheck JSON has no "comments" array');
  return comments as (ShellcheckComment & { file: string })[];
}
