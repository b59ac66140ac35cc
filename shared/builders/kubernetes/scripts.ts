/**
 * The shell run by each container of a build Job. Values come in through the environment and
 * "$@", never pasted into the script, so nothing in an index entry can change what runs.
 * A failing step writes its reason to /dev/termination-log, which the backend reads back.
 */

/** Init container `checkout` (git image, non-root): shallow fetch of one commit. */
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
`;

/**
 * Shell for the prebuild and build containers: `inside WHAT PATH` sets REAL to PATH of the
 * checkout with every symlink followed (`realpath`, `..` included), '' when it does not exist,
 * and fails the step when it leads out of the checkout (`build-context link leads out of the
 * repository (-> /etc)`); `escaping DIR` prints up to three symlinks below DIR that lead out.
 * The same rule as the local backend's `shared/git/inside-checkout.ts`, which lint applies
 * to the commit too (readme: "Paths from the repository").
 */
const CONTAINMENT = `ROOT=$(cd "$WORKSPACE/src" 2>/dev/null && pwd -P) || fail "no checkout folder"
inside() {
  REAL=$(realpath "$ROOT/$2" 2>/dev/null) || { REAL=''; return 0; }
  case "$REAL" in
    "$ROOT" | "$ROOT"/*) [ -e "$REAL" ] || REAL='' ;;
    *) fail "$1 $2 leads out of the repository (-> $REAL)" ;;
  esac
}
escaping() {
  find "$1" -type l -exec sh -c 'root=$1; shift; for l; do r=$(realpath "$l" 2>/dev/null) || continue; case "$r" in "$root" | "$root"/*) ;; *) printf "%s -> %s\\n" "\${l#"$root"/}" "$(readlink "$l")" ;; esac; done' sh "$ROOT" {} + | head -n 3 | paste -s -d ',' -
}
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
 * Container \`build\` (build image, root with SETUID/SETGID for buildah's chroot isolation, vfs
 * storage): registries.conf from the environment, credentials from the Secret's
 * .dockerconfigjson mounted read-only as $REGISTRY_AUTH_FILE, \`buildah bud\` with the labels given as "$@", push with
 * --digestfile, the digest as termination message. A failing bud writes nothing: the
 * termination message then falls back to the log's tail, whose \`Error:\` line names the step.
 */
export const BUILD_SCRIPT = `set -u
mkdir -p "$WORKSPACE/tmp"
fail() { printf '%s' "$1" > "\${TERMINATION_LOG:-/dev/termination-log}"; exit 1; }
printf '%s' "$REGISTRIES_CONF_TEXT" > "$WORKSPACE/tmp/registries.conf"
export CONTAINERS_REGISTRIES_CONF="$WORKSPACE/tmp/registries.conf"
set -- --tls-verify="$TLS_VERIFY" "$@"
# The Secret is optional: without it the registry is used without credentials.
if [ -n "\${REGISTRY_AUTH_FILE:-}" ] && [ -r "$REGISTRY_AUTH_FILE" ]; then
  set -- --authfile "$REGISTRY_AUTH_FILE" "$@"
fi
cd "$WORKSPACE/src" || fail "no checkout folder"
${CONTAINMENT}inside target-file "$DOCKERFILE"
containerfile="$REAL"
[ -f "$containerfile" ] || fail "Dockerfile $DOCKERFILE not found in the repository"
inside build-context "$CONTEXT_DIR"
context="$REAL"
[ -d "$context" ] || fail "build context $CONTEXT_DIR not found in the repository"
links=$(escaping "$context")
[ -z "$links" ] || fail "build context $CONTEXT_DIR has symlinks that lead out of the repository: $links"
echo "==> build: buildah bud -f $DOCKERFILE $CONTEXT_DIR -t $IMAGE_REF"
buildah bud --isolation chroot --layers -f "$containerfile" -t "$IMAGE_REF" "$@" "$context" || exit 1
echo "==> push: docker://$IMAGE_REF"
set -- --tls-verify="$TLS_VERIFY"
if [ -n "\${REGISTRY_AUTH_FILE:-}" ] && [ -r "$REGISTRY_AUTH_FILE" ]; then set -- "$@" --authfile "$REGISTRY_AUTH_FILE"; fi
buildah push "$@" --digestfile "$WORKSPACE/tmp/digest" "$IMAGE_REF" "docker://$IMAGE_REF" 2>"$WORKSPACE/tmp/push.err"
code=$?
cat "$WORKSPACE/tmp/push.err" >&2
[ "$code" -eq 0 ] || fail "push of $IMAGE_REF refused: $(grep '^Error:' "$WORKSPACE/tmp/push.err" | tail -n 1 | sed 's/^Error: //')"
cat "$WORKSPACE/tmp/digest" > "\${TERMINATION_LOG:-/dev/termination-log}"
`;
