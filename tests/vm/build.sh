#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build.sh [userspace|module|all] [BUILD_DIR]: build what the tests need.
#   userspace: "meson setup BUILD_DIR" (or --reconfigure if it exists), ninja
#   module:    make -C /lib/modules/KVER/build M=<repo>/module modules
# KVER is the guest kernel (see vm_kver in lib.sh). BUILD_DIR defaults to
# <repo>/build. Exits non-zero on the first failure.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

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
	local kver
	kver=$(vm_kver)
	[[ -f module/Kbuild || -f module/Makefile ]] || vm_die "no module/Kbuild"
	make -C "/lib/modules/$kver/build" M="$BINDOX_REPO/module" modules
	[[ -f module/bindox.ko ]] || vm_die "module/bindox.ko was not built"
}

case $what in
userspace) build_userspace ;;
module) build_module ;;
all)
	build_userspace
	build_module
	;;
*) vm_die "usage: ${0##*/} [userspace|module|all] [BUILD_DIR]" ;;
esac
