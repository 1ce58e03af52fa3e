# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# example-server.sh: sourced (after checks.sh) by the tests that run the
# example program of libbindox(3) against the test Coordinator. Uses
# $build (the build tree), $tmp (the test's folder) and adds what it
# starts to the array pids (for the test's cleanup trap).
#   start_test_coordinator     starts bindox-test-coordinator and waits up
#                              to 60 s until it is ready; status 1 if not
#   start_example_server NAME  starts "bindox-example server NAME" (output
#                              in $tmp/server.out; its pid in
#                              $example_server_pid) and waits up to 60 s
#                              for its "serving NAME"; status 1 if not

example=$build/tests/integration/bindox-example

start_test_coordinator() {
	"$build/tests/helpers/bindox-test-coordinator" \
		--ready-file "$tmp/coordinator.ready" &
	pids+=($!)
	wait_until 60 test -e "$tmp/coordinator.ready"
}

start_example_server() {
	"$example" server "$1" >"$tmp/server.out" 2>&1 &
	example_server_pid=$!
	pids+=("$example_server_pid")
	wait_until 60 grep -qx "serving $1" "$tmp/server.out"
}
