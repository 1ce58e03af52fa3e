#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-rtt.sh [options] [-- RTT_ARGS...]: build (if needed) the module and
# ipcbench, boot the test VM (tests/vm/run-vm.sh), load binder_linux there
# (devices=binder, as bench/run does) and run ipcbench's round-trip mode,
# "ipcbench rtt", once per variant, in one boot. Prints the tables and
# writes the JSON results to bench/results/rtt-latest-VARIANT.json; the
# guest's whole output stays in bench/results/vm-last.tmp/output.log (not
# committed).
#
#   --variants LIST   space- or comma-separated, in run order, from
#                     "default" (no pinning) and "same-cpu" (--same-cpu);
#                     default: "default same-cpu" ("same-cpu" with --sizes)
#   --sizes LIST      the size sweep: every method at every size of LIST
#                     (e.g. 64,1K,4K,16K,64K,256K,1M,16M) in one run per
#                     variant; writes bench/results/rtt-sizes.json (with
#                     several variants rtt-sizes-VARIANT.json) and draws
#                     rtt-sizes.png from it (bench/plot-rtt-sizes.py)
#   --no-build        use the module and the build directory as they are
#   --build-dir DIR   meson build directory (default: build-bench, set up
#                     if missing with -Dbuildtype=release -Dtests=false
#                     -Dbench=enabled, as bench/run does, so that library and
#                     benchmark are optimized as they would be in use)
#   --timeout SECS    bound on the VM run (default: 1800)
#   --module PATH     load this build of the module instead of
#                     module/bindox.ko (e.g. an experimental copy)
#   --module-args ARGS  its parameters, e.g. "busy_poll_ns=50000"
#   --name NAME       name the results after NAME: rtt-NAME-VARIANT.json
#                     (instead of rtt-latest-VARIANT.json),
#                     rtt-sizes-NAME.json, throughput-NAME.json (and .png)
#   --no-debug        boot without the test harness's memory debugging
#                     (run-vm.sh --no-debug: slub_debug=FZPU, page_poison
#                     and KFENCE, which it boots with otherwise)
#   --append ARGS     extra guest kernel arguments (experiments)
#   --diag            instead of the benchmark, diagnose: per method and
#                     variant, perf stat (task-clock, context switches,
#                     migrations), a perf record profile (cpu-clock) and
#                     strace -c, printed (and kept in vm-last.tmp/output.log)
#   --tput            instead, the throughput mode, "ipcbench tput" (bindox,
#                     uds and binder_linux under 1..16 clients), once;
#                     writes bench/results/throughput.json and draws
#                     bench/results/throughput.png (bench/plot-tput.py)
#   RTT_ARGS          passed to every run (e.g. --iterations 50000; with
#                     --tput, tput's options, e.g. --seconds 2)
#
# Inside the guest (used by this script):
#   run-rtt.sh --guest {bench|diag|tput} VARIANTS BUILD_DIR -- RTT_ARGS
# (RTT_ARGS carry --sizes when the host side was given it.)
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$bench_dir/.." && pwd)

die() {
	echo "${0##*/}: error: $*" >&2
	exit 1
}

# ---- guest side ----
if [[ ${1:-} == --guest ]]; then
	mode=$2
	variants=$3
	ipcbench=$4/bench/ipcbench/ipcbench
	rtt=("$ipcbench" rtt)
	shift 4
	[[ ${1:-} == -- ]] && shift
	out=${BINDOX_RESULTS:?not in the test VM}
	echo "guest kernel command line: $(cat /proc/cmdline)"
	# Debian's 6.1 kernel has no binderfs; binder_linux's devices= makes
	# /dev/binder (as bench/run loads it).
	if [[ ! -e /dev/binder ]]; then
		modprobe binder_linux devices=binder || echo "run-rtt: no binder_linux module"
	fi
	echo
	rc=0
	if [[ $mode == tput ]]; then
		echo "=== ipcbench tput $* ($(nproc) CPUs) ==="
		"$ipcbench" tput --json "$out/tput.json" "$@"
		exit
	fi
	if [[ $mode == bench ]]; then
		for v in $variants; do
			extra=()
			[[ $v == same-cpu ]] && extra=(--same-cpu)
			echo "=== rtt variant: $v (ipcbench rtt ${extra[*]} $*) ==="
			"${rtt[@]}" "${extra[@]}" --json "$out/rtt-$v.json" "$@" || rc=1
			echo
		done
		exit "$rc"
	fi
	# diag: one method per process and one round, so that perf counts one
	# method only and a round trip count of n + w.
	n=5000 w=500
	for v in $variants; do
		extra=()
		[[ $v == same-cpu ]] && extra=(--same-cpu)
		for m in bindox-inline uds pipe binder; do
			echo "=== perf stat, $m, $v: $n timed + $w warm-up round trips ==="
			perf stat -x, -e task-clock,context-switches,cpu-migrations \
				-o "$out/stat-$v-$m.csv" -- "${rtt[@]}" "${extra[@]}" --methods "$m" \
				--iterations "$n" --warmup "$w" --rounds 1 "$@" | grep -E "^$m " || rc=1
			awk -F, -v rt=$((n + w)) '$3 != "" && $1 ~ /^[0-9.]+$/ {
				printf "  %-17s %14.1f  = %9.3f per round trip%s\n", $3, $1, $1 / rt,
					$3 == "task-clock" ? " (ms; x1000 = us of CPU)" : ""
			}' "$out/stat-$v-$m.csv"
		done
		echo
	done
	for m in bindox-inline uds pipe binder; do
		echo "=== perf record -e cpu-clock -a, $m, same-cpu: top kernel+user symbols ==="
		perf record -q -e cpu-clock -F 4000 -a -o "/tmp/perf-$m.data" -- \
			"${rtt[@]}" --same-cpu --methods "$m" --iterations "$n" --warmup "$w" --rounds 1 "$@" \
			>/dev/null || rc=1
		perf report -q -i "/tmp/perf-$m.data" --no-children --percentage relative \
			--sort dso,sym --stdio \
			--comm ipcbench 2>/dev/null | grep -v '^$' | head -n 45 || true
		echo
	done
	for m in bindox-inline uds pipe binder; do
		echo "=== strace -f -c, $m, 2000 round trips (setup included) ==="
		strace -f -c -o "$out/strace-$m.txt" "${rtt[@]}" --methods "$m" --iterations 2000 \
			--warmup 0 >/dev/null || rc=1
		head -n 14 "$out/strace-$m.txt"
		echo
	done
	exit "$rc"
fi

# ---- host side ----
variants=
sizes=
build=1
build_dir="build-bench"
timeout=1800
append=
debug=1
module=
module_args=
name=
mode=bench
while [[ $# -gt 0 ]]; do
	case $1 in
	--variants) variants=${2//,/ }; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--no-build) build=0; shift ;;
	--build-dir) build_dir=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--no-debug) debug=0; shift ;;
	--module) module=$2; shift 2 ;;
	--module-args) module_args=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--diag) mode=diag; shift ;;
	--tput) mode="tput"; shift ;;
	-h | --help) sed -n '4,45p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	*) die "unknown option $1 (rtt's own options go after --)" ;;
	esac
done
if [[ -z $variants ]]; then
	variants="default same-cpu"
	[[ -z $sizes ]] || variants=same-cpu
fi
for v in $variants; do
	[[ $v == default || $v == same-cpu ]] || die "unknown variant $v"
done
[[ -n ${variants// /} ]] || die "no variants"
[[ -z $sizes || $mode == bench ]] || die "--sizes is for the round-trip benchmark, not --diag or --tput"
rtt_args=("$@")
[[ -z $sizes ]] || rtt_args=(--sizes "$sizes" "$@")

cd "$repo"
# shellcheck source=tests/vm/lib.sh
. "$repo/tests/vm/lib.sh"
kver=$(vm_kver)

if [[ $build -eq 1 ]]; then
	# Both are incremental: nothing is rebuilt when nothing changed.
	make -s -C "/lib/modules/$kver/build" M="$repo/module" modules
	if [[ ! -d $build_dir/meson-info ]]; then
		meson setup -Dbuildtype=release -Dtests=false -Dbench=enabled "$build_dir"
	fi
	ninja -C "$build_dir" bench/ipcbench/ipcbench
fi
[[ -x $build_dir/bench/ipcbench/ipcbench ]] ||
	die "$build_dir/bench/ipcbench/ipcbench missing (build it, or drop --no-build)"
module=${module:-$repo/module/bindox.ko}
[[ -f $module ]] || die "$module missing"
case $build_dir in
/*) guest_build=$build_dir ;;
*) guest_build=$repo/$build_dir ;;
esac

results=$bench_dir/results
vm_out=$results/vm-last.tmp	# ignored by git (/bench/results/*.tmp)
mkdir -p "$results"

rc=0
vm_args=(--timeout "$timeout" --out "$vm_out" --module "$module")
[[ -z $append ]] || vm_args+=(--append "$append")
[[ $debug -eq 1 ]] || vm_args+=(--no-debug)
[[ -z $module_args ]] || vm_args+=(--module-args "$module_args")
"$repo/tests/vm/run-vm.sh" "${vm_args[@]}" -- \
	"$bench_dir/run-rtt.sh" --guest "$mode" "$variants" "$guest_build" -- "${rtt_args[@]}" || rc=$?

if [[ -s $vm_out/output.log ]]; then
	if [[ $mode == bench ]]; then
		n_variants=$(wc -w <<<"$variants")
		for v in $variants; do
			[[ -f $vm_out/rtt-$v.json ]] || continue
			if [[ -z $sizes ]]; then
				dest=$results/rtt-${name:-latest}-$v.json
			elif [[ $n_variants -eq 1 ]]; then
				dest=$results/rtt-sizes${name:+-$name}.json
			else
				dest=$results/rtt-sizes${name:+-$name}-$v.json
			fi
			cp "$vm_out/rtt-$v.json" "$dest"
			echo "run-rtt: $dest"
			if [[ -n $sizes ]]; then
				/usr/bin/python3 "$bench_dir/plot-rtt-sizes.py" "$dest" "${dest%.json}.png" ||
					echo "run-rtt: no plot (python3-matplotlib missing?)" >&2
			fi
		done
	elif [[ $mode == tput && -f $vm_out/tput.json ]]; then
		dest=$results/throughput${name:+-$name}
		cp "$vm_out/tput.json" "$dest.json"
		echo "run-rtt: $dest.json"
		/usr/bin/python3 "$bench_dir/plot-tput.py" "$dest.json" "$dest.png" ||
			echo "run-rtt: no plot (python3-matplotlib?)" >&2
	fi
	echo "run-rtt: the guest's output is in $vm_out/output.log"
else
	echo "run-rtt: no output from the guest; see $vm_out" >&2
	[[ $rc -ne 0 ]] || rc=1
fi
exit "$rc"
