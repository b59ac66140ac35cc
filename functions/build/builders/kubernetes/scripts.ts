/**
 * The shell run by each container of a build Job. Values come in through the environment and
 * "$@", never pasted into the script, so nothing in an index entry can change what runs.
 * A failing step writes its reason to /dev/termination-log, which the backend reads back.
 */

/** Where the checkout container puts its copy of the Dockerfile: a volume the prebuild container does not mount. */
export const DOCKERFILE_COPY_DIR = '/run/ccp/dockerfile';

/**
 * Shell for every container: `inside WHAT PATH` sets REAL to PATH of the checkout with every
 * symlink followed, '' when it does not exist (or passes under a file), and fails the step when
 * it leads out of the checkout (`build-context app/link leads out of the repository (app/link
 * -> /etc)`). The rule of the local backend's `shared/git/inside-checkout.ts`, walked part by
 * part like the kernel would: a symlink with an absolute target is refused even when it would
 * come back inside (the checkout's place on disk is not part of the repository), a `..` above
 * the root is refused, a relative link that stays inside is followed. `resolve PATH` is the
 * same without failing: it returns 1 with OUT_LINK and OUT_TARGET set. `escaping DIR` prints
 * up to three symlinks below DIR that lead out, in the local backend's words. `$WORKSPACE/src`
 * itself must be the folder the checkout made: the prebuild container can write `$WORKSPACE`
 * and could have put a symlink to a secret's folder in its place.
 */
const CONTAINMENT = `ROOT=$(cd "$WORKSPACE/src" 2>/dev/null && pwd -P) || fail "no checkout folder"
[ "$ROOT" = "$(cd "$WORKSPACE" && pwd -P)/src" ] || fail "the checkout folder was replaced (src -> $ROOT)"
resolve() {
  pending=$1 here='' links=0 REAL='' OUT_LINK=$1 OUT_TARGET=$1
  while [ -n "$pending" ]; do
    part=\${pending%%/*}
    case "$pending" in */*) pending=\${pending#*/} ;; *) pending='' ;; esac
    case "$part" in '' | .) continue ;; esac
    [ -d "$ROOT$here" ] || return 0
    if [ "$part" = .. ]; then
      [ -n "$here" ] || return 1
      here=\${here%/*}
      continue
    fi
    if [ -L "$ROOT$here/$part" ]; then
      links=$((links + 1))
      OUT_LINK=\${here#/}\${here:+/}$part
      OUT_TARGET=$(readlink "$ROOT$here/$part")
      [ "$links" -le 40 ] || { OUT_TARGET='more than 40 symlinks'; return 1; }
      case "$OUT_TARGET" in /*) return 1 ;; esac
      pending=$OUT_TARGET\${pending:+/$pending}
      continue
    fi
    [ -e "$ROOT$here/$part" ] || return 0
    here=$here/$part
  done
  REAL=$ROOT$here
}
inside() {
  resolve "$2" || fail "$1 $2 leads out of the repository ($OUT_LINK -> $OUT_TARGET)"
}
escaping() {
  find "$1" -type l | LC_ALL=C sort | while IFS= read -r link; do
    name=\${link#"$ROOT"/}
    if ! resolve "$name"; then
      if [ "$OUT_LINK" = "$name" ]; then printf '%s -> %s\\n' "$name" "$OUT_TARGET"; else printf '%s (%s -> %s)\\n' "$name" "$OUT_LINK" "$OUT_TARGET"; fi
    fi
  done | head -n 3
}
`;

/**
 * Init container `checkout` (git image, non-root): shallow fetch of one commit, then a copy of
 * its Dockerfile (resolved inside the checkout) and the copy's sha256 into $DOCKERFILE_DIR, a
 * volume the prebuild container does not mount: the build container builds that copy, the
 * bytes the lint read at this commit, whatever the prebuild script does to the checkout.
 */
export const CHECKOUT_SCRIPT = `set -u
mkdir -p "$WORKSPACE/tmp"
fail() { printf '%s' "$1" > "\${TERMINATION_LOG:-/dev/termination-log}"; exit 1; }
git init -q "$WORKSPACE/src" || fail "git init failed"
cd "$WORKSPACE/src" || fail "no checkout folder"
git fetch -q --depth 1 --no-tags --end-of-options "$GIT_URL" "$COMMIT" 2>"$WORKSPACE/tmp/git.err"
code=$?
cat "$WORKSPACE/tmp/git.err" >&2
[ "$code" -eq 0 ] || fail "$(grep -m1 '^fatal:' "$WORKSPACE/tmp/git.err" || echo "git fetch exited with $code")"
git checkout -q FETCH_HEAD || fail "git checkout of FETCH_HEAD failed"
${CONTAINMENT}inside target-file "$DOCKERFILE"
[ -f "$REAL" ] || fail "Dockerfile $DOCKERFILE not found in the repository"
cp "$REAL" "$DOCKERFILE_DIR/Dockerfile" || fail "could not copy Dockerfile $DOCKERFILE"
sum=$(sha256sum "$DOCKERFILE_DIR/Dockerfile" | cut -d ' ' -f 1)
printf '%s\\n' "$sum" > "$DOCKERFILE_DIR/sha256" || fail "could not record the sha256 of Dockerfile $DOCKERFILE"
echo "==> checkout: $COMMIT, Dockerfile $DOCKERFILE sha256:$sum"
`;

/** Init container `prebuild` (build image, non-root, no registry secret): the untrusted script, with a time limit. */
export const PREBUILD_SCRIPT = `set -u
mkdir -p "$WORKSPACE/tmp"
fail() { printf '%s' "$1" > "\${TERMINATION_LOG:-/dev/termination-log}"; exit 1; }
mkdir -p "$HOME"
${CONTAINMENT}inside prebuild-context "$PREBUILD_DIR"
[ -d "$REAL" ] || fail "prebuild-context $PREBUILD_DIR not found in the repository"
cd "$REAL" || fail "prebuild-context $PREBUILD_DIR not found in the repository"
inside prebuild-script "$PREBUILD_SCRIPT"
script="$REAL"
[ -f "$script" ] || fail "prebuild script $PREBUILD_SCRIPT not found in the repository"
if [ -x "$script" ] && [ "$(head -c 2 "$script")" = '#!' ]; then set -- "$script"; else set -- /bin/sh "$script"; fi
timeout -k 5 "$PREBUILD_TIMEOUT_SECONDS" "$@"
code=$?
[ "$code" -eq 124 ] && fail "prebuild script $SCRIPT_NAME timed out after $PREBUILD_TIMEOUT_SECONDS s"
[ "$code" -eq 0 ] || fail "prebuild script $SCRIPT_NAME exited with $code"
`;

/**
 * awk over a Dockerfile (`-v file=NAME`): prints why buildah must not build it, in the words of
 * `../host-access.ts` (which the lint applied to the same bytes), or nothing. Instructions as
 * Docker reads them (continuation lines joined, the `# escape=` directive, comment and blank
 * lines inside an instruction dropped), quotes removed and backslash escapes resolved as
 * buildah's parser does, whitespace inside quotes kept inside the word. Refused: `RUN --mount`
 * of a type other than cache/tmpfs/secret/ssh (bind is the default), `type=cache` with `from=`,
 * a `$` in a mount, a cache `id`/`source`/`src` that is not a plain relative name; a FROM
 * image, `--from` or ARG/ENV value naming a transport that reads the build host, also once
 * the ARG/ENV values are put in (`ARG T=oci-archive` + `FROM \${T}:/host/file.tar`: buildah
 * 1.28 builds that from the host's file): FROM with the ARGs before the first FROM, as buildah
 * does, `--from` with those and the stage's. Any `--mount` counts, whatever instruction it is
 * on: being stricter than the lint only refuses.
 */
const HOST_ACCESS_AWK =
  String.raw`
BEGIN { split("cache tmpfs secret ssh", types, " "); for (i in types) safe[types[i]] = 1; esc = "\\\\"; inst = ""; mount = ""; trans = "" }
function unsafe(text) { if (mount == "") mount = file " line " start ": RUN --mount " text }
function plain(name) { return name ~ /^[a-z0-9_-][a-z0-9._-]*(\/[a-z0-9_-][a-z0-9._-]*)*$/ }
function transport(where, value,   name) {
  if (trans != "" || !match(value, /(^|:[-+])[ \t]*(containers-storage|dir|docker-archive|docker-daemon|oci|oci-archive|ostree|sif|tarball):/)) return
  name = substr(value, RSTART, RLENGTH); sub(/^:[-+]/, "", name); sub(/^[ \t]*/, "", name); sub(/:$/, "", name)
  trans = file " line " start ": " where " names the " name ": transport, which reads the build host; name an image in a registry"
}
function mountcheck(v,   f, m, j, key, val, at, type, from) {
  m = split(v, f, ","); type = "bind"; from = 0
  for (j = 1; j <= m; j++) {
    at = index(f[j], "="); key = at ? substr(f[j], 1, at - 1) : f[j]; val = at ? substr(f[j], at + 1) : ""
    if (key == "type") type = val
    if (key == "from") from = 1
  }
  if (!(type in safe)) { unsafe("type=" type " is not allowed (it shows host files through symlinks); use COPY"); return }
  if (type == "cache" && from) { unsafe("type=cache with from= is not allowed (it shows host files through symlinks); use COPY"); return }
  if (index(v, "$")) { unsafe("with a variable is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)"); return }
  if (type != "cache") return
  for (j = 1; j <= m; j++) {
    at = index(f[j], "="); key = at ? substr(f[j], 1, at - 1) : f[j]; val = at ? substr(f[j], at + 1) : ""
    if ((key == "id" || key == "source" || key == "src") && !plain(val)) { unsafe("type=cache with " key "=" val " is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)"); return }
  }
}
function expand(v, table,   out, end, inner, name, mod, word, val) {
  out = ""
  while (match(v, /\$/)) {
    out = out substr(v, 1, RSTART - 1); v = substr(v, RSTART + 1)
    if (substr(v, 1, 1) == "{") {
      end = index(v, "}"); if (!end) return out "$" v
      inner = substr(v, 2, end - 2); v = substr(v, end + 1); name = inner; mod = ""; word = ""
      if (match(inner, /:?[-+]/)) { name = substr(inner, 1, RSTART - 1); mod = substr(inner, RSTART, RLENGTH); word = substr(inner, RSTART + RLENGTH) }
      val = (name in table) ? table[name] : ""
      if (mod ~ /-/ && val == "") val = word
      else if (mod ~ /[+]/) val = val != "" ? word : ""
      out = out val
    } else if (match(v, /^[A-Za-z_][A-Za-z0-9_]*/)) { name = substr(v, 1, RLENGTH); v = substr(v, RLENGTH + 1); out = out ((name in table) ? table[name] : "") }
    else out = out "$"
  }
  return out v
}
function expanded(v, table,   i, nv) {
  for (i = 0; i < 8 && index(v, "$"); i++) { nv = expand(v, table); if (nv == v) break; v = nv }
  return tolower(v)
}
function assign(table, pair,   at) {
  at = index(pair, "="); if (at) table[substr(pair, 1, at - 1)] = expanded(substr(pair, at + 1), table)
}
function check(text,   out, i, c, q, n, r, t, k, kw, first, v) {
  out = ""; q = ""
  for (i = 1; i <= length(text); i++) {
    c = substr(text, i, 1)
    if (c == "\\") { i++; c = substr(text, i, 1); if (c == " " || c == "\t") c = "\037"; out = out c; continue }
    if (q == "" && (c == "\"" || c == "\047")) { q = c; continue }
    if (q != "" && c == q) { q = ""; continue }
    if (q != "" && (c == " " || c == "\t")) c = "\037"
    out = out c
  }
  gsub("\037*,\037*", ",", out); gsub("\037*=\037*", "=", out)
  n = split(out, r); for (k = 1; k <= n; k++) t[k] = tolower(r[k])
  kw = t[1]; first = 2
  if (kw == "onbuild") { kw = t[2]; first = 3 }
  if (kw == "from") { split("", stage); seen = 1 }
  for (k = first; k <= n; k++) {
    if (t[k] ~ /^--mount(=|$)/) { v = t[k]; sub(/^--mount=?/, "", v); if (v == "" && k < n) v = t[k + 1]; mountcheck(v) }
    else if (t[k] ~ /^--from=/) { v = r[k]; sub(/^--from=/, "", v); transport(toupper(kw) " --from", tolower(v)); transport(toupper(kw) " --from", expanded(v, stage)); transport(toupper(kw) " --from", expanded(v, global)) }
    else if (kw == "from" && t[k] !~ /^--/) { transport("FROM", t[k]); transport("FROM", expanded(r[k], global)) }
    else if (kw == "arg" || kw == "env") {
      v = t[k]; sub(/^[^=]*=/, "", v); transport(toupper(kw), v)
      if (kw == "arg" && !index(r[k], "=") && (r[k] in global)) stage[r[k]] = global[r[k]]
      if (kw == "arg" && !seen) assign(global, r[k])
      assign(stage, r[k])
    }
  }
  # ENV NAME VALUE..., the old form: the value is the rest of the line.
  if (kw == "env" && n > first && !index(r[first], "=")) { v = r[first] "="; for (k = first + 1; k <= n; k++) v = v (k > first + 1 ? " " : "") r[k]; assign(stage, v); transport("ENV", expanded(substr(v, index(v, "=") + 1), stage)) }
}
{ line = $0; sub(/\r$/, "", line) }
!started && tolower(line) ~ /^#[ \t]*escape[ \t]*=/ { if (line ~ /=[ \t]*` +
  '`' +
  String.raw`[ \t]*$/) esc = "` +
  '`' +
  String.raw`"; next }
!started && line ~ /^#[ \t]*[a-zA-Z][a-zA-Z0-9]*[ \t]*=/ { next }
{ started = 1 }
line ~ /^[ \t]*(#|$)/ { next }
{
  if (inst == "") start = NR
  if (match(line, esc "[ \t]*$")) { inst = inst substr(line, 1, RSTART - 1); next }
  check(inst line); inst = ""
}
END { if (inst != "") check(inst); out = mount != "" ? mount : trans; gsub("\037", " ", out); if (out != "") print out }
`;

/**
 * The tail of the build container, after the push: the termination message the backend reads
 * (`complete.ts`), `key=value` lines: `digest=` (the pushed manifest, from the push's
 * `--digestfile` in "$own"), then the base image as this storage knows it, for the provenance:
 * `base-name=` (buildah's `org.opencontainers.image.base.name` annotation on the image built),
 * `base-digest=` (the base's manifest digest in this storage) and `base-id=` (its image id, the
 * config's digest). The build function, not this pod, asks the registry which digest it serves
 * (`../base-image.ts`). What the Dockerfile built can influence the annotation, so each value is
 * written only when it is one line of plain reference characters, at most 512 of them, starting
 * with a letter or digit (the backend checks every field again); a base that cannot be read
 * leaves its lines out and the build stands. At most about 800 bytes, well under the kubelet's
 * 4096.
 * @see https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/#customizing-the-termination-message
 */
export const BUILD_REPORT_SCRIPT = `plain() {
  case "$1" in '' | [!A-Za-z0-9]* | *[!A-Za-z0-9._:/@-]*) return 0 ;; esac
  [ "\${#1}" -le 512 ] && printf '%s' "$1"
}
field() {
  value=$(plain "$2")
  [ -z "$value" ] || printf '%s=%s\\n' "$1" "$value"
}
base=$(buildah inspect --type image --format '{{index .ImageAnnotations "org.opencontainers.image.base.name"}}' "$IMAGE_REF" 2>/dev/null)
base=$(plain "$base")
{
  field digest "$(cat "$own/digest")"
  if [ -n "$base" ]; then
    field base-name "$base"
    field base-digest "$(buildah inspect --type image --format '{{.FromImageDigest}}' "$base" 2>/dev/null)"
    field base-id "$(buildah inspect --type image --format '{{.FromImageID}}' "$base" 2>/dev/null)"
  fi
} > "\${TERMINATION_LOG:-/dev/termination-log}"
`;

/**
 * Container \`build\` (build image, root with SETUID/SETGID for buildah's chroot isolation, vfs
 * storage): the Dockerfile is the checkout container's copy in $DOCKERFILE_DIR (mounted
 * read-only here, not at all in the prebuild container), checked against the sha256 recorded
 * beside it and refused when it would make buildah read the host (HOST_ACCESS_AWK); the paths
 * and the context's symlinks are checked again after the prebuild; registries.conf and the
 * push's files go to a temporary folder of this container, never to the workspace, where the
 * prebuild could have planted symlinks (`push.err -> the auth file` would have put it in the
 * log). Credentials from the Secret's .dockerconfigjson mounted read-only as
 * $REGISTRY_AUTH_FILE, \`buildah bud\` with the labels given as "$@", push with --digestfile,
 * the digest and the base image as termination message ({@link BUILD_REPORT_SCRIPT}). A failing
 * bud writes nothing: the termination message then falls back to the log's tail, whose
 * \`Error:\` line names the step.
 */
export const BUILD_SCRIPT = `set -u
fail() { printf '%s' "$1" > "\${TERMINATION_LOG:-/dev/termination-log}"; exit 1; }
NL='
'
own=$(mktemp -d) || fail "no temporary folder"
printf '%s' "$REGISTRIES_CONF_TEXT" > "$own/registries.conf"
export CONTAINERS_REGISTRIES_CONF="$own/registries.conf"
set -- --tls-verify="$TLS_VERIFY" "$@"
# The Secret is optional: without it the registry is used without credentials.
if [ -n "\${REGISTRY_AUTH_FILE:-}" ] && [ -r "$REGISTRY_AUTH_FILE" ]; then
  set -- --authfile "$REGISTRY_AUTH_FILE" "$@"
fi
cd "$WORKSPACE/src" || fail "no checkout folder"
${CONTAINMENT}copy="$DOCKERFILE_DIR/Dockerfile"
[ -f "$copy" ] || fail "Dockerfile $DOCKERFILE: no copy from the checkout"
sum=$(sha256sum "$copy" | cut -d ' ' -f 1)
[ -n "$sum" ] || fail "Dockerfile $DOCKERFILE: no sha256 of the copy"
[ "$sum" = "$(cat "$DOCKERFILE_DIR/sha256" 2>/dev/null)" ] || fail "Dockerfile $DOCKERFILE: the copy differs from the checkout's (sha256:$sum)"
problem=$(awk -v file="$DOCKERFILE" '${HOST_ACCESS_AWK}' "$copy") || fail "Dockerfile $DOCKERFILE could not be checked"
[ -z "$problem" ] || fail "$problem"
inside target-file "$DOCKERFILE"
if [ -z "$REAL" ] || [ ! -f "$REAL" ] || [ "$(sha256sum < "$REAL" | cut -d ' ' -f 1)" != "$sum" ]; then
  echo "==> note: the prebuild script changed $DOCKERFILE; building it as committed (what the lint read)"
fi
inside build-context "$CONTEXT_DIR"
context="$REAL"
[ -d "$context" ] || fail "build context $CONTEXT_DIR not found in the repository"
[ -z "$(find "$context" -name "*$NL*" | head -n 1)" ] || fail "build context $CONTEXT_DIR has a file whose name holds a line break"
links=$(escaping "$context")
if [ -n "$links" ]; then
  some='symlinks that lead'
  [ "$(printf '%s\\n' "$links" | wc -l)" -gt 1 ] || some='a symlink that leads'
  fail "build context $CONTEXT_DIR has $some out of the repository: $(printf '%s\\n' "$links" | awk 'NR > 1 { printf ", " } { printf "%s", $0 }')"
fi
echo "==> build: buildah bud -f $DOCKERFILE (sha256:$sum, as committed) $CONTEXT_DIR -t $IMAGE_REF"
buildah bud --isolation chroot --layers -f "$copy" -t "$IMAGE_REF" "$@" "$context" || exit 1
echo "==> push: docker://$IMAGE_REF"
set -- --tls-verify="$TLS_VERIFY"
if [ -n "\${REGISTRY_AUTH_FILE:-}" ] && [ -r "$REGISTRY_AUTH_FILE" ]; then set -- "$@" --authfile "$REGISTRY_AUTH_FILE"; fi
buildah push "$@" --digestfile "$own/digest" "$IMAGE_REF" "docker://$IMAGE_REF" 2>"$own/push.err"
code=$?
cat "$own/push.err" >&2
[ "$code" -eq 0 ] || fail "push of $IMAGE_REF refused: $(grep '^Error:' "$own/push.err" | tail -n 1 | sed 's/^Error: //')"
${BUILD_REPORT_SCRIPT}`;
