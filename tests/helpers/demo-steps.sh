# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# demo-steps.sh: sourced by the demos (tests/demo/bindox-demo.sh,
# examples/camera-adas/camera-adas-demo.sh).
#
#   pids+=(PID)      background processes to stop (SIGTERM) on exit
#   wait_until CMD   run CMD every 0.1 s until it succeeds, at most 30 s
#   say TEXT         print a section heading
#   run CMD          print CMD as typed, then run it

pids=()

demo_cleanup() {
	local pid
	for pid in ${pids[@]+"${pids[@]}"}; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
trap demo_cleanup EXIT

wait_until() {
	local tries=300
	while ((tries-- > 0)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "demo: timed out waiting for: $*" >&2
	return 1
}

say() { printf '\n== %s\n' "$*"; }
run() {
	printf '$ %s\n' "$*"
	"$@"
}

# demo_bindoxd_start DIR BINDOXD: start bindoxd as the Coordinator on the
# bus of $DBUS_SYSTEM_BUS_ADDRESS, with the policy and domain files of
# DIR/policy.d and DIR/domains.d (DIR/vendor.d, DIR/vendor-domains.d and
# DIR/state must exist); wait until it answers on the bus, print its log.
demo_bindoxd_start() {
	local dir=$1 bindoxd=$2

	"$bindoxd" --device /dev/bindox --policy-dir "$dir/policy.d" \
		--vendor-policy-dir "$dir/vendor.d" --domains-dir "$dir/domains.d" \
		--vendor-domains-dir "$dir/vendor-domains.d" --state-dir "$dir/state" \
		>"$dir/bindoxd.log" 2>&1 &
	pids+=($!)
	wait_until busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call org.bindox.Coordinator1 \
		/org/bindox/Coordinator1 org.freedesktop.DBus.Peer Ping || return 1
	cat "$dir/bindoxd.log"	# its lines say "bindoxd: " themselves
}
