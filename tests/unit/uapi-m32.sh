#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Check that the UAPI structures have the same layout for 32-bit processes
# (-m32) as for 64-bit ones, so that a 64-bit kernel needs no compat code.
#
#   tests/unit/uapi-m32.sh SRCDIR OUTDIR [CC]
#
# Builds uapi-layout.c natively and runs it to record every size and field
# offset, then compiles it again with -m32 and -DLAYOUT_CHECK, which turns
# those numbers into _Static_asserts. The -m32 step only compiles (-c), so
# it needs no 32-bit C library. Exits 77 (skipped) if the compiler cannot
# target -m32 at all, 1 (failed) then with BINDOX_REQUIRE_ALL=1, as
# tests/run-all.sh sets (CI installs gcc-multilib).

set -eu

srcdir=$1
outdir=$2
cc=${3:-${CC:-cc}}

mkdir -p "$outdir/kernel-headers"
kh=$outdir/kernel-headers
multiarch=$("$cc" -print-multiarch 2>/dev/null || true)
[ -n "$multiarch" ] || multiarch=$(uname -m)-linux-gnu
asm_dir=/usr/include/$multiarch/asm
[ -d "$asm_dir" ] || asm_dir=/usr/include/asm
# The x86 asm headers serve both ABIs; point -m32 at them explicitly.
ln -sfn /usr/include/linux "$kh/linux"
ln -sfn /usr/include/asm-generic "$kh/asm-generic"
ln -sfn "$asm_dir" "$kh/asm"

probe=$outdir/probe.c
echo 'int probe_unused;' >"$probe"
if ! "$cc" -m32 -c "$probe" -o "$outdir/probe.o" 2>/dev/null; then
	if [ "${BINDOX_REQUIRE_ALL:-0}" = 1 ]; then
		echo "uapi-m32: $cc cannot compile for -m32; BINDOX_REQUIRE_ALL=1: failing"
		exit 1
	fi
	echo "uapi-m32: $cc cannot compile for -m32; skipping"
	exit 77
fi

incs="-I$srcdir/module/uapi -isystem $kh"
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra -Werror $incs -o "$outdir/uapi-layout" \
	"$srcdir/tests/unit/uapi-layout.c"
"$outdir/uapi-layout" >"$outdir/layout64.h"

# shellcheck disable=SC2086
"$cc" -m32 -std=c11 -ffreestanding -Wall -Wextra -Werror $incs \
	-DLAYOUT_CHECK -include "$outdir/layout64.h" \
	-c "$srcdir/tests/unit/uapi-layout.c" -o "$outdir/uapi-layout-m32.o"

n=$(grep -c '^#define' "$outdir/layout64.h")
echo "uapi-m32: $n sizes, offsets and ioctl numbers identical for -m64 and -m32"
