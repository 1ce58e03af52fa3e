#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build.sh [options] [userspace|module|all] [BUILD_DIR]: build what the
# tests need.
#   userspace: "meson setup BUILD_DIR" (or --reconfigure if it exists), ninja
#   module:    make -C /lib/modules/KVER/build M=<repo>/module modules, or
#              with --module-dir DIR: copies module/ to DIR and builds there
#              (one directory per kernel, so that builds for several kernels
#              do not overwrite each other's objects)
# KVER is the guest kernel: --kernel VERSION (6.1, 6.12 or a full version),
# else as vm_kver in lib.sh picks it. BUILD_DIR defaults to <repo>/build.
# --arch arm64 cross-compiles for arm64 with what arm64-setup.sh unpacked in
# $BINDOX_ARM64_DIR (default <repo>/build/arm64): userspace with
# cross/arm64.ini against its userland (BUILD_DIR defaults to
# $BINDOX_ARM64_DIR/build; the benchmarks, the musl and the -m32 tests are
# left out), the module against Debian's arm64 headers, ARCH=arm64.
# Exits non-zero on the first failure.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	echo "usage: ${0##*/} [--arch amd64|arm64] [--kernel VERSION] [--module-dir DIR] [userspace|module|all] [BUILD_DIR]" >&2
	exit 2
}

module_dir=
while [[ $# -gt 0 ]]; do
	case $1 in
	--arch) vm_set_arch "$2"; shift 2 ;;
	--kernel) vm_set_kernel "$2"; shift 2 ;;
	--module-dir) module_dir=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
what=${1:-all}
if [[ $BINDOX_ARCH == arm64 ]]; then
	build=${2:-$BINDOX_ARM64_DIR/build}
	paths=$BINDOX_ARM64_DIR/paths.ini
	[[ -f $paths ]] || vm_die "$paths missing: run tests/vm/arm64-setup.sh first"
	setup_opts=(--cross-file "$paths" --cross-file "$BINDOX_REPO/cross/arm64.ini"
		-Dbench=disabled -Dmusl_test=disabled -Dm32_test=disabled)
	# The unpacked cross compiler, and Kbuild's target; the headers'
	# Makefile makes CC $(CROSS_COMPILE)gcc-12.
	kbuild_opts=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
		"CC=$BINDOX_ARM64_DIR/toolchain/usr/bin/aarch64-linux-gnu-gcc-12")
else
	build=${2:-$BINDOX_REPO/build}
	setup_opts=()
	kbuild_opts=()
fi
cd "$BINDOX_REPO"

build_userspace() {
	[[ -f meson.build ]] || vm_die "no meson.build in $BINDOX_REPO"
	if [[ -f $build/build.ninja ]]; then
		meson setup --reconfigure ${setup_opts[@]+"${setup_opts[@]}"} "$build"
	else
		meson setup ${setup_opts[@]+"${setup_opts[@]}"} "$build"
	fi
	ninja -C "$build"
}

build_module() {
	local kver headers dir=$BINDOX_REPO/module
	kver=$(vm_kver)
	headers=$(vm_headers "$kver")
	[[ -f module/Kbuild || -f module/Makefile ]] || vm_die "no module/Kbuild"
	[[ -d $headers ]] || vm_die "no headers for $kver ($headers)"
	if [[ -n $module_dir ]]; then
		# The sources only, with their times: unchanged files are not
		# rebuilt.
		mkdir -p "$module_dir"
		dir=$(realpath "$module_dir")
		tar -C module --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
			--exclude='*.mod.c' --exclude='.*.cmd' --exclude='modules.order' \
			--exclude='Module.symvers' --exclude='.tmp_*' -cf - . |
			tar -C "$dir" -xf -
	fi
	echo "build: bindox.ko for $kver in $dir"
	make -C "$headers" M="$dir" ${kbuild_opts[@]+"${kbuild_opts[@]}"} modules
	[[ -f $dir/bindox.ko ]] || vm_die "$dir/bindox.ko was not built"
}

case $what in
userspace) build_userspace ;;
module) build_module ;;
all)
	build_userspace
	build_module
	;;
*) usage ;;
esac
