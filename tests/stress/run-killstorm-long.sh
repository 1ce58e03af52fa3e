#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-killstorm-long.sh [options]: the kill storm (tests/kernel/
# test-killstorm) for a long time: --seeds runs of --rounds rounds each,
# one after the other in one VM, then run-vm.sh's checks (dmesg, counters,
# rmmod). Prints each seed's figures, then the total rounds, processes
# killed and guest time, and the seeds that failed. Exits non-zero if
# anything failed.
set -euo pipefail
# shellcheck source=tests/stress/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [options]
  --rounds N     rounds per seed (default: 1500)
  --seeds K      number of seeds (default: 2)
  --seed S       first seed (default: from the clock; printed)
  --build DIR    meson build directory (default: $BINDOX_REPO/build)
  --out DIR      results directory (default: tests/vm/out/killstorm-long-DATE)
  --timeout SECS bound on the VM run (default: from rounds and seeds)
USAGE
	exit "${1:-2}"
}

rounds=1500
seeds=2
seed=
build=$BINDOX_REPO/build
out=
timeout=
guest=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--rounds) rounds=$2; shift 2 ;;
	--seeds) seeds=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--guest) guest=1; shift ;;
	-h | --help) usage 0 ;;
	*) usage ;;
	esac
done
[[ $rounds =~ ^[0-9]+$ && $seeds =~ ^[0-9]+$ && $seeds -gt 0 ]] || usage
seed=${seed:-$(date +%s)}
prog=$(realpath "$build")/tests/kernel/test-killstorm

if [[ $guest -eq 1 ]]; then
	export BINDOX_KILLSTORM_ROUNDS=$rounds
	stress_guest_loop "$prog" BINDOX_KILLSTORM_SEED "$seed" "$seeds"
	exit
fi

[[ -x $prog ]] || vm_die "$prog missing: build with tests/vm/build.sh userspace"
# At most 0.4 s per round in the guest, plus boot and checks.
timeout=${timeout:-$((rounds * seeds * 2 / 5 + 300))}
out=${out:-$BINDOX_VM_OUT/killstorm-long-$(date +%Y%m%d-%H%M%S)}
echo "killstorm-long: $seeds seed(s) from $(printf '%#x' "$seed"), $rounds rounds each"
rc=0
"$BINDOX_VM_DIR/run-vm.sh" --timeout "$timeout" --out "$out" -- \
	"$(realpath "${BASH_SOURCE[0]}")" --guest --rounds "$rounds" --seeds "$seeds" \
	--seed "$seed" --build "$build" || rc=$?

log=$out/output.log
[[ -f $log ]] || vm_die "no $log"
awk '/^killstorm: [0-9]+ rounds in / { n += $2; s += $5; k += $11; runs++ }
	END {
		printf "killstorm-long: %d run(s), %d rounds in %.0f s of guest time (%.2f s per round), %d processes killed\n",
			runs, n, s, (n > 0 ? s / n : 0), k
	}' "$log"
bad=$(stress_failed_seeds "$log")
if [[ -n $bad ]]; then
	echo "killstorm-long: FAILED seeds: $bad(reproduce: BINDOX_KILLSTORM_SEED=<seed> BINDOX_KILLSTORM_ROUNDS=$rounds)"
	rc=1
fi
echo "killstorm-long: results in $out"
exit "$rc"
