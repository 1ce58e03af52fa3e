#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-all.sh: install the dependencies, build everything and run every test:
# unit tests (meson test), the static checks (tests/lint.sh), the DKMS
# build, the Debian packages and the RPM spec (tests/packaging/
# check-deb.sh, check-rpm.sh) and the kernel tests
# inside a QEMU guest (tests/vm/run-tests.sh), once for each kernel we test
# (Linux 6.1 and 6.12; BINDOX_KERNELS="6.1 6.12" overrides the list). Each
# kernel's module is built in a directory of its own, BUILD_DIR/module-KVER.
# Then the same on arm64, under emulation: tests/vm/arm64-setup.sh makes
# (or reuses) the arm64 userland, kernels and cross compiler in
# BUILD_DIR/arm64, build.sh --arch arm64 cross-builds userspace
# (BUILD_DIR/arm64/build) and each kernel's module (BUILD_DIR/arm64/
# module-KVER), and run-tests.sh --arch arm64 runs the tests on each
# kernel of BINDOX_ARM64_KERNELS (default "6.1 6.12"; empty: no arm64
# stages): all programs of tests/kernel on the kernels of
# BINDOX_ARM64_FULL (default "6.1", Debian 12's linux-image-arm64; the
# integration scripts, which test bindoxd, udev and containers rather than
# the driver, run on x86_64 only), the programs that
# tests/vm/arm64-ci.list names on the others.
# Run as root (it installs packages, uses dkms and QEMU). Prints the wall
# time of every stage, and ends with the line "N passed, M failed",
# summing the individual Check checks of the unit tests, 1 for the DKMS
# build, 1 each for the Debian packages and the RPM spec, the VM tally of
# each kernel and 1 for a short run of the demo (examples/camera-adas) on
# the first kernel, 1 for the installed system
# (tests/packaging/check-installed.sh: the packages in a guest that boots
# systemd, see the README's Installing section); exits non-zero if
# anything failed. A stage that cannot
# run (no meson.build, a build error, a kernel that is not installed, ...)
# counts as a failure.
# BINDOX_BUILD_DIR overrides the meson build directory (default: build).
set -uo pipefail

# Tests that would skip when a tool is missing (musl-gcc, -m32) fail
# instead: install-deps.sh installs every tool, so here a skip is a test
# that did not run.
export BINDOX_REQUIRE_ALL=1

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo" || exit 1
build=${BINDOX_BUILD_DIR:-$repo/build}
logs=$repo/tests/vm/out/run-all
mkdir -p "$logs"
read -r -a kernels <<<"${BINDOX_KERNELS:-6.1 6.12}"
read -r -a arm64_kernels <<<"${BINDOX_ARM64_KERNELS-6.1 6.12}"
read -r -a arm64_full <<<"${BINDOX_ARM64_FULL-6.1}"

"$repo/tests/install-deps.sh" || {
	echo "run-all: installing the dependencies failed"
	exit 1
}
# shellcheck source=tests/vm/lib.sh
. "$repo/tests/vm/lib.sh"

passed=0
failed=0
# stage NAME: end the stage that runs (print its wall time), start NAME.
# stage_end: end the last one.
stage_name=
stage_start=0
stage_times=()
stage_end() {
	local secs
	[[ -n $stage_name ]] || return 0
	secs=$(($(date +%s) - stage_start))
	printf -- '----- %s: %d s\n' "$stage_name" "$secs"
	stage_times+=("$(printf '%6d s  %s' "$secs" "$stage_name")")
	stage_name=
}
stage() {
	stage_end
	stage_name=$*
	stage_start=$(date +%s)
	printf '\n===== %s =====\n' "$*"
}
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}
all_start=$(date +%s)

stage "build userspace (meson, ninja)"
userspace_ok=0
"$repo/tests/vm/build.sh" userspace "$build" && userspace_ok=1
[[ $userspace_ok -eq 1 ]] || fail "userspace build"

# kver[K]: the installed kernel that K names; module_ok[K]: its module built.
declare -A kver=() module_ok=()
for k in "${kernels[@]}"; do
	stage "build the module for Linux $k (Kbuild)"
	module_ok[$k]=0
	if ! kver[$k]=$(vm_resolve_kver "$k"); then
		fail "Linux $k is not installed (tests/install-deps.sh)"
		continue
	fi
	"$repo/tests/vm/build.sh" --kernel "${kver[$k]}" \
		--module-dir "$build/module-${kver[$k]}" module && module_ok[$k]=1
	[[ ${module_ok[$k]} -eq 1 ]] || fail "module build for ${kver[$k]}"
done

stage "unit tests (meson test)"
if [[ $userspace_ok -eq 1 ]]; then
	rm -f "$build/meson-logs/testlog.json"
	# Kernel tests need the VM: they run below, never on the host.
	meson test -C "$build" --print-errorlogs --no-suite kernel
	# Count Check's individual checks where a test prints its summary
	# line, else the test itself; a failing test counts at least once.
	# Every tests/unit/test-NAME.c must have run as the test NAME, and
	# the portability tests too: a test dropped from meson, or turned
	# off by an option, is a test that did not run.
	if counts=$(python3 - "$build/meson-logs/testlog.json" "$repo/tests/unit" <<'PY'
import glob, json, os, re, sys
summary = re.compile(r'^\d+%: Checks: (\d+), Failures: (\d+), Errors: (\d+)', re.M)
ok_results = {'OK', 'EXPECTEDFAIL'}
passed = failed = skipped = tests = 0
expected = {'musl-build', 'uapi-m32'}
expected |= {os.path.basename(p)[len('test-'):-len('.c')]
             for p in glob.glob(os.path.join(sys.argv[2], 'test-*.c'))}
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    lines = []
for line in lines:
    if not line.strip():
        continue
    t = json.loads(line)
    expected.discard(t.get('name', '').rpartition(' / ')[2])
    tests += 1
    result = t.get('result', 'ERROR')
    if result == 'SKIP':
        skipped += 1
        continue
    out = (t.get('stdout') or '') + (t.get('stderr') or '')
    found = summary.findall(out)
    n = sum(int(c) for c, _, _ in found)
    f = sum(int(a) + int(b) for _, a, b in found)
    if found:
        passed += n - f
        failed += f + (1 if f == 0 and result not in ok_results else 0)
    elif result in ok_results:
        passed += 1
    else:
        failed += 1
print(passed, failed, skipped, tests, ','.join(sorted(expected)) or '-')
PY
	); then
		read -r up uf us ut missing <<<"$counts"
		echo "unit tests: $ut test(s), $up check(s) passed, $uf failed, $us test(s) skipped"
		passed=$((passed + up))
		failed=$((failed + uf))
		[[ $missing == - ]] || fail "unit test(s) expected but not run by meson: $missing"
		# A test skips when what it needs is missing (musl-gcc, -m32,
		# groff, kernel-doc): install-deps.sh installs all of it, so
		# here a skip is a test that did not run, and fails the run.
		[[ $us -eq 0 ]] || fail "$us unit test(s) skipped (see meson-logs/testlog.txt)"
		[[ $ut -gt 0 ]] || fail "no unit tests registered with meson"
	else
		fail "could not read $build/meson-logs/testlog.json"
	fi
else
	fail "unit tests not run (userspace build failed)"
fi

stage "lint (checkpatch, kernel-doc, sparse, W=1, ASan and UBSan)"
if "$repo/tests/lint.sh" "$build" 2>&1 | tee "$logs/lint.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

stage "DKMS build"
if "$repo/tests/vm/dkms-build.sh"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

# After the DKMS build: both use DKMS's bindox/<version>, and each leaves
# it as it found it.
stage "Debian packages (build, lintian, install, DKMS, purge)"
# The packages stay in BUILD_DIR/debs for the installed-system test.
debs_ok=0
rm -rf "$build/debs"
if BINDOX_DEB_DIR=$build/debs "$repo/tests/packaging/check-deb.sh" 2>&1 |
	tee "$logs/check-deb.log"; then
	passed=$((passed + 1))
	debs_ok=1
else
	failed=$((failed + 1))
fi

stage "RPM spec (rpmspec, source RPM, %files against meson install)"
if "$repo/tests/packaging/check-rpm.sh" 2>&1 | tee "$logs/check-rpm.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

# One VM at a time: they share the machine's two CPUs.
for k in "${kernels[@]}"; do
	stage "kernel tests in the VM, Linux $k"
	if [[ $userspace_ok -ne 1 || ${module_ok[$k]} -ne 1 ]]; then
		fail "VM tests on Linux $k not run (build failed)"
		continue
	fi
	log=$logs/vm-${kver[$k]}.log
	"$repo/tests/vm/run-tests.sh" --kernel "${kver[$k]}" \
		--module "$build/module-${kver[$k]}/bindox.ko" "$build" 2>&1 |
		tee "$log"
	tally=$(grep -E '^vm: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1)
	if [[ $tally =~ ^vm:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		echo "Linux ${kver[$k]}: $tally"
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		fail "VM tests on Linux $k printed no tally"
	fi
done

# The README's demo, short: 3 s of frames per transport on the first kernel.
demo_k=${kernels[0]:-}
if [[ -n $demo_k ]]; then
	stage "camera-adas demo in the VM, Linux $demo_k (3 s per transport)"
	if [[ $userspace_ok -ne 1 || ${module_ok[$demo_k]:-0} -ne 1 ]]; then
		fail "camera-adas demo not run (build failed)"
	elif "$repo/tests/vm/run-vm.sh" --kernel "${kver[$demo_k]}" \
		--module "$build/module-${kver[$demo_k]}/bindox.ko" --timeout 600 -- \
		"$build/examples/camera-adas/camera-adas-demo" --seconds 3 2>&1 |
		tee "$logs/camera-adas-demo.log"; then
		passed=$((passed + 1))
	else
		fail "camera-adas demo"
	fi
fi

# The installed system: the .debs of the stage above in a guest that boots
# systemd as PID 1, twice (README, "Installing").
stage "installed system in the VM (the .debs, systemd as PID 1, a reboot, an upgrade, purge)"
if [[ $debs_ok -ne 1 ]]; then
	fail "installed-system test not run (the Debian packages failed)"
elif "$repo/tests/packaging/check-installed.sh" "$build/debs" 2>&1 |
	tee "$logs/check-installed.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

# ---- arm64: cross builds, and the tests in an emulated arm64 guest ----
# vm_tally LOG NAME: add the "vm: N passed, M failed" line of LOG.
vm_tally() {
	local tally
	tally=$(grep -E '^vm: [0-9]+ passed, [0-9]+ failed$' "$1" | tail -n1)
	if [[ $tally =~ ^vm:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		echo "$2: $tally"
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		fail "$2 printed no tally"
	fi
}
if [[ ${#arm64_kernels[@]} -gt 0 ]]; then
	arm64_dir=$build/arm64
	arm64_ok=0
	stage "arm64: userland, kernels, cross compiler (arm64-setup.sh)"
	"$repo/tests/vm/arm64-setup.sh" --kernels "${arm64_kernels[*]}" \
		"$arm64_dir" && arm64_ok=1
	[[ $arm64_ok -eq 1 ]] || fail "arm64 setup"
	export BINDOX_ARM64_DIR=$arm64_dir

	stage "arm64: cross-build userspace (meson, ninja)"
	arm64_user_ok=0
	if [[ $arm64_ok -eq 1 ]]; then
		"$repo/tests/vm/build.sh" --arch arm64 userspace "$arm64_dir/build" &&
			arm64_user_ok=1
	fi
	[[ $arm64_user_ok -eq 1 ]] || fail "arm64 userspace build"

	declare -A arm64_kver=() arm64_module_ok=()
	for k in "${arm64_kernels[@]}"; do
		stage "arm64: build the module for Linux $k (Kbuild)"
		arm64_module_ok[$k]=0
		if [[ $arm64_ok -ne 1 ]] ||
			! arm64_kver[$k]=$(BINDOX_ARCH=arm64 vm_resolve_kver "$k"); then
			fail "arm64 Linux $k is not there (arm64-setup.sh)"
			continue
		fi
		"$repo/tests/vm/build.sh" --arch arm64 --kernel "${arm64_kver[$k]}" \
			--module-dir "$arm64_dir/module-${arm64_kver[$k]}" module &&
			arm64_module_ok[$k]=1
		[[ ${arm64_module_ok[$k]} -eq 1 ]] || fail "arm64 module build for $k"
	done

	for k in "${arm64_kernels[@]}"; do
		only=(--only "$repo/tests/vm/arm64-ci.list")
		what="the programs in tests/vm/arm64-ci.list"
		for f in ${arm64_full[@]+"${arm64_full[@]}"}; do
			if [[ $f == "$k" ]]; then
				# The driver's tests; the integration scripts test
				# bindoxd, udev and containers, which x86_64 covers.
				only=(--kernel-tests-only)
				what="all kernel test programs"
			fi
		done
		stage "arm64: kernel tests in the VM, Linux $k ($what)"
		if [[ $arm64_user_ok -ne 1 || ${arm64_module_ok[$k]} -ne 1 ]]; then
			fail "arm64 VM tests on Linux $k not run (build failed)"
			continue
		fi
		log=$logs/vm-${arm64_kver[$k]}.log
		"$repo/tests/vm/run-tests.sh" --arch arm64 --kernel "${arm64_kver[$k]}" \
			${only[@]+"${only[@]}"} --module "$arm64_dir/module-${arm64_kver[$k]}/bindox.ko" \
			"$arm64_dir/build" 2>&1 | tee "$log"
		vm_tally "$log" "arm64 Linux ${arm64_kver[$k]}"
	done
fi
stage_end

echo
echo "stage times:"
printf '%s\n' "${stage_times[@]}"
printf '%6d s  all\n' "$(($(date +%s) - all_start))"
echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
