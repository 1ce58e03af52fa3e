#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-fuzz-long.sh [options]: the ioctl fuzzer (tests/kernel/test-fuzz) for
# a long time: --seeds runs of --calls operations each, one after the
# other in one VM, then run-vm.sh's checks (dmesg, counters, rmmod). Prints
# each seed's table, then the total operations, the guest time and the
# rate, and the seeds that failed. Exits non-zero if anything failed.
set -euo pipefail
# shellcheck source=tests/stress/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [options]
  --calls N      operations per seed (default: 250000)
  --seeds K      number of seeds (default: 4)
  --seed S       first seed (default: from the clock; printed)
  --threads T    worker threads (default: the program's, 4)
  --build DIR    meson build directory (default: $BINDOX_REPO/build)
  --out DIR      results directory (default: tests/vm/out/fuzz-long-DATE)
  --timeout SECS bound on the VM run (default: from calls and seeds)
USAGE
	exit "${1:-2}"
}

calls=250000
seeds=4
seed=
threads=
build=$BINDOX_REPO/build
out=
timeout=
guest=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--calls) calls=$2; shift 2 ;;
	--seeds) seeds=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--threads) threads=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--guest) guest=1; shift ;;
	-h | --help) usage 0 ;;
	*) usage ;;
	esac
done
[[ $calls =~ ^[0-9]+$ && $seeds =~ ^[0-9]+$ && $seeds -gt 0 ]] || usage
seed=${seed:-$(date +%s)}
prog=$(realpath "$build")/tests/kernel/test-fuzz

if [[ $guest -eq 1 ]]; then
	export BINDOX_FUZZ_CALLS=$calls
	[[ -z $threads ]] || export BINDOX_FUZZ_THREADS=$threads
	stress_guest_loop "$prog" BINDOX_FUZZ_SEED "$seed" "$seeds"
	exit
fi

[[ -x $prog ]] || vm_die "$prog missing: build with tests/vm/build.sh userspace"
# At least 500 operations per second in the guest, plus boot and checks.
timeout=${timeout:-$((calls * seeds / 500 + 300))}
out=${out:-$BINDOX_VM_OUT/fuzz-long-$(date +%Y%m%d-%H%M%S)}
echo "fuzz-long: $seeds seed(s) from $(printf '%#x' "$seed"), $calls operations each"
rc=0
"$BINDOX_VM_DIR/run-vm.sh" --timeout "$timeout" --out "$out" -- \
	"$(realpath "${BASH_SOURCE[0]}")" --guest --calls "$calls" --seeds "$seeds" \
	--seed "$seed" ${threads:+--threads "$threads"} --build "$build" || rc=$?

log=$out/output.log
[[ -f $log ]] || vm_die "no $log"
awk '/^fuzz: [0-9]+ operations in / { n += $2; s += $5; runs++ }
	END {
		printf "fuzz-long: %d run(s), %d operations in %.0f s of guest time: %.0f per second\n",
			runs, n, s, (s > 0 ? n / s : 0)
	}' "$log"
bad=$(stress_failed_seeds "$log")
if [[ -n $bad ]]; then
	echo "fuzz-long: FAILED seeds: $bad(reproduce: BINDOX_FUZZ_SEED=<seed> BINDOX_FUZZ_CALLS=$calls)"
	rc=1
fi
grep -h '^fuzz: FOUND' "$log" | sort | uniq -c | head -n 20 || true
echo "fuzz-long: results in $out"
exit "$rc"
