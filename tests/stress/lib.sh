#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared part of the long stress runs (sourced by run-fuzz-long.sh and
# run-killstorm-long.sh, not executed). Each script runs itself again
# inside ONE QEMU guest (tests/vm/run-vm.sh) with --guest: there it runs
# its test program once per seed, each with its own log and exit status,
# and on the host it sums the figures the programs printed.

# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../vm/lib.sh"

# stress_guest_loop PROGRAM SEED_VAR SEED0 N_SEEDS: inside the guest, run
# PROGRAM (with the other variables already exported) for seeds SEED0,
# SEED0+1, ...; log to $BINDOX_RESULTS/stress/; exit 1 if any run failed.
stress_guest_loop() {
	local prog=$1 var=$2 seed0=$3 n=$4 i seed rc failed=0 dir
	dir=${BINDOX_RESULTS:?runs inside the VM only}/stress
	mkdir -p "$dir"
	# Software emulation is slow: stretch Check's per-test timeouts.
	export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-5}
	for ((i = 0; i < n; i++)); do
		seed=$(printf '%#x' $((seed0 + i)))
		echo "=== seed $seed"
		rc=0
		env "$var=$seed" "$prog" </dev/null >"$dir/seed-$seed.log" 2>&1 || rc=$?
		cat "$dir/seed-$seed.log"
		echo "=== seed $seed: exit $rc"
		[[ $rc -eq 0 ]] || failed=1
	done
	return "$failed"
}

# stress_failed_seeds LOG: the seeds whose run did not exit 0.
stress_failed_seeds() {
	sed -n 's/^=== seed \(0x[0-9a-f]*\): exit [1-9][0-9]*$/\1/p' "$1" | tr '\n' ' '
}
