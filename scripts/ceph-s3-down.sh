#!/bin/bash
# Stops the Ceph that scripts/ceph-s3-up.sh started in state folder $1: kills exactly the PIDs in
# its pid files (memstore holds nothing worth a clean shutdown), then removes the folder
# unless KEEP=1.
set -uo pipefail
D=${1:?usage: ceph-s3-down.sh STATE_DIR}
for pidfile in "$D"/run/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -9 "$pid" 2>/dev/null
done
if [ "${KEEP:-0}" != 1 ]; then rm -rf "$D"; fi
exit 0
