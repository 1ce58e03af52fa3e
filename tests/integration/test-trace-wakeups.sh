#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-trace-wakeups: bench/wakeups.bt, as a user runs it with Debian's
# bpftrace, in the test VM: while one client of ipcbench tput calls a
# worker for half a second (busy polling off), it sorts the wakeups of the
# ipcbench threads by where they ran. Every call sleeps for its reply, so
# there are at least as many wakeups as the window's calls; every wakeup
# is in its place's histogram once, and every one that ran on an idle CPU
# in the histogram of how long that CPU had been idle.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/helpers/checks.sh
. "$build/tests/integration/checks.sh"
# shellcheck source=tests/helpers/bpftrace-output.sh
. "$build/tests/integration/bpftrace-output.sh"
# shellcheck source=tests/helpers/bpftrace-tput.sh
. "$build/tests/integration/bpftrace-tput.sh"

tput_trace_setup trace-wakeups 0
tput_trace_run wakeups.bt 0.5 ipcbench

wakeups=0
idle=0
for where in "waker's CPU" "another CPU, running" "another CPU, idle, no IPI" \
	"another CPU, idle"; do
	n=$(map_count woken "$where")
	wakeups=$((wakeups + n))
	[[ $where == "another CPU, idle"* ]] && idle=$((idle + n))
done
if [[ $wakeups -ge $tput_calls && $wakeups -gt 0 ]]; then
	pass "a wakeup for every call at least ($wakeups wakeups, $tput_calls calls)"
else
	fail "a wakeup for every call at least" "$wakeups wakeups, $tput_calls calls"
fi
in_hist=$(hist_total woken_to_running_us)
if [[ $in_hist -eq $wakeups ]]; then
	pass "@woken_to_running_us counts every wakeup once ($wakeups)"
else
	fail "@woken_to_running_us counts every wakeup once" "$in_hist, wakeups $wakeups"
fi
in_hist=$(hist_total idle_before_wakeup_us)
if [[ $in_hist -eq $idle ]]; then
	pass "@idle_before_wakeup_us counts every wakeup on an idle CPU ($idle)"
else
	fail "@idle_before_wakeup_us counts every wakeup on an idle CPU" "$in_hist, idle $idle"
fi

checks_summary
