#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-tests.sh [options] BUILD_DIR: the in-VM test entry point. Boots ONE
# VM, runs every executable BUILD_DIR/tests/kernel/test-* (Check programs)
# and BUILD_DIR/tests/integration/test-* (scripts that print Check's summary
# line) in it, each with its own timeout and cwd = BUILD_DIR (as meson test
# does), then the post-checks of run-vm.sh.
# --only FILE runs only the programs FILE names (see arm64-ci.list).
# Ends with the tally line "vm: N passed, M failed": N/M count Check's
# individual checks (a program without a summary line counts as 1 failure)
# plus one each for dmesg-clean, counters-zero and rmmod.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [options] BUILD_DIR
  --arch ARCH          guest architecture: amd64 (default) or arm64 (see
                       run-vm.sh --help; BUILD_DIR is then a cross build,
                       tests/vm/build.sh --arch arm64)
  --kernel VERSION     guest kernel: 6.1, 6.12 or a full version (see
                       run-vm.sh --help; default: \$BINDOX_KVER, else
                       linux-image-amd64's kernel; arm64: 6.1)
  --only FILE          run only the test programs FILE lists: one name or
                       shell pattern a line (test-call, test-killstorm*),
                       '#' starts a comment; a name (not a pattern) that
                       matches no program counts as a failure
  --kernel-tests-only  run the programs of BUILD_DIR/tests/kernel only, not
                       the integration scripts (bindoxd, udev, containers)
  --timeout SECS       bound on the whole VM run (default: 2400)
  --test-timeout SECS  bound on each test program (default: 300)
  --module PATH        module to load (default: $BINDOX_REPO/module/bindox.ko)
  --serial             also show the serial console live
USAGE
	exit "${1:-2}"
}

vm_opts=()
vm_timeout=2400
test_timeout=300
only=
kernel_only=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--arch) vm_set_arch "$2"; shift 2 ;;
	--kernel) vm_set_kernel "$2"; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--kernel-tests-only) kernel_only=1; shift ;;
	--timeout) vm_timeout=$2; shift 2 ;;
	--test-timeout) test_timeout=$2; shift 2 ;;
	--module) vm_opts+=(--module "$2"); shift 2 ;;
	--serial) vm_opts+=(--serial); shift ;;
	-h | --help) usage 0 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $# -eq 1 ]] || usage
build=$(realpath "$1")
# A --kernel that names no kernel fails here, before anything runs.
vm_kver >/dev/null

tests=()
test_dirs=()
for d in "$build/tests/kernel" "$build/tests/integration"; do
	[[ $kernel_only -eq 1 && $d == */integration ]] && continue
	[[ -d $d ]] && test_dirs+=("$d")
done
if [[ ${#test_dirs[@]} -gt 0 ]]; then
	mapfile -t tests < <(find "${test_dirs[@]}" -maxdepth 1 -type f \
		-name 'test-*' -perm -u+x | sort)
fi
# Results are kept by program name: two programs of one name would
# overwrite each other's log, and one result would count twice.
dups=$(printf '%s\n' ${tests[@]+"${tests[@]##*/}"} | sort | uniq -d)
[[ -z $dups ]] || vm_die "test programs with the same name in kernel/ and integration/: $dups"
[[ -n ${CK_TIMEOUT_MULTIPLIER:-} ]] &&
	vm_opts+=(--env "CK_TIMEOUT_MULTIPLIER=$CK_TIMEOUT_MULTIPLIER")

passed=0
failed=0
if [[ -n $only ]]; then
	[[ -r $only ]] || vm_die "--only $only: no such file"
	mapfile -t patterns < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$only")
	selected=()
	for t in ${tests[@]+"${tests[@]}"}; do
		for p in ${patterns[@]+"${patterns[@]}"}; do
			# shellcheck disable=SC2053 # $p is a pattern on purpose
			if [[ ${t##*/} == $p ]]; then
				selected+=("$t")
				break
			fi
		done
	done
	for p in ${patterns[@]+"${patterns[@]}"}; do
		[[ $p != *[\*\?\[]* ]] || continue
		found=0
		for t in ${selected[@]+"${selected[@]}"}; do
			[[ ${t##*/} != "$p" ]] || found=1
		done
		if [[ $found -eq 0 ]]; then
			echo "FAIL: $p (listed in $only, not built in $build)"
			failed=$((failed + 1))
		fi
	done
	tests=(${selected[@]+"${selected[@]}"})
fi
if [[ ${#tests[@]} -eq 0 ]]; then
	echo "FAIL: no test programs found as $build/tests/{kernel,integration}/test-*"
	failed=$((failed + 1))
	res=
else
	res=$BINDOX_VM_OUT/tests-$(date +%Y%m%d-%H%M%S)-$$
	echo "run-tests: ${#tests[@]} test program(s): ${tests[*]##*/}"
	"$BINDOX_VM_DIR/run-vm.sh" ${vm_opts[@]+"${vm_opts[@]}"} \
		--timeout "$vm_timeout" --out "$res" -- \
		"$BINDOX_VM_DIR/guest-tests.sh" --timeout "$test_timeout" \
		--workdir "$build" "${tests[@]}" ||
		true
	echo "----- tally -----"
fi

summary_re='^[0-9]+%: Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+)'
for t in ${tests[@]+"${tests[@]}"}; do
	name=$(basename "$t")
	log=$res/tests/$name.log
	status=$(cat "$res/tests/$name.status" 2>/dev/null || echo none)
	n=0 f=0 found=0
	if [[ -f $log ]]; then
		while read -r line; do
			if [[ $line =~ $summary_re ]]; then
				found=1
				n=$((n + BASH_REMATCH[1]))
				f=$((f + BASH_REMATCH[2] + BASH_REMATCH[3]))
			fi
		done < <(tr -d '\r' <"$log")
	fi
	if [[ $found -eq 0 ]]; then
		echo "FAIL: $name (no Check summary; exit status $status)"
		failed=$((failed + 1))
		continue
	fi
	passed=$((passed + n - f))
	failed=$((failed + f))
	if [[ $f -gt 0 ]]; then
		echo "FAIL: $name ($f of $n checks failed; exit status $status)"
		# Check's failure lines (file:line:F|E:tcase:test:...: message), so
		# that the tally of a CI log names the cause; at most five.
		tr -d '\r' <"$log" | grep -E '^[^:]+:[0-9]+:[FE]:' | head -n 5 | sed 's/^/  /' || true
	elif [[ $status != 0 ]]; then
		# Failed after a clean summary (crash at exit, timeout): 1 failure.
		echo "FAIL: $name ($n checks passed, then exit status $status)"
		failed=$((failed + 1))
	else
		echo "PASS: $name ($n checks)"
	fi
done

if [[ -n $res ]]; then
	for c in dmesg-clean counters-zero rmmod; do
		if grep -qx "PASS $c" "$res/checks" 2>/dev/null; then
			passed=$((passed + 1))
			echo "PASS: $c"
		else
			failed=$((failed + 1))
			echo "FAIL: $c"
		fi
	done
	echo "run-tests: results in $res"
fi
echo "vm: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
