#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# guest-tests.sh [--timeout SECS] [--workdir DIR] TEST...: runs inside the
# VM (run-tests.sh passes it to run-vm.sh). Runs each Check test program
# with its own timeout, cwd = DIR, and stores the output and exit
# status as $BINDOX_RESULTS/tests/NAME.log and NAME.status. Exits 1 if any
# program failed.
set -euo pipefail

timeout=300
workdir=$PWD
while [[ $# -gt 0 ]]; do
	case $1 in
	--timeout) timeout=$2; shift 2 ;;
	--workdir) workdir=$2; shift 2 ;;
	*) break ;;
	esac
done
out=${BINDOX_RESULTS:?runs inside the VM only}/tests
mkdir -p "$out"
# Software emulation is slow: stretch Check's per-test timeouts.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-5}

failed=0
for t in "$@"; do
	name=$(basename "$t")
	echo "=== $name"
	rc=0
	(cd "$workdir" && exec timeout -k 10 "$timeout" "$t") </dev/null \
		>"$out/$name.log" 2>&1 || rc=$?
	echo "$rc" >"$out/$name.status"
	cat "$out/$name.log"
	echo "=== $name: exit $rc"
	[[ $rc -eq 0 ]] || failed=1
done
exit "$failed"
