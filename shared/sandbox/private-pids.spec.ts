import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { withPrivatePids } from './private-pids';
import { SandboxUnavailableError } from './types';

const exec = promisify(execFile);

describe('withPrivatePids', () => {
  it('runs the command as root with the host file system, in a PID namespace where the pipeline is absent', async () => {
    const [command, args] = withPrivatePids('/bin/sh', [
      '-c',
      `ls /proc | grep -c "^[0-9]"; test -e /proc/${process.pid} && echo sees-pipeline; test -r /etc/shadow && echo host-fs; ls /dev | grep -c "^[sv]d[a-z]$"; tr "\\0" " " < /proc/1/cmdline`,
    ]);
    const { stdout } = await exec(command, args, { env: { PATH: '/usr/bin:/bin' } });
    const [count, ...rest] = stdout.trim().split('\n');
    expect(Number(count)).toBeLessThanOrEqual(5);
    // No host process and no host block device; the host's files are there (buildah needs them).
    expect(rest).toEqual(['host-fs', '0', expect.stringMatching(/^\/bin\/sh -c /)]);
  });

  it('refuses without bwrap', () => {
    expect(() => withPrivatePids('buildah', [], null)).toThrow(SandboxUnavailableError);
  });
});
