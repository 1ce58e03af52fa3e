#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-man-example: the example program of libbindox(3), as the page
# prints it (lib/examples/bindox-example.c; the host test
# libbindox-man-example proves they are the same), compiled by meson with
# the project's warnings, run in the test VM: with a Coordinator
# (bindox-test-coordinator) running, "server demo.echo" registers and
# serves, "client demo.echo hello" gets "HELLO" back and the server prints
# the caller's pid, and SIGTERM stops the server with exit status 0.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/helpers/checks.sh
. "$build/tests/integration/checks.sh"
# shellcheck source=tests/helpers/example-server.sh
. "$build/tests/integration/example-server.sh"
tmp=$(mktemp -d /tmp/man-example.XXXXXX)
pids=()
cleanup() {
	kill_and_reap ${pids[@]+"${pids[@]}"}
	echo "----- server output -----"
	cat "$tmp/server.out" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

if start_test_coordinator; then
	pass "coordinator-ready"
else
	fail "coordinator-ready" "bindox-test-coordinator did not start"
fi

if start_example_server demo.echo; then
	pass "example-server-registers"
else
	fail "example-server-registers" "$(cat "$tmp/server.out")"
fi

out=$("$example" client demo.echo hello 2>&1) && rc=0 || rc=$?
if [[ $rc -eq 0 && $out == "demo.echo answered: HELLO" ]]; then
	pass "example-client-calls"
else
	fail "example-client-calls" "exit $rc: $out"
fi
"$example" client demo.echo again >"$tmp/client2.out" 2>&1 &
client_pid=$!
wait "$client_pid"
if wait_until 10 grep -Eq "^call from pid $client_pid, uid 0: again\$" "$tmp/server.out"; then
	pass "example-server-sees-caller"
else
	fail "example-server-sees-caller" "no 'call from pid $client_pid' in the server's output"
fi

out=$("$example" client demo.none x 2>&1) && rc=0 || rc=$?
if [[ $rc -eq 1 && $out == "client: demo.none: "* ]]; then
	pass "example-client-unknown-name"
else
	fail "example-client-unknown-name" "exit $rc: $out"
fi

kill -TERM "$example_server_pid"
rc=0
wait "$example_server_pid" || rc=$?
if [[ $rc -eq 0 ]]; then
	pass "example-server-sigterm-exit-0"
else
	fail "example-server-sigterm-exit-0" "exit status $rc"
fi

checks_summary
[[ $failures -eq 0 ]]
