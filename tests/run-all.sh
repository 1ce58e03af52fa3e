#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-all.sh: install the dependencies, build everything and run every test:
# unit tests (meson test), the DKMS build, the Debian packages and the RPM
# spec (tests/packaging/check-deb.sh, check-rpm.sh) and the kernel tests
# inside one QEMU guest (tests/vm/run-tests.sh). Run as root (it installs
# packages, uses dkms and QEMU). Ends with the line "N passed, M failed",
# summing the individual Check checks of the unit tests, 1 for the DKMS
# build, 1 each for the Debian packages and the RPM spec, and the VM tally;
# exits non-zero if anything failed. A stage that cannot run (no
# meson.build, a build error, ...) counts as a failure.
# BINDOX_BUILD_DIR overrides the meson build directory (default: build).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo" || exit 1
build=${BINDOX_BUILD_DIR:-$repo/build}
logs=$repo/tests/vm/out/run-all
mkdir -p "$logs"

"$repo/tests/install-deps.sh" || {
	echo "run-all: installing the dependencies failed"
	exit 1
}

passed=0
failed=0
stage() { printf '\n===== %s =====\n' "$*"; }
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

stage "build userspace (meson, ninja)"
userspace_ok=0
"$repo/tests/vm/build.sh" userspace "$build" && userspace_ok=1
[[ $userspace_ok -eq 1 ]] || fail "userspace build"

stage "build the module (Kbuild)"
module_ok=0
"$repo/tests/vm/build.sh" module && module_ok=1
[[ $module_ok -eq 1 ]] || fail "module build"

stage "unit tests (meson test)"
if [[ $userspace_ok -eq 1 ]]; then
	rm -f "$build/meson-logs/testlog.json"
	# Kernel tests need the VM: they run below, never on the host.
	meson test -C "$build" --print-errorlogs --no-suite kernel
	# Count Check's individual checks where a test prints its summary
	# line, else the test itself; a failing test counts at least once.
	if counts=$(python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, re, sys
summary = re.compile(r'^\d+%: Checks: (\d+), Failures: (\d+), Errors: (\d+)', re.M)
ok_results = {'OK', 'EXPECTEDFAIL'}
passed = failed = skipped = tests = 0
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    lines = []
for line in lines:
    if not line.strip():
        continue
    t = json.loads(line)
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
print(passed, failed, skipped, tests)
PY
	); then
		read -r up uf us ut <<<"$counts"
		echo "unit tests: $ut test(s), $up check(s) passed, $uf failed, $us test(s) skipped"
		passed=$((passed + up))
		failed=$((failed + uf))
		[[ $ut -gt 0 ]] || fail "no unit tests registered with meson"
	else
		fail "could not read $build/meson-logs/testlog.json"
	fi
else
	fail "unit tests not run (userspace build failed)"
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
if "$repo/tests/packaging/check-deb.sh" 2>&1 | tee "$logs/check-deb.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

stage "RPM spec (rpmspec, source RPM, %files against meson install)"
if "$repo/tests/packaging/check-rpm.sh" 2>&1 | tee "$logs/check-rpm.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

stage "kernel tests in the VM"
if [[ $userspace_ok -eq 1 && $module_ok -eq 1 ]]; then
	"$repo/tests/vm/run-tests.sh" "$build" 2>&1 | tee "$logs/vm.log"
	tally=$(grep -E '^vm: [0-9]+ passed, [0-9]+ failed$' "$logs/vm.log" | tail -n1)
	if [[ $tally =~ ^vm:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		fail "VM tests printed no tally"
	fi
else
	fail "VM tests not run (build failed)"
fi

echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
