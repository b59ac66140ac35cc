import type { ScanFinding } from '../../../../shared/reports/scanner-types';
import { hostMounts, sensitiveHostPath } from './mounts';
import type { RunOption } from './run-command';

type Severity = ScanFinding['severity'];

/**
 * Everything a run command asks of the host that weakens the container's isolation:
 * `--privileged`, added capabilities, host namespaces, host bind mounts, security options that
 * switch confinement off, and devices. Each finding says why it matters.
 * @see https://docs.docker.com/engine/security/
 * @see https://docs.podman.io/en/latest/markdown/podman-run.1.html#security-opt-option
 */
export function capabilityFindings(options: RunOption[]): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const add = (id: string, severity: Severity, title: string, option: RunOption, why: string, extra: Record<string, unknown> = {}): void => {
    findings.push({ id, severity, title, details: { option: option.raw, why, ...extra } });
  };
  for (const option of options) {
    const value = option.value;
    if (option.name === 'privileged' && isOn(value)) {
      add(
        'privileged',
        'high',
        'runs privileged (--privileged)',
        option,
        'every capability, every host device, no seccomp, SELinux or AppArmor confinement: root in the container is root on the host',
      );
    } else if (option.name === 'cap-add' && typeof value === 'string') {
      for (const capability of value.split(',').map(capabilityName).filter(Boolean)) {
        const known = CAPABILITIES[capability];
        add(
          `cap-add:${capability}`,
          known?.[0] ?? 'medium',
          `adds capability ${capability} (--cap-add)`,
          option,
          known?.[1] ?? "a capability beyond the engine's default set widens what root in the container may do to the host",
          { capability },
        );
      }
    } else if (NAMESPACES[option.name] && typeof value === 'string' && value.toLowerCase() === 'host') {
      const [severity, why] = NAMESPACES[option.name]!;
      add(`namespace:${option.name}`, severity, `shares the host's ${option.name} namespace (${option.raw})`, option, why, { namespace: option.name });
    } else if (option.name === 'security-opt' && typeof value === 'string') {
      const match = /^([a-z-]+)[=:](.*)$/i.exec(value.trim());
      const key = match ? `${match[1]!.toLowerCase()}=${match[2]!.toLowerCase()}` : value.toLowerCase();
      const rule = SECURITY_OPTIONS[key];
      if (rule) add(`security-opt:${key}`, rule[0], `${rule[1]} (--security-opt ${value})`, option, rule[2]);
    } else if (option.name === 'device' && typeof value === 'string') {
      const device = value.split(':')[0]!;
      const raw = RAW_DEVICE.test(device);
      add(
        `device:${device}`,
        raw ? 'high' : 'medium',
        `passes host device ${device} (--device)`,
        option,
        raw
          ? 'raw access to host memory or a whole disk: read any data, change the host'
          : "direct access to a host device, outside the container's usual device cgroup",
        { device },
      );
    }
  }
  for (const mount of hostMounts(options)) {
    const why = sensitiveHostPath(mount.source);
    const access = mount.readOnly ? 'read-only' : 'read-write';
    add(
      `mount:${mount.source}`,
      why ? 'high' : 'medium',
      `mounts host path ${mount.source} at ${mount.target || '?'} (${access})`,
      { name: 'volume', value: mount.source, raw: mount.raw },
      why ?? `host files are ${mount.readOnly ? 'readable' : 'readable and writable'} from the container`,
      { source: mount.source, target: mount.target, readOnly: mount.readOnly },
    );
  }
  return findings;
}

function isOn(value: string | true): boolean {
  return value === true || !['false', '0', 'no'].includes(value.toLowerCase());
}

function capabilityName(value: string): string {
  return value.trim().toUpperCase().replace(/^CAP_/, '');
}

const CAPABILITIES: Record<string, [Severity, string]> = {
  ALL: ['high', 'every capability, as with --privileged minus devices: root in the container is root on the host'],
  SYS_ADMIN: ['high', 'mount, namespaces, BPF and much more: the usual way out of a container'],
  SYS_MODULE: ['high', 'loads kernel modules: arbitrary code in the host kernel'],
  SYS_PTRACE: ['high', "traces and injects into other processes (with a shared PID namespace, the host's)"],
  SYS_RAWIO: ['high', 'raw I/O to devices and memory'],
  SYS_BOOT: ['high', 'reboots the host'],
  SYS_TIME: ['medium', "sets the host's clock"],
  NET_ADMIN: ['high', "reconfigures networking, firewall rules and routes (the host's, with --network=host)"],
  NET_RAW: ['medium', 'raw sockets: spoofed packets, ARP tricks on the container network'],
  DAC_READ_SEARCH: ['high', 'bypasses file read permissions; with open_by_handle_at, reads host files (the "shocker" escape)'],
  DAC_OVERRIDE: ['medium', 'bypasses file permission checks'],
  BPF: ['high', 'loads BPF programs into the host kernel'],
  PERFMON: ['medium', 'observes the host through performance events'],
  MAC_ADMIN: ['high', 'changes SELinux or AppArmor policy'],
  MAC_OVERRIDE: ['high', 'overrides SELinux or AppArmor policy'],
  SYSLOG: ['medium', 'reads the kernel log, which leaks kernel addresses'],
};

const NAMESPACES: Record<string, [Severity, string]> = {
  network: ['high', "the host's network stack: its interfaces, localhost-only services and ports, no network isolation"],
  pid: ['high', 'sees and signals every host process; with ptrace, enters them'],
  ipc: ['medium', "shares the host's shared memory and semaphores with its processes"],
  uts: ['medium', "can change the host's hostname"],
  userns: ['medium', "no user namespace: root in the container is the host's root user"],
  cgroupns: ['medium', "sees and, with write access, changes the host's cgroup tree"],
};

const SECURITY_OPTIONS: Record<string, [Severity, string, string]> = {
  'label=disable': ['high', 'turns SELinux separation off', 'without SELinux labels a process that escapes the container is not confined on the host'],
  'label=type:spc_t': ['high', 'runs as a super-privileged SELinux type', 'spc_t is not confined by SELinux at all'],
  'seccomp=unconfined': ['high', 'turns the seccomp filter off', 'every system call, including those behind most kernel escapes, is open to the container'],
  'apparmor=unconfined': ['high', 'turns AppArmor confinement off', 'no AppArmor profile limits mounts, /proc writes and more'],
  'systempaths=unconfined': ['high', 'unmasks /proc and /sys paths', 'kernel settings under /proc and /sys become writable from the container'],
  'unmask=all': ['high', 'unmasks /proc and /sys paths', 'kernel settings under /proc and /sys become visible and writable from the container'],
  'no-new-privileges=false': ['medium', 'lets processes gain privileges', 'setuid binaries in the image can raise privileges again'],
};

const RAW_DEVICE = /^\/dev\/(mem|kmem|port|sd[a-z]+|nvme\d+n\d+|vd[a-z]+|xvd[a-z]+|hd[a-z]+|dm-\d+)$/;
