#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Bindox demo, run inside the test VM as root with the module loaded:
# a Coordinator, a server that registers a service, and a client running as
# another user that looks it up and calls it. Prints what each side saw.
set -euo pipefail

build=$(cd "$(dirname "$0")/../.." && pwd)
coordinator=$build/tests/helpers/bindox-test-coordinator
server=$build/tests/demo/bindox-demo-server
client=$build/tests/demo/bindox-demo-client
client_uid=1000
pids=()

cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for_file() {
	local i
	for i in $(seq 1 200); do
		[[ -e $1 ]] && return 0
		sleep 0.1
	done
	echo "demo: timed out waiting for $1" >&2
	return 1
}

echo "== module: $(modinfo -F version /sys/module/bindox 2>/dev/null || echo loaded), device $(ls -l /dev/bindox)"
ready=$(mktemp -u /tmp/bindox-coord.XXXXXX)
"$coordinator" --ready-file "$ready" &
pids+=($!)
wait_for_file "$ready"
echo "== coordinator: pid ${pids[0]} holds handle 0"

"$server" "$ready.server" &
pids+=($!)
wait_for_file "$ready.server"

# The client runs as an ordinary user: give that user's group the device.
chgrp "$client_uid" /dev/bindox
chmod 0660 /dev/bindox
echo "== client: runs as uid $client_uid"
setpriv --reuid="$client_uid" --regid="$client_uid" --clear-groups \
	"$client" "frame 1 of the front camera"
sleep 0.2

echo "== driver state (/sys/kernel/debug/bindox/state):"
cat /sys/kernel/debug/bindox/state
echo "== live objects (/sys/kernel/debug/bindox/counters):"
cat /sys/kernel/debug/bindox/counters
