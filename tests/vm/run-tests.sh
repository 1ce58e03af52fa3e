#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-tests.sh [options] BUILD_DIR: the in-VM test entry point. Boots ONE
# VM, runs the programs meson lists in BUILD_DIR/tests/kernel/vm-tests.list
# (Check programs) and BUILD_DIR/tests/integration/vm-tests.list (scripts
# that print Check's summary line) in it, each with its own timeout and
# cwd = BUILD_DIR (as meson test does), then the post-checks of run-vm.sh.
# A listed program that was not built fails; a test-* left in the build
# folder that meson no longer lists is not run. A full run (no --only) also
# fails for a test source (tests/kernel/test-*.c, tests/integration/test-*.sh)
# that no list names: a test dropped from meson. A program meson marks as
# not built in this configuration ("!NAME": test-compat32 without an -m32
# linker) is skipped, or fails with BINDOX_REQUIRE_ALL=1 (run-all.sh) on
# amd64.
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

passed=0
failed=0
tests=()
listed=()
for area in kernel integration; do
	[[ $kernel_only -eq 1 && $area == integration ]] && continue
	list=$build/tests/$area/vm-tests.list
	if [[ ! -r $list ]]; then
		echo "FAIL: $list missing (configure $build with meson)"
		failed=$((failed + 1))
		continue
	fi
	while read -r name; do
		[[ -n $name ]] || continue
		if [[ $name == '!'* ]]; then
			# Not built in this configuration (test-compat32 without
			# an -m32 linker): CI on amd64 installs one.
			name=${name#!}
			listed+=("$name")
			if [[ ${BINDOX_REQUIRE_ALL:-0} == 1 && $BINDOX_ARCH == amd64 ]]; then
				echo "FAIL: $name (not built in $build; BINDOX_REQUIRE_ALL=1)"
				failed=$((failed + 1))
			else
				echo "SKIP: $name (not built in this configuration of $build)"
			fi
			continue
		fi
		listed+=("$name")
		if [[ -x $build/tests/$area/$name ]]; then
			tests+=("$build/tests/$area/$name")
		else
			echo "FAIL: $name (listed in $list, not built)"
			failed=$((failed + 1))
		fi
	done <"$list"
	# Every test source must be in the list: one dropped from meson
	# would not run, and nothing else would notice.
	[[ -z $only ]] || continue
	for src in "$BINDOX_REPO"/tests/"$area"/test-*.c "$BINDOX_REPO"/tests/"$area"/test-*.sh; do
		[[ -e $src ]] || continue
		name=${src##*/}
		name=${name%.*}
		if ! printf '%s\n' "${listed[@]}" | grep -qxF "$name"; then
			echo "FAIL: $name (a test source that meson does not build for the VM)"
			failed=$((failed + 1))
		fi
	done
done
# In name order, as the programs expect (test-zrace runs last on purpose).
if [[ ${#tests[@]} -gt 0 ]]; then
	mapfile -t tests < <(printf '%s\n' "${tests[@]}" | sort)
fi
# Results are kept by program name: two programs of one name would
# overwrite each other's log, and one result would count twice.
dups=$(printf '%s\n' ${tests[@]+"${tests[@]##*/}"} | sort | uniq -d)
[[ -z $dups ]] || vm_die "test programs with the same name in kernel/ and integration/: $dups"
[[ -n ${CK_TIMEOUT_MULTIPLIER:-} ]] &&
	vm_opts+=(--env "CK_TIMEOUT_MULTIPLIER=$CK_TIMEOUT_MULTIPLIER")

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
	echo "FAIL: no test programs to run (see $build/tests/*/vm-tests.list)"
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
