#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-trace-latency: bench/bindox-latency.bt, as a user runs it with
# Debian's bpftrace, on the driver's trace events in the test VM: while it
# runs, 20 clients of the libbindox(3) example each look up and call
# demo.trace (40 calls); when they are done it prints a histogram of call
# latency and one of the server's part, with every call counted and none
# failed.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
script=$build/tests/integration/bindox-latency.bt
clients=20
# shellcheck source=tests/helpers/checks.sh
. "$build/tests/integration/checks.sh"
# shellcheck source=tests/helpers/example-server.sh
. "$build/tests/integration/example-server.sh"
# shellcheck source=tests/helpers/bpftrace-output.sh
. "$build/tests/integration/bpftrace-output.sh"
tmp=$(mktemp -d /tmp/trace-latency.XXXXXX)
pids=()
cleanup() {
	kill_and_reap ${pids[@]+"${pids[@]}"}
	echo "----- bpftrace output -----"
	cat "$tmp/bpftrace.out" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

command -v bpftrace >/dev/null || setup_failed "no bpftrace (tests/install-deps.sh)"
[[ -d /sys/kernel/tracing/events ]] || mount -t tracefs tracefs /sys/kernel/tracing ||
	setup_failed "cannot mount tracefs"

start_test_coordinator || setup_failed "no test Coordinator"
start_example_server demo.trace ||
	setup_failed "the example server did not register: $(cat "$tmp/server.out")"

# The clients run as bpftrace's command (-c), which it starts once every
# probe is attached (its "Attaching" line comes before that) and whose
# end ends the trace.
cat >"$tmp/clients.sh" <<CLIENTS
failed=0
for ((i = 0; i < $clients; i++)); do
	"$example" client demo.trace "call \$i" >/dev/null 2>&1 || failed=\$((failed + 1))
done
echo "\$failed" >"$tmp/clients.failed"
CLIENTS
# Through bash: the guest's /tmp may not allow executing files.
if timeout 600 bpftrace -c "/bin/bash $tmp/clients.sh" "$script" >"$tmp/bpftrace.out" 2>&1 &&
	grep -q '^Attaching' "$tmp/bpftrace.out"; then
	pass "bpftrace ran bindox-latency.bt on the driver's events"
else
	fail "bpftrace ran bindox-latency.bt" "$(tail -n 5 "$tmp/bpftrace.out")"
fi
failed_calls=$(cat "$tmp/clients.failed" 2>/dev/null || echo "no count")
if [[ $failed_calls == 0 ]]; then
	pass "$clients clients looked up and called demo.trace"
else
	fail "$clients clients looked up and called demo.trace" "$failed_calls failed"
fi

calls=$(hist_total call_us)
served=$(hist_total server_us)
# Each client's lookup and call at least (the library may make more).
if [[ $calls -ge $((2 * clients)) ]]; then
	pass "@call_us counts every call ($calls)"
else
	fail "@call_us counts every call" "$calls of at least $((2 * clients))"
fi
# At most one call more than @call_us: the example server's keeper asks
# the Coordinator now and then (lib/src/server-keeper.c), one call at a
# time, and one of its calls may be answered before the trace ends but
# return to the server after.
if [[ $served -ge $((2 * clients)) && $served -le $((calls + 1)) ]]; then
	pass "@server_us counts every call the servers answered ($served)"
else
	fail "@server_us counts every call the servers answered" "$served, calls $calls"
fi
# bpftrace prints the count of failures as 0 when nothing failed.
if grep -Eq '^@failed: [1-9]' "$tmp/bpftrace.out"; then
	fail "no call failed" "$(grep '^@failed' "$tmp/bpftrace.out")"
else
	pass "no call failed"
fi

checks_summary
