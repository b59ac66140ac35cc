import path from 'node:path';
import type { RunOption } from './run-command';

/** A bind mount of a host path, from `-v`/`--volume` or `--mount type=bind`. */
export interface HostMount {
  source: string;
  target: string;
  readOnly: boolean;
  raw: string;
}

/**
 * The host paths a run command binds into the container. Named volumes (`data:/var/lib/x`),
 * anonymous volumes (`-v /data`) and tmpfs mounts are not host paths and are left out.
 * @see https://docs.docker.com/engine/storage/bind-mounts/
 */
export function hostMounts(options: RunOption[]): HostMount[] {
  const mounts: HostMount[] = [];
  for (const option of options) {
    if (typeof option.value !== 'string') continue;
    if (option.name === 'volume') {
      const [source, target, flags] = option.value.split(':');
      if (!source?.startsWith('/') || target === undefined) continue;
      mounts.push({ source: normalize(source), target, readOnly: (flags ?? '').split(',').includes('ro'), raw: option.raw });
    } else if (option.name === 'mount') {
      const fields = new Map<string, string>();
      for (const part of option.value.split(',')) {
        const eq = part.indexOf('=');
        fields.set((eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase(), eq < 0 ? 'true' : part.slice(eq + 1));
      }
      const type = fields.get('type') ?? 'volume';
      const source = fields.get('source') ?? fields.get('src');
      if (type !== 'bind' || !source?.startsWith('/')) continue;
      const readOnly = ['true', '1', ''].includes(fields.get('readonly') ?? fields.get('ro') ?? 'no');
      mounts.push({
        source: normalize(source),
        target: fields.get('target') ?? fields.get('destination') ?? fields.get('dst') ?? '',
        readOnly,
        raw: option.raw,
      });
    }
  }
  return mounts;
}

/** Why a host path matters, for the paths that hand the container the host; `null` for others. */
export function sensitiveHostPath(source: string): string | null {
  for (const [prefix, why] of SENSITIVE_PATHS) {
    if (prefix === '/' ? source === '/' : source === prefix || source.startsWith(`${prefix}/`)) return why;
  }
  return null;
}

const SENSITIVE_PATHS: [string, string][] = [
  ['/', "the host's whole filesystem: the container can read every secret and, unless read-only, change the host"],
  ['/var/run/docker.sock', 'the Docker API socket: whoever reaches it starts privileged containers, which is root on the host'],
  ['/run/docker.sock', 'the Docker API socket: whoever reaches it starts privileged containers, which is root on the host'],
  ['/run/podman', 'the Podman API socket: whoever reaches it starts privileged containers, which is root on the host'],
  ['/var/run/podman', 'the Podman API socket: whoever reaches it starts privileged containers, which is root on the host'],
  ['/run/containerd', "the containerd socket: full control of the host's containers"],
  ['/dev', "the host's devices: raw disks and memory are readable and writable"],
  ['/proc', "the host's /proc: kernel settings (sysrq, core_pattern) that lead to code running on the host"],
  ['/sys', "the host's /sys: kernel and device settings of the host"],
  ['/etc', "the host's configuration: users, passwords (shadow), sudoers, cron"],
  ['/var/lib/docker', "the host's container storage: every image and container"],
  ['/var/lib/containers', "the host's container storage: every image and container"],
  ['/boot', "the host's kernel and boot loader"],
  ['/lib/modules', "the host's kernel modules"],
  ['/root', "the home of the host's root user (SSH keys)"],
];

function normalize(source: string): string {
  const normalized = path.posix.normalize(source);
  return normalized.length > 1 ? normalized.replace(/\/$/, '') : normalized;
}
