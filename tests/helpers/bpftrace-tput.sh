# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# bpftrace-tput.sh: sourced by the tests that run a bench/*.bt script under
# bpftrace while one client of ipcbench tput calls a worker, in the test
# VM (after checks.sh and bpftrace-output.sh). Expects $build.
#   tput_trace_setup NAME POLL_NS  a $tmp directory (removed on exit, with
#                          bpftrace's output shown), busy_poll_ns set to
#                          POLL_NS and put back on exit; setup_failed
#                          without bpftrace, ipcbench or the driver
#   tput_trace_run SCRIPT SECONDS [ARG...]  bpftrace runs SCRIPT (from
#                          this directory, with ARGs) while ipcbench tput
#                          runs 64 B calls of one client for SECONDS, into
#                          $tmp/bpftrace.out; two checks: bpftrace ran and
#                          ipcbench did; $tput_calls is the calls of the
#                          measured window (0 if none)

# shellcheck disable=SC2154  # $build is the sourcing test's
tput_trace_ipcbench=$build/bench/ipcbench/ipcbench
tput_trace_param=/sys/module/bindox/parameters/busy_poll_ns
tput_trace_was=

tput_trace_cleanup() {
	[[ -z $tput_trace_was ]] || echo "$tput_trace_was" >"$tput_trace_param"
	echo "----- bpftrace output -----"
	cat "$tmp/bpftrace.out" 2>/dev/null
	rm -rf "$tmp"
}

tput_trace_setup() {
	tmp=$(mktemp -d "/tmp/$1.XXXXXX")
	trap tput_trace_cleanup EXIT
	command -v bpftrace >/dev/null || setup_failed "no bpftrace (tests/install-deps.sh)"
	[[ -x $tput_trace_ipcbench ]] || setup_failed "$tput_trace_ipcbench not built"
	[[ -w $tput_trace_param ]] || setup_failed "no $tput_trace_param (runs in the test VM)"
	[[ -d /sys/kernel/tracing/events ]] ||
		mount -t tracefs tracefs /sys/kernel/tracing ||
		setup_failed "cannot mount tracefs"
	tput_trace_was=$(cat "$tput_trace_param")
	echo "$2" >"$tput_trace_param"
}

tput_trace_run() {
	local script=$1 seconds=$2 tput
	shift 2
	tput="$tput_trace_ipcbench tput --methods bindox --clients 1"
	tput+=" --sizes 64 --kinds call --seconds $seconds --json $tmp/tput.json"
	if timeout 600 bpftrace -c "$tput" "$build/tests/integration/$script" "$@" \
		>"$tmp/bpftrace.out" 2>&1 && grep -q '^Attaching' "$tmp/bpftrace.out"; then
		pass "bpftrace ran $script"
	else
		fail "bpftrace ran $script" "$(tail -n 5 "$tmp/bpftrace.out")"
	fi
	# bpftrace's status is its own: the calls ran if ipcbench wrote its
	# JSON. The warm-up's calls are not in the window's.
	tput_calls=$(python3 -c 'import json, sys
print(int(json.load(open(sys.argv[1]))["results"][0]["per_sec"] * float(sys.argv[2])))' \
		"$tmp/tput.json" "$seconds" 2>/dev/null)
	if [[ ${tput_calls:-0} -gt 0 ]]; then
		pass "ipcbench tput ran one client's calls ($tput_calls in the window)"
	else
		fail "ipcbench tput ran one client's calls" "no results in its JSON"
		tput_calls=0
	fi
}
