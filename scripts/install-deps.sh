#!/usr/bin/env bash
# Installs the Debian packages ccp needs on this host, skipping those already there.
#   scripts/install-deps.sh run    what `npm start` needs (git, shellcheck, buildah, docker-registry, busybox-static, bubblewrap, slirp4netns)
#   scripts/install-deps.sh test   what `npm test` needs (also a Ceph radosgw for the S3 tests, chromium for the dashboard's browser tests, skopeo and gnupg for the signing tests)
set -euo pipefail
purpose=${1:-run}

# command -> Debian package
declare -A run_tools=([git]=git [shellcheck]=shellcheck [curl]=curl [buildah]=buildah [docker-registry]=docker-registry [busybox]=busybox-static [rpm]=rpm [xz]=xz-utils [zstd]=zstd [bzip2]=bzip2 [bwrap]=bubblewrap [slirp4netns]=slirp4netns)
declare -A test_tools=([radosgw]=radosgw [ceph-mon]=ceph-mon [ceph-osd]=ceph-osd [ceph]=ceph-common [uuidgen]=uuid-runtime [skopeo]=skopeo [kubectl]=kubernetes-client [createrepo_c]=createrepo-c [dnf]=dnf [umoci]=umoci [chromium]=chromium [gpg]=gnupg)

missing=()
for tool in "${!run_tools[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("${run_tools[$tool]}"); done
# The sample's base image copies the host's busybox into an image from scratch: it must be static.
if command -v busybox >/dev/null 2>&1 && ldd "$(command -v busybox)" >/dev/null 2>&1; then missing+=(busybox-static); fi
missing_norecommends=()
if [ "$purpose" = test ]; then
  for tool in "${!test_tools[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing_norecommends+=("${test_tools[$tool]}"); done
fi

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_norecommends[@]} -eq 0 ]; then
  echo "install-deps: host tools present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]} ${missing_norecommends[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]} ${missing_norecommends[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]} ${missing_norecommends[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
[ ${#missing[@]} -eq 0 ] || apt-get install -y -qq "${missing[@]}" >/dev/null
[ ${#missing_norecommends[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing_norecommends[@]}" >/dev/null
echo "install-deps: done"
