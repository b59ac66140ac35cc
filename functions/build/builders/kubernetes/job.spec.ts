import { Job } from 'kubernetes-models/batch/v1/Job';
import { buildJob } from './job';
import { sampleSpec, SETTINGS } from './__fixtures__/build-spec';

describe('buildJob', () => {
  const job = buildJob(sampleSpec(), SETTINGS);
  const pod = job.spec!.template.spec!;
  const envOf = (name: string) =>
    Object.fromEntries(
      [...(pod.initContainers ?? []), ...pod.containers]
        .find((container) => container.name === name)!
        .env!.map((item) => [item.name, item.value ?? item.valueFrom]),
    );

  it('validates against the Kubernetes schema', () => {
    expect(() => new Job(job as ConstructorParameters<typeof Job>[0]).validate()).not.toThrow();
    const broken = { ...job, spec: { ...job.spec!, backoffLimit: 'none' } };
    expect(() => new Job(broken as unknown as ConstructorParameters<typeof Job>[0]).validate()).toThrow('backoffLimit');
  });

  it('is named and labelled after the build, with exact values in annotations', () => {
    expect(job.metadata).toEqual({
      name: 'ccp-build-20261128t045006z-2c2287bb59',
      namespace: 'ccp',
      labels: {
        'ccp.centos.org/build-id': '20261128T045006Z-2c2287bb59',
        'ccp.centos.org/app-id': 'sample',
        'ccp.centos.org/job-id': 'child',
        'ccp.centos.org/tag': 'latest',
      },
      annotations: {
        'ccp.centos.org/build-id': '20261128T045006Z-2c2287bb59',
        'ccp.centos.org/project': 'sample/child:latest',
        'ccp.centos.org/image-ref': 'registry.example.org:5000/sample/child:latest',
        'ccp.centos.org/git-url': 'https://git.example.org/sample.git',
        'ccp.centos.org/commit': 'a'.repeat(40),
        'ccp.centos.org/prebuild-script': './prepare.sh',
      },
    });
    expect(job.spec!.template.metadata!.labels).toEqual(job.metadata!.labels);
  });

  it('runs once, within the build timeouts plus the start-up allowance, and is cleaned up after an hour', () => {
    expect({
      backoffLimit: job.spec!.backoffLimit,
      deadline: job.spec!.activeDeadlineSeconds,
      ttl: job.spec!.ttlSecondsAfterFinished,
      restart: pod.restartPolicy,
    }).toEqual({
      backoffLimit: 0,
      deadline: 600 + 1800 + 300,
      ttl: 3600,
      restart: 'Never',
    });
  });

  it('checks out and prebuilds unprivileged in init containers, then builds with buildah in the main one', () => {
    expect(pod.initContainers!.map((container) => [container.name, container.image, container.securityContext?.runAsNonRoot])).toEqual([
      ['checkout', SETTINGS.gitImage, true],
      ['prebuild', SETTINGS.image, true],
    ]);
    expect(pod.containers.map((container) => [container.name, container.image, container.securityContext?.capabilities])).toEqual([
      ['build', SETTINGS.image, { add: ['SETFCAP'] }],
    ]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(envOf('checkout')).toEqual(expect.objectContaining({ GIT_URL: 'https://git.example.org/sample.git', COMMIT: 'a'.repeat(40) }));
    expect(envOf('prebuild')).toEqual(
      expect.objectContaining({
        PREBUILD_DIR: 'child',
        PREBUILD_SCRIPT: 'child/prepare.sh',
        PREBUILD_TIMEOUT_SECONDS: '600',
        CCP_BUILD_ID: '20261128T045006Z-2c2287bb59',
      }),
    );
    expect(envOf('build')).toEqual(
      expect.objectContaining({
        DOCKERFILE: 'child/Dockerfile',
        CONTEXT_DIR: 'child',
        TLS_VERIFY: 'true',
        IMAGE_REF: 'registry.example.org:5000/sample/child:latest',
      }),
    );
    expect(envOf('build').REGISTRIES_CONF_TEXT).toContain('"sample/base" = "registry.example.org:5000/sample/base"');
  });

  it('takes registry credentials from the Secret only, in the build container only; the password is nowhere in the Job', () => {
    expect(envOf('build')).toEqual(expect.objectContaining({ REGISTRY_AUTH_FILE: '/run/ccp/registry-auth/auth.json' }));
    expect(pod.volumes!.find((volume) => volume.name === 'registry-auth')).toEqual({
      name: 'registry-auth',
      secret: { secretName: 'ccp-registry', items: [{ key: '.dockerconfigjson', path: 'auth.json' }], defaultMode: 0o400, optional: true },
    });
    const mountsOf = (name: string) =>
      [...pod.initContainers!, ...pod.containers].find((container) => container.name === name)!.volumeMounts!.map((mount) => mount.name);
    expect([mountsOf('checkout'), mountsOf('prebuild'), mountsOf('build')]).toEqual([
      ['workspace', 'dockerfile'],
      ['workspace'],
      ['workspace', 'dockerfile', 'containers', 'registry-auth'],
    ]);
    expect(Object.keys(envOf('prebuild')).filter((name) => name.startsWith('REGISTRY_'))).toEqual([]);
    expect(JSON.stringify(job)).not.toContain('never-in-the-job');
  });

  it('gives the untrusted init containers no Secret, no API token, no host namespace and only the variables their scripts read', () => {
    expect({
      automountServiceAccountToken: pod.automountServiceAccountToken,
      enableServiceLinks: pod.enableServiceLinks,
      shared: [pod.hostPID, pod.hostIPC, pod.hostNetwork, pod.shareProcessNamespace],
    }).toEqual({ automountServiceAccountToken: false, enableServiceLinks: false, shared: [undefined, undefined, undefined, undefined] });
    const secretVolumes = pod.volumes!.filter((volume) => volume.secret || volume.projected).map((volume) => volume.name);
    expect(
      pod.initContainers!.map((container) => ({
        name: container.name,
        env: container.env!.map((item) => [item.name, item.valueFrom === undefined]),
        envFrom: container.envFrom,
        secretMounts: container.volumeMounts!.filter((mount) => secretVolumes.includes(mount.name)),
        securityContext: container.securityContext,
      })),
    ).toEqual([
      {
        name: 'checkout',
        env: ['WORKSPACE', 'HOME', 'GIT_URL', 'COMMIT', 'DOCKERFILE', 'DOCKERFILE_DIR'].map((name) => [name, true]),
        envFrom: undefined,
        secretMounts: [],
        securityContext: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
      {
        name: 'prebuild',
        env: ['WORKSPACE', 'HOME', 'CCP_BUILD_ID', 'CCP_COMMIT', 'PREBUILD_DIR', 'PREBUILD_SCRIPT', 'SCRIPT_NAME', 'PREBUILD_TIMEOUT_SECONDS'].map((name) => [
          name,
          true,
        ]),
        envFrom: undefined,
        secretMounts: [],
        securityContext: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ]);
    // The build container's HOME (policy.json, auth files) is out of the workspace the prebuild wrote.
    expect(envOf('build').HOME).toEqual('/root');
  });

  it('builds the copy of the Dockerfile the checkout made before the prebuild ran: written by checkout only, read-only in build, absent from prebuild', () => {
    const mountOf = (name: string) =>
      [...pod.initContainers!, ...pod.containers].find((container) => container.name === name)!.volumeMounts!.find((mount) => mount.name === 'dockerfile') ??
      null;
    expect({
      volume: pod.volumes!.find((volume) => volume.name === 'dockerfile'),
      checkout: mountOf('checkout'),
      prebuild: mountOf('prebuild'),
      build: mountOf('build'),
      order: pod.initContainers!.map((container) => container.name),
      checkoutEnv: [envOf('checkout').DOCKERFILE, envOf('checkout').DOCKERFILE_DIR],
      buildEnv: [envOf('build').DOCKERFILE, envOf('build').DOCKERFILE_DIR],
    }).toEqual({
      volume: { name: 'dockerfile', emptyDir: {} },
      checkout: { name: 'dockerfile', mountPath: '/run/ccp/dockerfile' },
      prebuild: null,
      build: { name: 'dockerfile', mountPath: '/run/ccp/dockerfile', readOnly: true },
      order: ['checkout', 'prebuild'],
      checkoutEnv: ['child/Dockerfile', '/run/ccp/dockerfile'],
      buildEnv: ['child/Dockerfile', '/run/ccp/dockerfile'],
    });
    // Nothing else the prebuild mounts reaches that path either.
    const prebuildMounts = pod.initContainers!.find((container) => container.name === 'prebuild')!.volumeMounts!;
    expect(prebuildMounts.filter((mount) => '/run/ccp/dockerfile'.startsWith(mount.mountPath) || mount.mountPath.startsWith('/run/ccp'))).toEqual([]);
  });

  it('passes the labels as arguments, never inside the script', () => {
    const command = pod.containers[0]!.command!;
    expect(command.slice(3)).toEqual([
      'build',
      '--cap-drop',
      'CAP_SYS_CHROOT',
      '--label',
      `org.opencontainers.image.revision=${'a'.repeat(40)}`,
      '--label',
      'org.centos.ccp.build-id=20261128T045006Z-2c2287bb59',
    ]);
  });

  it('has no prebuild container when the project has no prebuild script, and no credentials without a Secret', () => {
    const spec = sampleSpec();
    const plain = buildJob(
      { ...spec, entry: { ...spec.entry, prebuildScript: undefined, prebuildContext: undefined } },
      { ...SETTINGS, registrySecret: undefined },
    );
    expect(plain.spec!.template.spec!.initContainers!.map((container) => container.name)).toEqual(['checkout']);
    expect(plain.spec!.template.spec!.containers[0]!.env!.filter((item) => item.name.startsWith('REGISTRY_'))).toEqual([]);
    expect(plain.spec!.template.spec!.volumes!.map((volume) => volume.name)).toEqual(['workspace', 'dockerfile', 'containers']);
    expect(() => new Job(plain as ConstructorParameters<typeof Job>[0]).validate()).not.toThrow();
  });
});
