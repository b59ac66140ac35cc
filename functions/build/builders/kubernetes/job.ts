import type { V1Container, V1EnvVar, V1Job, V1SecurityContext, V1Volume, V1VolumeMount } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { imageName } from '../../../../shared/index/types';
import { resolveProjectPaths } from '../../../../shared/index/paths';
import { registriesConf } from '../buildah/registries-conf';
import type { KubernetesBuildSettings } from '../../../../shared/config/build-settings';
import type { BuildSpec } from '../../../../shared/builds/builder-types';
import { ANNOTATIONS, jobNameFor, LABELS, labelValue } from './labels';
import { BUILD_SCRIPT, CHECKOUT_SCRIPT, DOCKERFILE_COPY_DIR, PREBUILD_SCRIPT } from './scripts';

const WORKSPACE = '/workspace';
/** Where the registry Secret's `.dockerconfigjson` is mounted in the build container. */
const REGISTRY_AUTH_DIR = '/run/ccp/registry-auth';
/** Time the checkout and the pod's start may take on top of the build's own limits. */
export const STARTUP_ALLOWANCE_SECONDS = 300;
/** How long a finished Job (and its pod log) stays for the ApiServerSource event and the log copy. */
export const TTL_SECONDS_AFTER_FINISHED = 3600;

/** Untrusted steps (checkout, prebuild): an unprivileged user, no capabilities, no escalation. */
const UNPRIVILEGED: V1SecurityContext = {
  runAsUser: 1000,
  runAsGroup: 1000,
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

/**
 * `buildah bud --isolation chroot --storage-driver vfs` runs as root in the container and uses
 * SETUID/SETGID (to switch to the image's users) and CHOWN/FOWNER, which containerd and CRI-O
 * grant by default; SETFCAP is added for packages that ship file capabilities. Adding SETUID or
 * SETGID explicitly would be refused by the OpenShift SCC `ccp-buildah` (deploy/overlays/openshift),
 * which allows only SETFCAP on top of the defaults. Not privileged, no host namespaces, no
 * /dev/fuse.
 * @see https://github.com/containers/buildah/blob/main/docs/tutorials/05-openshift-rootless-build.md
 */
/**
 * Given to `buildah bud` before the labels: `RUN` steps without `CAP_SYS_CHROOT`, with which a
 * process under chroot isolation leaves the image's root for the container's, where the
 * registry Secret is mounted (see ../local/buildah-steps.ts).
 */
export const BUD_EXTRA_ARGS = ['--cap-drop', 'CAP_SYS_CHROOT'] as const;

/** HOME of the build container: its own, not in the workspace the prebuild script could write. */
export const BUILD_HOME = '/root';

const BUILDAH: V1SecurityContext = {
  runAsUser: 0,
  capabilities: { add: ['SETFCAP'] },
};

/**
 * The `batch/v1` Job that builds `spec` in the cluster: init container `checkout` (git image)
 * makes a shallow checkout and copies its Dockerfile to the `dockerfile` volume, init container
 * `prebuild` runs the prebuild script without that volume, container `build` runs `buildah bud`
 * on the copy (mounted read-only) and `buildah push` and ends with the digest and the base image
 * as its termination message (`BUILD_REPORT_SCRIPT`). No retries (`backoffLimit: 0`), the build's timeouts as `activeDeadlineSeconds`,
 * registry credentials only from a Secret and only in `build`, no API token in the pod.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export function buildJob(spec: BuildSpec, settings: KubernetesBuildSettings): V1Job {
  const paths = resolveProjectPaths(spec.entry);
  const name = jobNameFor(spec.buildId);
  const labels = {
    [LABELS.buildId]: labelValue(spec.buildId),
    [LABELS.appId]: labelValue(spec.entry.appId),
    [LABELS.jobId]: labelValue(spec.entry.jobId),
    [LABELS.tag]: labelValue(spec.entry.desiredTag),
  };
  const annotations: Record<string, string> = {
    [ANNOTATIONS.buildId]: spec.buildId,
    [ANNOTATIONS.project]: imageName(spec.entry),
    [ANNOTATIONS.imageRef]: spec.imageRef,
    [ANNOTATIONS.gitUrl]: spec.entry.gitUrl,
    [ANNOTATIONS.commit]: spec.commit,
    ...(spec.entry.prebuildScript ? { [ANNOTATIONS.prebuildScript]: spec.entry.prebuildScript } : {}),
  };
  const mounts = [{ name: 'workspace', mountPath: WORKSPACE }];
  const common: V1EnvVar[] = [
    { name: 'WORKSPACE', value: WORKSPACE },
    { name: 'HOME', value: `${WORKSPACE}/home` },
  ];
  const initContainers: V1Container[] = [
    {
      name: 'checkout',
      image: settings.gitImage,
      command: ['/bin/sh', '-c', CHECKOUT_SCRIPT],
      env: [
        ...common,
        { name: 'GIT_URL', value: spec.entry.gitUrl },
        { name: 'COMMIT', value: spec.commit },
        { name: 'DOCKERFILE', value: paths.dockerfile },
        { name: 'DOCKERFILE_DIR', value: DOCKERFILE_COPY_DIR },
      ],
      // The copy of the Dockerfile is written here, before the prebuild script runs, to a volume
      // the prebuild container does not mount: what the build container builds is the commit's.
      volumeMounts: [...mounts, { name: 'dockerfile', mountPath: DOCKERFILE_COPY_DIR }],
      securityContext: UNPRIVILEGED,
      terminationMessagePolicy: 'FallbackToLogsOnError',
    },
  ];
  if (paths.prebuildScript && paths.prebuildDir !== undefined) {
    initContainers.push({
      name: 'prebuild',
      image: settings.image,
      command: ['/bin/sh', '-c', PREBUILD_SCRIPT],
      env: [
        ...common,
        { name: 'CCP_BUILD_ID', value: spec.buildId },
        { name: 'CCP_COMMIT', value: spec.commit },
        { name: 'PREBUILD_DIR', value: paths.prebuildDir },
        { name: 'PREBUILD_SCRIPT', value: paths.prebuildScript },
        { name: 'SCRIPT_NAME', value: spec.entry.prebuildScript ?? paths.prebuildScript },
        { name: 'PREBUILD_TIMEOUT_SECONDS', value: String(Math.max(1, Math.ceil(spec.timeouts.prebuildMs / 1000))) },
      ],
      volumeMounts: mounts,
      securityContext: UNPRIVILEGED,
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
  }
  // The dockerconfigjson Secret is mounted, read-only, in the build container alone: buildah
  // reads it as an auth file, so the credentials never pass through the environment or a login.
  // Optional, so that a missing Secret means an open registry rather than a pod that never starts.
  const auth: { env: V1EnvVar[]; mounts: V1VolumeMount[]; volumes: V1Volume[] } = settings.registrySecret
    ? {
        env: [{ name: 'REGISTRY_AUTH_FILE', value: `${REGISTRY_AUTH_DIR}/auth.json` }],
        mounts: [{ name: 'registry-auth', mountPath: REGISTRY_AUTH_DIR, readOnly: true }],
        volumes: [
          {
            name: 'registry-auth',
            secret: { secretName: settings.registrySecret, items: [{ key: '.dockerconfigjson', path: 'auth.json' }], defaultMode: 0o400, optional: true },
          },
        ],
      }
    : { env: [], mounts: [], volumes: [] };
  const build: V1Container = {
    name: 'build',
    image: settings.image,
    command: [
      '/bin/sh',
      '-c',
      BUILD_SCRIPT,
      'build',
      ...BUD_EXTRA_ARGS,
      ...Object.entries(spec.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ],
    env: [
      ...common.filter((item) => item.name !== 'HOME'),
      // buildah reads policy.json and auth files under HOME: not a folder the untrusted
      // prebuild container could have written.
      { name: 'HOME', value: BUILD_HOME },
      { name: 'IMAGE_REF', value: spec.imageRef },
      { name: 'DOCKERFILE', value: paths.dockerfile },
      { name: 'DOCKERFILE_DIR', value: DOCKERFILE_COPY_DIR },
      { name: 'CONTEXT_DIR', value: paths.contextDir },
      { name: 'REGISTRY', value: spec.registry.address },
      { name: 'TLS_VERIFY', value: String(spec.registry.tlsVerify) },
      { name: 'REGISTRIES_CONF_TEXT', value: registriesConf(spec) },
      { name: 'BUILDAH_ISOLATION', value: 'chroot' },
      { name: 'STORAGE_DRIVER', value: 'vfs' },
      ...auth.env,
    ],
    volumeMounts: [
      ...mounts,
      { name: 'dockerfile', mountPath: DOCKERFILE_COPY_DIR, readOnly: true },
      { name: 'containers', mountPath: '/var/lib/containers' },
      ...auth.mounts,
    ],
    securityContext: BUILDAH,
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: settings.namespace, labels, annotations },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.ceil((spec.timeouts.prebuildMs + spec.timeouts.buildMs) / 1000) + STARTUP_ALLOWANCE_SECONDS,
      ttlSecondsAfterFinished: TTL_SECONDS_AFTER_FINISHED,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: settings.serviceAccount,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: { fsGroup: 1000 },
          initContainers,
          containers: [build],
          volumes: [{ name: 'workspace', emptyDir: {} }, { name: 'dockerfile', emptyDir: {} }, { name: 'containers', emptyDir: {} }, ...auth.volumes],
        },
      },
    },
  };
}
