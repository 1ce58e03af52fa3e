#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-trace-polls: bench/bindox-polls.bt, as a user runs it with Debian's
# bpftrace, in the test VM: with busy_poll_ns at its largest, while one
# client of ipcbench tput calls a worker for a second, it prints how the
# callers' and the receivers' polls ended; on two CPUs some of each side's
# polls were answered, and every poll is in its side's histogram once.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
script=$build/tests/integration/bindox-polls.bt
ipcbench=$build/bench/ipcbench/ipcbench
param=/sys/module/bindox/parameters/busy_poll_ns
# shellcheck source=tests/helpers/checks.sh
. "$build/tests/integration/checks.sh"
# shellcheck source=tests/helpers/bpftrace-output.sh
. "$build/tests/integration/bpftrace-output.sh"
tmp=$(mktemp -d /tmp/trace-polls.XXXXXX)
was=
cleanup() {
	[[ -z $was ]] || echo "$was" >"$param"
	echo "----- bpftrace output -----"
	cat "$tmp/bpftrace.out" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

command -v bpftrace >/dev/null || setup_failed "no bpftrace (tests/install-deps.sh)"
[[ -x $ipcbench ]] || setup_failed "$ipcbench not built"
[[ -w $param ]] || setup_failed "no $param (runs in the test VM)"
[[ -d /sys/kernel/tracing/events ]] || mount -t tracefs tracefs /sys/kernel/tracing ||
	setup_failed "cannot mount tracefs"
[[ $(nproc) -ge 2 ]] || setup_failed "one CPU: a poll could not be answered"

was=$(cat "$param")
# The largest poll: each side learns a window a little above its waits,
# however slow the guest.
echo 1000000 >"$param"
tput="$ipcbench tput --methods bindox --clients 1 --sizes 64 --kinds call"
tput+=" --seconds 1 --json $tmp/tput.json"
if timeout 600 bpftrace -c "$tput" "$script" >"$tmp/bpftrace.out" 2>&1 &&
	grep -q '^Attaching' "$tmp/bpftrace.out"; then
	pass "bpftrace ran bindox-polls.bt on the driver's events"
else
	fail "bpftrace ran bindox-polls.bt" "$(tail -n 5 "$tmp/bpftrace.out")"
fi
# bpftrace's status is its own: the calls ran if ipcbench wrote its JSON.
if grep -q '"per_sec"' "$tmp/tput.json" 2>/dev/null; then
	pass "ipcbench tput ran one client's calls"
else
	fail "ipcbench tput ran one client's calls" "no results in its JSON"
fi

for side in call receive; do
	answered=$(map_count "$side" answered)
	cut=$(map_count "$side" "cut short")
	ran_out=$(map_count "$side" "ran out")
	polls=$((answered + cut + ran_out))
	if [[ $answered -gt 0 ]]; then
		pass "some ${side}s' polls were answered ($answered of $polls)"
	else
		fail "some ${side}s' polls were answered" "$cut cut short, $ran_out ran out"
	fi
	in_hist=$(hist_total "${side}_polled_us")
	if [[ $in_hist -eq $polls ]]; then
		pass "@${side}_polled_us counts every poll ($polls)"
	else
		fail "@${side}_polled_us counts every poll" "$in_hist, polls $polls"
	fi
done

checks_summary
