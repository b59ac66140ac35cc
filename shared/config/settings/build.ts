import { declare, Invalid, type Parser, type SettingGroup } from './api';
import { oneOf, size, text, wholeNumber } from './parsers';

/** The build backends: see functions/build/builders/readme.md. */
export type BuilderKind = 'local' | 'kubernetes';
/** The prebuild script's network (shared/sandbox/types.ts). */
export type PrebuildNetwork = 'off' | 'isolated' | 'host';

/** Only the word `host` shares the host's network: nothing else widens to it. `on` was `isolated` before there was a choice. */
const network: Parser<PrebuildNetwork> = (raw, setting) => {
  const word = typeof raw === 'boolean' ? (raw ? 'on' : 'off') : String(raw).trim().toLowerCase();
  if (['isolated', 'on', 'true', 'yes', '1'].includes(word)) return 'isolated';
  if (['off', 'false', 'no', '0'].includes(word)) return 'off';
  if (word === 'host') return 'host';
  return new Invalid(`must be off, isolated or host, not "${String(raw)}" (${setting.env})`);
};

const bytes = size((raw, setting) => `"${String(raw)}" is not a size (bytes, or a number with kb, mb or gb) (${setting.env})`);
const count = wholeNumber(1, (raw, setting) => `"${String(raw)}" is not a positive whole number (${setting.env})`);

/** The build function's backend, its storage and the prebuild sandbox. */
export const BUILD = {
  builder: declare<BuilderKind>({
    env: 'CCP_BUILDER',
    key: 'builder',
    description: 'build backend: `local` (default, buildah on this host) or `kubernetes` (a Job per build)',
    default: 'local',
    parse: oneOf(['local', 'kubernetes'] as const, (raw, setting) => `must be "local" or "kubernetes", not "${String(raw)}" (${setting.env})`),
  }),
  buildahRoot: declare({
    env: 'CCP_BUILDAH_ROOT',
    key: 'buildah.root',
    description: "the local backend's image storage (default `<data-dir>/buildah/storage`)",
    parse: text,
  }),
  buildahRunroot: declare({ env: 'CCP_BUILDAH_RUNROOT', key: 'buildah.runroot', description: 'its run root (default `<data-dir>/buildah/run`)', parse: text }),
  buildahStorageDriver: declare<'overlay' | 'vfs'>({
    env: 'CCP_BUILDAH_STORAGE_DRIVER',
    key: 'buildah.storageDriver',
    description: '`overlay` or `vfs` (default: overlay where it works)',
    parse: oneOf(['overlay', 'vfs'] as const, (raw, setting) => `must be "overlay" or "vfs", not "${String(raw)}" (${setting.env})`),
  }),
  k8sNamespace: declare({ env: 'CCP_K8S_NAMESPACE', key: 'kubernetes.namespace', description: 'namespace of the build Jobs', default: 'ccp', parse: text }),
  k8sBuildImage: declare({
    env: 'CCP_K8S_BUILD_IMAGE',
    key: 'kubernetes.image',
    description: "the image of prebuild, `buildah bud` and push (needs buildah, sh, coreutils' `timeout`)",
    default: 'quay.io/buildah/stable:v1.28.2',
    parse: text,
  }),
  k8sGitImage: declare({
    env: 'CCP_K8S_GIT_IMAGE',
    key: 'kubernetes.gitImage',
    description: 'the image of the shallow checkout (needs git and sh)',
    default: 'docker.io/alpine/git:v2.45.2',
    parse: text,
  }),
  k8sServiceAccount: declare({
    env: 'CCP_K8S_SERVICE_ACCOUNT',
    key: 'kubernetes.serviceAccount',
    description: "the build pods' ServiceAccount (no API rights)",
    default: 'ccp-build-job',
    parse: text,
  }),
  k8sRegistryCredentials: declare({
    env: 'CCP_K8S_REGISTRY_CREDENTIALS',
    key: 'kubernetes.registrySecret',
    description: 'name of the `kubernetes.io/dockerconfigjson` Secret the build pod pulls and pushes with (a name, not a secret)',
    parse: text,
  }),
  prebuildNetwork: declare<PrebuildNetwork>({
    env: 'CCP_PREBUILD_NETWORK',
    key: 'prebuild.network',
    description: "the prebuild's network: `off`, `isolated` or `host`",
    default: 'isolated',
    parse: network,
  }),
  prebuildMaxOutput: declare({
    env: 'CCP_PREBUILD_MAX_OUTPUT',
    key: 'prebuild.maxOutputBytes',
    description: 'bytes of output before the prebuild step is stopped',
    default: 8 * 1024 ** 2,
    parse: bytes,
  }),
  prebuildMaxProcesses: declare({
    env: 'CCP_PREBUILD_MAX_PROCESSES',
    key: 'prebuild.maxProcesses',
    description: 'processes and threads at once (the fork-bomb stop)',
    default: 256,
    parse: count,
  }),
  prebuildMemory: declare({
    env: 'CCP_PREBUILD_MEMORY',
    key: 'prebuild.memory',
    description: 'memory, its /tmp, HOME and /dev/shm included',
    default: 2 * 1024 ** 3,
    parse: bytes,
  }),
  prebuildMaxFileSize: declare({
    env: 'CCP_PREBUILD_MAX_FILE_SIZE',
    key: 'prebuild.maxFileSize',
    description: 'largest file it may write (RLIMIT_FSIZE)',
    default: 2 * 1024 ** 3,
    parse: bytes,
  }),
  prebuildMaxOpenFiles: declare({
    env: 'CCP_PREBUILD_MAX_OPEN_FILES',
    key: 'prebuild.maxOpenFiles',
    description: 'open files per process',
    default: 1024,
    parse: count,
  }),
  prebuildCpuSeconds: declare({
    env: 'CCP_PREBUILD_CPU_SECONDS',
    key: 'prebuild.cpuSeconds',
    description: 'CPU seconds per process, a backstop to the build timeout',
    default: 3600,
    parse: count,
  }),
};

export const BUILD_ROWS: Record<'buildah' | 'prebuild' | 'prebuildLimits' | 'kubernetes', SettingGroup> = {
  buildah: {
    settings: [BUILD.buildahRoot, BUILD.buildahRunroot, BUILD.buildahStorageDriver],
    description: "the local backend's own image storage (default `<data-dir>/buildah/{storage,run}`; driver `overlay` where it works, else `vfs`)",
  },
  prebuild: {
    settings: [BUILD.prebuildNetwork, BUILD.prebuildMaxOutput],
    description:
      "the local backend's prebuild sandbox (bubblewrap, `functions/build/builders/readme.md`): `isolated` (default; `on` is read as `isolated`): a network namespace of its own whose traffic slirp4netns (Debian `slirp4netns`, required: without it the step fails) carries to the outside but never to the host's 127.0.0.1, DNS at 10.0.2.3; `off`: its own loopback only; `host`: the host's network, every service on its 127.0.0.1 included (a widening: only where a prebuild needs the host); output past this many bytes (or `64kb`, `8mb`; default 8 MiB) stops the script and fails the build",
  },
  prebuildLimits: {
    settings: [BUILD.prebuildMaxProcesses, BUILD.prebuildMemory, BUILD.prebuildMaxFileSize, BUILD.prebuildMaxOpenFiles, BUILD.prebuildCpuSeconds],
    description:
      "resource limits of the local backend's prebuild script and everything it starts (`shared/sandbox/resource-limits.ts`): processes and threads at once (default 256) and memory, its `/tmp`, HOME and `/dev/shm` included (default 2 GiB; `512mb`, `2gb`), held by a cgroup of its own (v2, else v1 `pids` + `memory`) that is emptied and removed after each run; the largest file it may write (default 2 GiB), open files per process (1024), CPU seconds per process (3600, a backstop to the build timeout) as rlimits. Hitting the process or memory limit stops the script at once; any limit fails the build with `prebuild script ./x.sh hit the process limit (256, CCP_PREBUILD_MAX_PROCESSES)`. Without a writable cgroup only the rlimits hold (ccp runs as root, which RLIMIT_NPROC does not bind: no fork-bomb stop) and ccp logs one warning",
  },
  kubernetes: {
    settings: [BUILD.k8sNamespace, BUILD.k8sBuildImage, BUILD.k8sGitImage, BUILD.k8sServiceAccount, BUILD.k8sRegistryCredentials],
    keys: '`kubernetes.*`',
    description:
      "the kubernetes backend: namespace of the Jobs, buildah image, git image, the pods' ServiceAccount, name of the `kubernetes.io/dockerconfigjson` Secret the pod pulls and pushes with (e.g. `ccp-registry`)",
  },
};
