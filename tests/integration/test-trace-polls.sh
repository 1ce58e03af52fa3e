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
# shellcheck source=tests/helpers/checks.sh
. "$build/tests/integration/checks.sh"
# shellcheck source=tests/helpers/bpftrace-output.sh
. "$build/tests/integration/bpftrace-output.sh"
# shellcheck source=tests/helpers/bpftrace-tput.sh
. "$build/tests/integration/bpftrace-tput.sh"

# The largest poll: each side learns a window a little above its waits,
# however slow the guest.
tput_trace_setup trace-polls 1000000
[[ $(nproc) -ge 2 ]] || setup_failed "one CPU: a poll could not be answered"
tput_trace_run bindox-polls.bt 1

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
