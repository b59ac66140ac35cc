#!/bin/bash
# Starts a single-node Ceph (one monitor, one memstore OSD, radosgw) on 127.0.0.1: a real S3
# endpoint for the tests (test/setup/ceph.ts) and for trying the S3 store by hand.
#
# Usage: D=/tmp/empty-state-dir PORT=7480 MON_PORT=6789 scripts/ceph-s3-up.sh
#   D          state folder (created; everything lives there: config, pid files, logs, data)
#   PORT       radosgw's S3 port (default 7480)
#   MON_PORT   the monitor's port (default 6789); pick a free one to run several side by side
#   ACCESS_KEY / SECRET_KEY   credentials of the S3 user it creates (defaults below)
# Needs: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common uuid-runtime
# Stop:  scripts/ceph-s3-down.sh "$D"   (kills only the PIDs in $D/run/*.pid)
# Prints "rgw up on 127.0.0.1:PORT" when S3 answers; exits non-zero with the log tails otherwise,
# after stopping whatever it started. Cold start: about 12 s, 120 MB.
set -euo pipefail
D=${D:?set D to an empty state folder}
PORT=${PORT:-7480}
MON_PORT=${MON_PORT:-6789}
ACCESS_KEY=${ACCESS_KEY:-TESTACCESSKEY}
SECRET_KEY=${SECRET_KEY:-TESTSECRETKEY}
READY_TIMEOUT=${READY_TIMEOUT:-60}

if [ -d "$D" ] && [ -n "$(ls -A "$D")" ] && [ ! -f "$D/ceph.conf" ]; then
  echo "ceph-s3-up: $D is not empty and holds no earlier ceph.conf: refusing to wipe it" >&2
  exit 2
fi
for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool uuidgen curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "ceph-s3-up: $tool is missing; install: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl" >&2
    exit 2
  fi
done

HERE=$(cd "$(dirname "$0")" && pwd)
on_failure() {
  local rc=$? line=$1 command=$2
  echo "ceph-s3-up: failed (exit $rc) at line $line: $command; last log lines:" >&2
  for log in "$D"/log/*.log; do
    [ -f "$log" ] || continue
    echo "--- $log" >&2
    tail -n 15 "$log" >&2
  done
  "$HERE/ceph-s3-down.sh" "$D" >&2 || true
  exit "$rc"
}
trap 'on_failure $LINENO "$BASH_COMMAND"' ERR

rm -rf "$D"
mkdir -p "$D"/{run,log,mon,osd,rgw}
FSID=$(uuidgen)
# The monitor listens on one explicit port so that several clusters (parallel test runs) do not
# collide on the default ports 3300/6789; OSD ports are picked by Ceph from 6800-7300.
# msgr1 only: with msgr2 and "auth none", radosgw (16.2) never authenticates to the monitor
# (get_initial_auth_request returned -13) and hangs in its start-up.
cat > "$D/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = v1:127.0.0.1:$MON_PORT
ms bind msgr2 = false
public network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $D/keyring
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
pid file = $D/run/\$name.pid
mon data = $D/mon/\$cluster-\$id
osd data = $D/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 1073741824
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
# The device-class update at OSD start is a monitor command that sometimes gets EPERM on a
# monitor this young and then aborts the OSD (exit 250); a test cluster needs no classes.
osd class update on start = false
[client.rgw.test]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $D/rgw
CONF
C=(-c "$D/ceph.conf")
ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$D/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' >/dev/null
monmaptool --create --addv a "[v1:127.0.0.1:$MON_PORT]" --fsid "$FSID" "$D/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring"
ceph-mon "${C[@]}" -i a
OSD_UUID=$(uuidgen)
OSD_ID=$(timeout 30 ceph "${C[@]}" osd new "$OSD_UUID")
mkdir -p "$D/osd/ceph-$OSD_ID"
ceph-osd "${C[@]}" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" 2>>"$D/log/osd-start.log"
# Its start talks to the monitor (crush location); retry the rare refusal of a fresh monitor.
for attempt in 1 2 3; do
  if ceph-osd "${C[@]}" -i "$OSD_ID" 2>>"$D/log/osd-start.log"; then break; fi
  if [ "$attempt" = 3 ]; then echo "ceph-s3-up: ceph-osd did not start" >&2; false; fi
  sleep 1
done
timeout "$READY_TIMEOUT" radosgw "${C[@]}" -n client.rgw.test

ready=
for _ in $(seq 1 $((READY_TIMEOUT * 4))); do
  if curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; then ready=1; break; fi
  sleep 0.25
done
if [ -z "$ready" ]; then
  echo "ceph-s3-up: radosgw did not answer on 127.0.0.1:$PORT within ${READY_TIMEOUT}s" >&2
  false
fi
timeout 60 radosgw-admin "${C[@]}" user create --uid=test --display-name=test \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
echo "rgw up on 127.0.0.1:$PORT"
