#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# lint.sh [BUILD_DIR]: the static checks CI runs, each a failure on any
# finding:
#   checkpatch   scripts/checkpatch.pl --strict --no-tree on module/
#   kernel-doc   scripts/kernel-doc -none on module/ (headers and sources)
#   sparse       the module built through Kbuild with C=2 (every file)
#   W=1          the same build with the kernel's extra warnings
#   sanitizers   the unit tests built with -Db_sanitize=address,undefined
#                in BUILD_DIR-sanitize (default build-sanitize)
# checkpatch.pl and kernel-doc come from Debian's linux-source-6.1 package
# (its tarball, unpacked once into BUILD_DIR/lint/scripts); sparse from the
# sparse package (tests/install-deps.sh installs both). The module is
# checked against the 6.1 and the 6.12 headers. Prints "lint: N passed,
# M failed" and exits non-zero on any failure.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}
lint=$build/lint
source_tar=/usr/src/linux-source-6.1.tar.xz
# shellcheck source=tests/vm/lib.sh
. "$repo/tests/vm/lib.sh"

passed=0
failed=0
result() {
	if [[ $1 -eq 0 ]]; then
		echo "PASS: $2"
		passed=$((passed + 1))
	else
		echo "FAIL: $2"
		failed=$((failed + 1))
	fi
}

# The kernel's own scripts, from the source tarball (16 s to unpack).
mkdir -p "$lint/scripts"
if [[ ! -x $lint/scripts/checkpatch.pl || $source_tar -nt $lint/scripts/checkpatch.pl ]]; then
	tar -xJf "$source_tar" -C "$lint" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/kernel-doc ||
		echo "lint: cannot unpack the kernel's scripts from $source_tar"
	touch "$lint/scripts/checkpatch.pl" 2>/dev/null
fi

mapfile -t sources < <(cd "$repo" && git ls-files -- 'module/*.c' 'module/*.h')
if [[ ${#sources[@]} -eq 0 ]]; then
	# Not a git checkout (a release tarball): every source in module/.
	mapfile -t sources < <(cd "$repo" && find module -name '*.[ch]' ! -name '*.mod.c')
fi

# Three exceptions, each for the files where the rule cannot hold: compat.h
# is where the kernel versions are told apart (its version comparisons are
# the point of the file, and constant by design); the UAPI header is
# also compiled in user space, which has no BIT() (the kernel's own UAPI
# headers write 1 << n as well); and the trace events' header is laid out
# as the kernel's own are, one TRACE_EVENT() part a line, which checkpatch
# reads as calls with open lines and misaligned arguments.
cp_common=(--strict --no-tree --terse --show-types --color=never -f)
out=$(cd "$repo" && {
	for f in "${sources[@]}"; do
		case $f in
		module/compat.h) ignore=(--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON) ;;
		module/uapi/*) ignore=(--ignore BIT_MACRO) ;;
		module/bindox_trace.h) ignore=(--ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT) ;;
		*) ignore=() ;;
		esac
		"$lint/scripts/checkpatch.pl" "${cp_common[@]}" ${ignore[@]+"${ignore[@]}"} "$f"
	done
} 2>&1 | grep -v '^total: 0 errors, 0 warnings, 0 checks')
[[ -z $out ]] || echo "$out"
[[ -x $lint/scripts/checkpatch.pl && -z $out ]]
result $? "checkpatch --strict on module/ (${#sources[@]} files)"

out=$(cd "$repo" && "$lint/scripts/kernel-doc" -none "${sources[@]}" 2>&1)
[[ -z $out ]] || echo "$out"
[[ -x $lint/scripts/kernel-doc && -z $out ]]
result $? "kernel-doc -none on module/"

# sparse and W=1 in one Kbuild run per kernel, on a copy of module/.
for k in 6.1 6.12; do
	if ! kver=$(vm_resolve_kver "$k"); then
		result 1 "sparse and W=1 for Linux $k (its headers are not installed)"
		continue
	fi
	dir=$lint/module-$kver
	rm -rf "$dir"
	mkdir -p "$dir"
	# A copy, without the objects of an earlier build in module/.
	cp -r "$repo/module/." "$dir/"
	make -s -C "/lib/modules/$kver/build" M="$dir" clean >/dev/null 2>&1
	# Kbuild prints what it does on stdout and every finding on stderr.
	make -s -C "/lib/modules/$kver/build" M="$dir" C=2 CHECK=sparse W=1 modules \
		>/dev/null 2>"$lint/kbuild-$kver.log"
	status=$?
	out=$(grep -v 'Skipping BTF generation' "$lint/kbuild-$kver.log")
	[[ -z $out ]] || echo "$out"
	[[ $status -eq 0 && -z $out && -f $dir/bindox.ko ]]
	result $? "sparse (C=2) and W=1, Linux $kver"
done

# The unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize=$build-sanitize
if [[ -d $sanitize/meson-private ]]; then
	setup=(meson setup --reconfigure)
else
	setup=(meson setup)
fi
if "${setup[@]}" -Db_sanitize=address,undefined -Db_lundef=false \
	"$sanitize" "$repo" >"$lint/sanitize-setup.log" 2>&1 &&
	ninja -C "$sanitize" >"$lint/sanitize-build.log" 2>&1; then
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		ASAN_OPTIONS=detect_leaks=1 \
		meson test -C "$sanitize" --no-suite kernel --print-errorlogs \
		>"$lint/sanitize-test.log" 2>&1
	status=$?
	grep -E '^(Ok|Fail|Expected Fail|Unexpected Pass|Skipped|Timeout):' \
		"$lint/sanitize-test.log"
	[[ $status -eq 0 ]] || tail -n 40 "$lint/sanitize-test.log"
	result "$status" "unit tests under ASan and UBSan"
else
	tail -n 40 "$lint/sanitize-setup.log" "$lint/sanitize-build.log" 2>/dev/null
	result 1 "unit tests under ASan and UBSan (build failed)"
fi

echo "lint: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
