import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HTTP } from 'cloudevents';
import { startServedRuntime, type ServedRuntime } from '../../cli/runtime';
import { removeStorage } from '../../functions/build/builders/local';
import { loadConfig } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { createLocalRepo } from '../../shared/git/local-repo';
import { ingressAuthorization, ingressTokenFor } from '../../shared/host/ingress-token';
import type { ProjectEntry } from '../../shared/index/types';
import { createLogger } from '../../shared/log/logger';
import { liveCgroups } from '../../shared/sandbox/resource-limits';

const exec = promisify(execFile);

/**
 * A fork bomb, in a file whose name marks every process of it in `ps`. The script stays (`sleep`,
 * not `wait`, which returns as soon as the first pair has forked): on a loaded machine it could
 * otherwise exit, and its sandbox's pid namespace with it, before the bomb reached the limit, and
 * the build would succeed. Ten seconds, not more: were the limit not held, the bomb runs that long.
 */
const BOMB = 'bomb() { bomb | bomb & }; bomb\nsleep 10\n';

describe('a fork bomb in a prebuild, through the served runtime (real build, real bwrap, its cgroup)', () => {
  /** The log lines about cgroups (a sandbox without one warns). */
  const sandboxWarnings: string[] = [];
  let dir: string;
  let served: ServedRuntime;
  let project: ProjectEntry;
  const script = `fork-bomb-${process.pid}-${Date.now()}.sh`;
  const completed: BuildCompletedData[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-hostile-limits-'));
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    await repo.commit({ 'bomb/Dockerfile': 'FROM scratch\nCOPY Dockerfile /x\n', [`bomb/${script}`]: { content: BOMB, executable: false } });
    project = {
      id: 1,
      appId: 'hostile',
      jobId: 'bomb',
      gitUrl: repo.url,
      gitBranch: 'main',
      gitPath: 'bomb',
      targetFile: 'Dockerfile',
      desiredTag: 'latest',
      notifyEmail: ['owner@example.com'],
      buildContext: './',
      dependsOn: [],
      source: { file: 'index.d/hostile.yaml', line: 2 },
      prebuildScript: `./${script}`,
      prebuildContext: 'bomb',
    };
    const config = loadConfig({ dataDir: path.join(dir, 'data') }, { CCP_PREBUILD_NETWORK: 'off', CCP_PREBUILD_MAX_PROCESSES: '100' });
    served = await startServedRuntime(config, createLogger({ write: (line) => void (line.includes('cgroup') && sandboxWarnings.push(line)) }), {
      port: 0,
      projects: [project],
    });
    served.runtime.broker.on('delivered', ({ emitted }) => {
      for (const event of emitted) if (event.type === EventTypes.buildCompleted) completed.push(event.data as BuildCompletedData);
    });
  }, 60_000);

  afterAll(async () => {
    // Whatever an assertion left: the bomb's cgroup emptied before anything else goes.
    await Promise.all([...liveCgroups.values()].map((cgroup) => cgroup.remove()));
    await served?.close();
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run')).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('fails the build at the process limit, leaves no process of it, and /health/liveness answers throughout', async () => {
    const probes: number[] = [];
    let failures = 0;
    let probing = true;
    const seen = new Set<string>();
    const probe = (async () => {
      while (probing) {
        liveCgroups.forEach((_cgroup, cgroupDir) => seen.add(cgroupDir));
        const started = performance.now();
        const response = await fetch(`${served.server.url}/health/liveness`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
        probes.push(performance.now() - started);
        if (response?.status !== 200) failures += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const started = Date.now();
    let status: number;
    try {
      const message = HTTP.binary(
        makeEvent(
          EventTypes.buildRequested,
          { project, entry: project, buildId: 'bomb-1', cause: { kind: 'manual', message: 'fork bomb' } },
          { source: '/test/attacker' },
        ),
      );
      const { token } = await ingressTokenFor(served.runtime.context.config);
      const posted = await fetch(`${served.server.url}/`, {
        method: 'POST',
        headers: { ...(message.headers as Record<string, string>), ...ingressAuthorization(token) },
        body: message.body as string,
      });
      status = posted.status;
      await served.runtime.broker.idle();
    } finally {
      probing = false;
      await probe;
    }
    const elapsed = Date.now() - started;
    process.stderr.write(
      `prebuild fork bomb: build ended after ${elapsed} ms, ${probes.length} liveness probes, slowest ${Math.round(Math.max(...probes))} ms\n`,
    );

    expect(status).toEqual(202);
    // With whether a build cgroup was seen and what the sandbox warned: a failure then tells a cgroup not made from a bomb that never grew.
    expect({ completed: completed.map((data) => [data.buildId, data.status, data.reason]), cgroupSeen: seen.size > 0, warnings: sandboxWarnings }).toEqual({
      completed: [['bomb-1', 'failed', `prebuild script ./${script} hit the process limit (100, CCP_PREBUILD_MAX_PROCESSES)`]],
      cgroupSeen: true,
      warnings: [],
    });
    expect(elapsed).toBeLessThan(60_000);
    expect(failures).toEqual(0);
    expect(probes.length).toBeGreaterThan(0);
    expect(Math.max(...probes)).toBeLessThan(5_000);
    // Nothing of it is left: its cgroup could only be removed empty, and no process runs the script.
    expect([...seen].filter((cgroupDir) => existsSync(cgroupDir))).toEqual([]);
    expect(liveCgroups.size).toEqual(0);
    const { stdout } = await exec('ps', ['-eo', 'args']);
    expect(stdout.split('\n').filter((line) => line.includes(script))).toEqual([]);
  }, 120_000);
});
