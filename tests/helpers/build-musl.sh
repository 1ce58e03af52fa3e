#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build libbindox with musl-gcc (proof that lib/ needs nothing glibc-only),
# then link and run a small static smoke program against it.
#
#   tests/helpers/build-musl.sh [SRCDIR [OUTDIR]]
#
# SRCDIR defaults to the repository this script is in, OUTDIR to a fresh
# temporary directory. Results: OUTDIR/libbindox.so.1.2.0, OUTDIR/libbindox.a,
# OUTDIR/musl-smoke. Exits 77 (meson's "skipped") if musl-gcc is missing,
# 1 (failed) then with BINDOX_REQUIRE_ALL=1, as tests/run-all.sh sets: CI
# installs musl-tools, and a test that could not run must not pass there.
#
# musl-gcc sees only musl's headers; the kernel's UAPI headers come from a
# directory with symlinks to exactly linux/, asm/ and asm-generic/ of the
# host, so that no glibc header can leak into the build.

set -eu

srcdir=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
outdir=${2:-$(mktemp -d "${TMPDIR:-/tmp}/bindox-musl.XXXXXX")}
musl_cc=${MUSL_CC:-musl-gcc}

if ! command -v "$musl_cc" >/dev/null 2>&1; then
	if [ "${BINDOX_REQUIRE_ALL:-0}" = 1 ]; then
		echo "build-musl: $musl_cc not found (apt-get install musl-tools); BINDOX_REQUIRE_ALL=1: failing"
		exit 1
	fi
	echo "build-musl: $musl_cc not found (apt-get install musl-tools); skipping"
	exit 77
fi

multiarch=$(gcc -print-multiarch 2>/dev/null || true)
[ -n "$multiarch" ] || multiarch=$(uname -m)-linux-gnu
asm_dir=/usr/include/$multiarch/asm
[ -d "$asm_dir" ] || asm_dir=/usr/include/asm
for d in /usr/include/linux /usr/include/asm-generic "$asm_dir"; do
	if [ ! -d "$d" ]; then
		echo "build-musl: kernel headers missing ($d; apt-get install linux-libc-dev)"
		exit 1
	fi
done

mkdir -p "$outdir/obj" "$outdir/kernel-headers"
kh=$outdir/kernel-headers
ln -sfn /usr/include/linux "$kh/linux"
ln -sfn /usr/include/asm-generic "$kh/asm-generic"
ln -sfn "$asm_dir" "$kh/asm"

cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -O2 -fPIC -Wall -Wextra -Werror
	-Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
incs="-I$srcdir/lib/include -I$srcdir/module/uapi -isystem $kh"

objs=
for src in "$srcdir"/lib/src/*.c; do
	obj=$outdir/obj/$(basename "$src" .c).o
	# shellcheck disable=SC2086 # word splitting of the flag lists is wanted
	"$musl_cc" $cflags $incs -c "$src" -o "$obj"
	objs="$objs $obj"
done

# shellcheck disable=SC2086
"$musl_cc" -shared -Wl,-soname,libbindox.so.1 \
	-Wl,--version-script="$srcdir/lib/libbindox.sym" -Wl,--no-undefined \
	-o "$outdir/libbindox.so.1.2.0" $objs
rm -f "$outdir/libbindox.a"
# shellcheck disable=SC2086
ar rcs "$outdir/libbindox.a" $objs

# shellcheck disable=SC2086
"$musl_cc" $cflags $incs -static -o "$outdir/musl-smoke" \
	"$srcdir/tests/unit/musl-smoke.c" "$outdir/libbindox.a"

"$outdir/musl-smoke"
echo "build-musl: OK ($outdir)"
