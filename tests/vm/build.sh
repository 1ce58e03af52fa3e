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
# Exits non-zero on the first failure.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	echo "usage: ${0##*/} [--kernel VERSION] [--module-dir DIR] [userspace|module|all] [BUILD_DIR]" >&2
	exit 2
}

module_dir=
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) vm_set_kernel "$2"; shift 2 ;;
	--module-dir) module_dir=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
what=${1:-all}
build=${2:-$BINDOX_REPO/build}
cd "$BINDOX_REPO"

build_userspace() {
	[[ -f meson.build ]] || vm_die "no meson.build in $BINDOX_REPO"
	if [[ -f $build/build.ninja ]]; then
		meson setup --reconfigure "$build"
	else
		meson setup "$build"
	fi
	ninja -C "$build"
}

build_module() {
	local kver dir=$BINDOX_REPO/module
	kver=$(vm_kver)
	[[ -f module/Kbuild || -f module/Makefile ]] || vm_die "no module/Kbuild"
	[[ -d /lib/modules/$kver/build ]] ||
		vm_die "no headers for $kver (/lib/modules/$kver/build)"
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
	make -C "/lib/modules/$kver/build" M="$dir" modules
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
