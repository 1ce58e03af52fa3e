#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# camera-adas-demo [--seconds S] [--4k]: the paper's scenario (section
# 3.2), run inside the test VM as root with the module loaded
# (tests/run-demo.sh). bindoxd is the Coordinator, on a private system bus.
# Three containers (user, mount and pid namespaces, each with its domain's
# node as /dev/bindox): the camera app in android-ivi registers
# vendor.camera.front; a program in guest asks for it and is refused; the
# ADAS client in linux-adas looks it up, subscribes and analyses S seconds
# of frames (default 10) received as moved Mapping Delivery buffers. Then
# the same over a UNIX socket, copying every frame, and both summaries one
# above the other. Exits 0 only if every frame of both runs checked out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/../.." && pwd)
bindoxd=$build/bindoxd/bindoxd
bindoxctl=$build/bindoxd/bindoxctl
camera=$here/camera-adas-camera
client=$here/camera-adas-client
container=$here/camera-adas-container
# shellcheck source=tests/helpers/private-bus.sh
. "$here/private-bus.sh"
# shellcheck source=tests/helpers/demo-steps.sh
. "$here/demo-steps.sh"

seconds=10
camera_opts=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--4k) camera_opts+=(--4k); shift ;;
	*) echo "usage: camera-adas-demo [--seconds S] [--4k]" >&2; exit 2 ;;
	esac
done

# camera_wait PID: wait up to 30 s for the camera (its launcher PID) to
# end once its subscriber left; if it does not, show where each of its
# threads waits and fail.
camera_wait() {
	local launcher=$1 tries=300 pid task
	while ((tries-- > 0)); do
		kill -0 "$launcher" 2>/dev/null || {
			wait "$launcher"
			return
		}
		sleep 0.1
	done
	echo "demo: the camera did not exit within 30 s of its client; its threads:" >&2
	for pid in $(pgrep -x camera-adas-cam); do
		for task in /proc/"$pid"/task/*; do
			echo "-- $task: $(cat "$task/wchan" 2>/dev/null) $(cat "$task/syscall" 2>/dev/null)" >&2
			cat "$task/stack" >&2 2>/dev/null || true
		done
		if command -v gdb >/dev/null; then
			gdb -p "$pid" -batch -ex "thread apply all bt" >&2 2>&1 || true
		fi
	done
	return 1
}

# In a container: DOMAIN BASE UID -- PROGRAM...
android() { "$container" android-ivi 100000 10047 -- "$@"; }
adas() { "$container" linux-adas 200000 1000 -- "$@"; }
guest() { "$container" guest 300000 0 -- "$@"; }

tmp=$(mktemp -d /tmp/camera-adas.XXXXXX)
mkdir "$tmp/policy.d" "$tmp/vendor.d" "$tmp/domains.d" "$tmp/vendor-domains.d" \
	"$tmp/state" "$tmp/run"
chmod 0755 "$tmp"
chmod 1777 "$tmp/run"	# for the containers' ready files and socket
cp "$here/50-camera-adas.xml" "$tmp/policy.d/"
cp "$here/50-camera-adas-domains.xml" "$tmp/domains.d/"

say "the paper's scenario: a camera in an Android container, driver assistance in a Linux container"
say "policy: examples/camera-adas/50-camera-adas.xml"
cat "$tmp/policy.d/50-camera-adas.xml"
say "containers: examples/camera-adas/50-camera-adas-domains.xml"
cat "$tmp/domains.d/50-camera-adas-domains.xml"

private_bus_start "$tmp" "$here/org.bindox.Coordinator1.conf" || {
	echo "demo: dbus-daemon did not start: $(cat "$tmp/dbus.log")" >&2
	exit 1
}
pids+=("$private_bus_pid")
say "bindoxd becomes the Coordinator, creates the domains and loads the policy"
demo_bindoxd_start "$tmp" "$bindoxd"
wait_until test -c /dev/bindox.d/guest
run ls -ln /dev/bindox.d/

say "android-ivi: the camera app (uid 10047, host 110047) registers vendor.camera.front"
android "$camera" ${camera_opts[@]+"${camera_opts[@]}"} --ready "$tmp/run/camera.ready" &
camera_pid=$!
pids+=("$camera_pid")
wait_until test -e "$tmp/run/camera.ready"
run busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" tree org.bindox.Coordinator1
run "$bindoxctl" list

say "guest: a third container asks for the camera; the policy hides it"
# Refused by the policy, not failing for another reason.
if guest "$client" --seconds 1 2>&1 | tee "$tmp/guest.txt" ||
	! grep -q 'permission denied (EACCES)' "$tmp/guest.txt"; then
	echo "demo: the guest container was NOT refused by the policy" >&2
	exit 1
fi
run "$bindoxctl" check guest 300000 300000 lookup vendor.camera.front || true
run "$bindoxctl" check linux-adas 201000 201000 lookup vendor.camera.front

say "linux-adas: the ADAS client (uid 1000, host 201000), $seconds s of frames over Bindox (moved buffers, no copy)"
# What bindoxd shows while the client is subscribed, printed afterwards.
(sleep 2 && "$bindoxctl" list >"$tmp/list-during.txt" 2>&1) &
list_pid=$!
adas "$client" --seconds "$seconds" | tee "$tmp/bindox.txt"
camera_wait "$camera_pid"
wait "$list_pid"
say "bindoxctl list, 2 s into the run"
cat "$tmp/list-during.txt"

say "the same over a UNIX socket (every frame copied), $seconds s"
android "$camera" ${camera_opts[@]+"${camera_opts[@]}"} --socket "$tmp/run/camera.sock" \
	--ready "$tmp/run/socket.ready" &
camera_pid=$!
pids+=("$camera_pid")
wait_until test -e "$tmp/run/socket.ready"
adas "$client" --seconds "$seconds" --socket "$tmp/run/camera.sock" | tee "$tmp/socket.txt"
camera_wait "$camera_pid"

say "side by side (the same frames, analysis and containers; only the transport differs)"
grep -h '^summary ' "$tmp/bindox.txt" "$tmp/socket.txt"
cat <<EOT

Frames are checked pixel by pixel against their sequence number; the
run fails on any bad frame. Numbers come from this QEMU guest (software
emulation): compare the two lines with each other, not with hardware.
Longer run: tests/run-demo.sh -- --seconds 60; 4K at 60 fps:
tests/run-demo.sh --mem 4096 -- --4k (examples/camera-adas/README.md).
EOT
