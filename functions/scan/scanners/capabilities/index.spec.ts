import os from 'node:os';
import { scanEnvironment, scanTarget } from '../../../../test/scan-support/rootfs';
import type { ScannerResult } from '../../../../shared/reports/scanner-types';
import { capabilitiesScanner } from '.';

const ENV = scanEnvironment({ pypi: '', npm: '', rubygems: '' });

async function scanLabel(labels: Record<string, string> | undefined): Promise<ScannerResult> {
  return capabilitiesScanner.scan(scanTarget(os.tmpdir(), labels ? { Labels: labels } : {}, 'registry.local/tools/agent:1'), ENV);
}

async function flagged(label: string): Promise<[string, string][]> {
  const result = await scanLabel({ RUN: label });
  expect(result.status).toBe('ok');
  return result.findings.map((finding) => [finding.id, finding.severity]);
}

describe('capabilities', () => {
  it.each<[string, string, [string, string][]]>([
    ['--privileged', 'podman run --privileged IMAGE', [['privileged', 'high']]],
    ['--privileged=false is not flagged', 'podman run --privileged=false IMAGE', []],
    [
      '--cap-add, each capability, CAP_ prefix and case folded',
      'docker run --cap-add=SYS_ADMIN --cap-add cap_net_raw,chown ${IMAGE}',
      [
        ['cap-add:SYS_ADMIN', 'high'],
        ['cap-add:NET_RAW', 'medium'],
        ['cap-add:CHOWN', 'medium'],
      ],
    ],
    ['--cap-add ALL', 'docker run --cap-add ALL $IMAGE', [['cap-add:ALL', 'high']]],
    ['--net=host', 'docker run --net=host IMAGE', [['namespace:network', 'high']]],
    ['--network host', 'docker run --network host IMAGE', [['namespace:network', 'high']]],
    ['--pid=host', 'docker run --pid=host IMAGE', [['namespace:pid', 'high']]],
    ['--ipc=host', 'docker run --ipc=host IMAGE', [['namespace:ipc', 'medium']]],
    ['--uts=host', 'docker run --uts=host IMAGE', [['namespace:uts', 'medium']]],
    ['--userns=host', 'podman run --userns=host IMAGE', [['namespace:userns', 'medium']]],
    ['--cgroupns=host', 'podman run --cgroupns=host IMAGE', [['namespace:cgroupns', 'medium']]],
    ['a private network is fine', 'docker run --network mynet IMAGE', []],
    ['-v /:/host', 'docker run -v /:/host IMAGE', [['mount:/', 'high']]],
    ['--volume /etc/:/etc (trailing slash)', 'docker run --volume=/etc/:/etc:ro IMAGE', [['mount:/etc', 'high']]],
    ['the Docker socket', 'docker run -v /var/run/docker.sock:/var/run/docker.sock IMAGE', [['mount:/var/run/docker.sock', 'high']]],
    ['the Podman socket', 'podman run -v /run/podman/podman.sock:/run/podman/podman.sock IMAGE', [['mount:/run/podman/podman.sock', 'high']]],
    [
      '/dev, /proc and /sys',
      'docker run -v /dev:/dev -v /proc:/host/proc -v /sys:/sys IMAGE',
      [
        ['mount:/dev', 'high'],
        ['mount:/proc', 'high'],
        ['mount:/sys', 'high'],
      ],
    ],
    ['--mount type=bind,source=/', 'docker run --mount type=bind,source=/,target=/host,readonly IMAGE', [['mount:/', 'high']]],
    ['an ordinary host folder is medium', 'docker run -v /srv/data:/data IMAGE', [['mount:/srv/data', 'medium']]],
    [
      'named volumes and tmpfs mounts are not host paths',
      'docker run -v data:/data -v /anon --mount type=volume,src=x,dst=/x --mount type=tmpfs,dst=/t IMAGE',
      [],
    ],
    ['label=disable', 'podman run --security-opt label=disable IMAGE', [['security-opt:label=disable', 'high']]],
    ['seccomp=unconfined', 'docker run --security-opt seccomp=unconfined IMAGE', [['security-opt:seccomp=unconfined', 'high']]],
    ['apparmor:unconfined (colon form)', 'docker run --security-opt apparmor:unconfined IMAGE', [['security-opt:apparmor=unconfined', 'high']]],
    ['no-new-privileges=false', 'docker run --security-opt=no-new-privileges=false IMAGE', [['security-opt:no-new-privileges=false', 'medium']]],
    ['no-new-privileges (on) is fine', 'docker run --security-opt no-new-privileges IMAGE', []],
    ['--device', 'docker run --device /dev/fuse IMAGE', [['device:/dev/fuse', 'medium']]],
    ['--device on a whole disk', 'docker run --device=/dev/sda:/dev/xvda IMAGE', [['device:/dev/sda', 'high']]],
    ['options after the image belong to the container command', 'docker run IMAGE --privileged -v /:/host', []],
    ['an ordinary label', 'docker run -d -p 8080:80 --name ${NAME} ${IMAGE}', []],
  ])('%s', async (_, label, expected) => {
    expect(await flagged(label)).toEqual(expected);
  });

  it('flags everything in the atomic label of the seed images, with why it matters', async () => {
    const result = await scanLabel({
      RUN: 'docker run -it --rm --privileged -v /:/host --net=host --ipc=host --pid=host -e HOST=/host -e NAME=${NAME} -e IMAGE=${IMAGE} -v /run:/run -v /var/log:/var/log --name ${NAME} ${IMAGE}',
    });
    expect(result.findings.map((finding) => finding.id)).toEqual([
      'privileged',
      'namespace:network',
      'namespace:ipc',
      'namespace:pid',
      'mount:/',
      'mount:/run',
      'mount:/var/log',
    ]);
    expect(result.findings[0]).toEqual({
      id: 'privileged',
      severity: 'high',
      title: 'runs privileged (--privileged)',
      details: { option: '--privileged', why: expect.stringContaining('root in the container is root on the host') },
    });
    expect(result.findings[4]!.details).toEqual({
      option: '-v /:/host',
      why: expect.stringContaining('whole filesystem'),
      source: '/',
      target: '/host',
      readOnly: false,
    });
    expect(result.extra).toMatchObject({ engine: 'docker', image: 'registry.local/tools/agent:1', label: { name: 'RUN' } });
    expect(result.notes).toBeUndefined();
  });

  it('reads the lower-case run label and notes a label that is not a run command', async () => {
    expect((await scanLabel({ run: 'podman run --pid=host IMAGE' })).findings.map((finding) => finding.id)).toEqual(['namespace:pid']);
    expect(await scanLabel({ RUN: '--privileged' })).toMatchObject({
      findings: [{ id: 'privileged' }],
      notes: ['the RUN label does not start with docker or podman run; read as run options'],
    });
  });

  it.each([
    ['no labels at all', undefined],
    ['other labels only', { name: 'agent', INSTALL: 'docker run --privileged IMAGE' }],
    ['an empty RUN label', { RUN: '  ' }],
  ])('says "none" clearly for %s', async (_, labels) => {
    expect(await scanLabel(labels)).toEqual({ status: 'ok', findings: [], packages: [], notes: ['no RUN label'] });
  });
});
