#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Helpers shared by the tests/vm scripts (sourced, not executed).

# shellcheck disable=SC2034 # used by the scripts that source this file
# Repository root: two levels above this file.
BINDOX_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BINDOX_VM_DIR=$BINDOX_REPO/tests/vm
BINDOX_VM_OUT=$BINDOX_VM_DIR/out

vm_die() {
	echo "${0##*/}: error: $*" >&2
	exit 1
}

# The guest's architecture: amd64 (the host's, default) or arm64 (Debian's
# arm64 kernels in qemu-system-aarch64, see arm64-setup.sh). $BINDOX_ARCH
# chooses it; the scripts' --arch option sets it.
BINDOX_ARCH=${BINDOX_ARCH:-amd64}
# The arm64 environment that arm64-setup.sh makes: the guest's userland
# (rootfs/, also the cross-compilers' sysroot) and Debian's arm64 kernels,
# unpacked, each with its headers (kernels/KVER/).
BINDOX_ARM64_DIR=${BINDOX_ARM64_DIR:-$BINDOX_REPO/build/arm64}

# vm_set_arch ARCH: make ARCH the guest architecture of this script and of
# the scripts it runs. For --arch.
vm_set_arch() {
	case $1 in
	amd64 | x86_64) BINDOX_ARCH=amd64 ;;
	arm64 | aarch64) BINDOX_ARCH=arm64 ;;
	*) vm_die "unknown architecture '$1' (amd64 or arm64)" ;;
	esac
	export BINDOX_ARCH BINDOX_ARM64_DIR
}

# vm_kroot KVER: the directory that holds KVER's boot/ and lib/modules/
# (/ for the host's amd64 kernels; arm64 kernels are unpacked, never
# installed: an arm64 kernel in the host's /boot would land in its boot
# loader's menu).
vm_kroot() {
	if [[ $BINDOX_ARCH == arm64 ]]; then
		echo "$BINDOX_ARM64_DIR/kernels/$1"
	else
		echo /
	fi
}
# vm_kernel_image KVER, vm_moddir KVER, vm_headers KVER: KVER's kernel
# image, modules directory and Kbuild headers directory.
vm_kernel_image() { echo "$(vm_kroot "$1")/boot/vmlinuz-$1" | sed 's|^//|/|'; }
vm_moddir() { echo "$(vm_kroot "$1")/lib/modules/$1" | sed 's|^//|/|'; }
vm_headers() {
	if [[ $BINDOX_ARCH == arm64 ]]; then
		echo "$BINDOX_ARM64_DIR/kernels/$1/usr/src/linux-headers-$1"
	else
		echo "/lib/modules/$1/build"
	fi
}

# vm_kernels: print the kernels the VM can boot, newest first. amd64: the
# installed ones of the generic flavour only (not -cloud-amd64, which lacks
# 9p, nor -rt-amd64), with /boot/vmlinuz-KVER and
# /lib/modules/KVER/modules.dep. arm64: the generic -arm64 flavour that
# arm64-setup.sh unpacked (not -rt-arm64, -16k-arm64, ...).
vm_kernels() {
	local k dir=/lib/modules flavour=amd64
	if [[ $BINDOX_ARCH == arm64 ]]; then
		dir=$BINDOX_ARM64_DIR/kernels
		flavour=arm64
	fi
	find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null |
		sort -rV | while read -r k; do
		# 6.1.0-57-amd64, 6.12.118+deb12-amd64; not 6.1.0-57-cloud-amd64
		[[ $k =~ ^[0-9][^-]*(-[0-9]+)?-$flavour$ ]] || continue
		[[ -e $(vm_kernel_image "$k") && -f $(vm_moddir "$k")/modules.dep ]] &&
			echo "$k"
	done
}

# vm_resolve_kver SPEC: print the kernel that SPEC names: a full version
# (6.12.118+deb12-amd64, any flavour, taken as it is if installed) or a
# short one (6.1, 6.12, 6.12.118: the newest kernel of that series of the
# guest's architecture; 6.1 does not match 6.12).
vm_resolve_kver() {
	local spec=$1 k
	[[ -n $spec ]] || vm_die "empty kernel version"
	if [[ -e $(vm_kernel_image "$spec") && -d $(vm_moddir "$spec") ]]; then
		echo "$spec"
		return
	fi
	for k in $(vm_kernels); do
		if [[ $k == "$spec".* || $k == "$spec"-* || $k == "$spec"+* ]]; then
			echo "$k"
			return
		fi
	done
	if [[ $BINDOX_ARCH == arm64 ]]; then
		vm_die "no arm64 kernel matches '$spec' in $BINDOX_ARM64_DIR/kernels (there: $(vm_kernels | paste -sd ' '); tests/vm/arm64-setup.sh unpacks them)"
	fi
	vm_die "no installed kernel matches '$spec' (installed: $(vm_kernels | paste -sd ' '))"
}

# vm_set_kernel SPEC: make SPEC the kernel of this script and of the
# scripts it runs (exports BINDOX_KVER; vm_kver resolves it, so that
# --kernel and --arch may come in any order). For --kernel.
vm_set_kernel() {
	[[ -n $1 ]] || vm_die "empty kernel version"
	BINDOX_KVER=$1
	export BINDOX_KVER
}

# vm_kver: print the kernel version the guest boots and modules build for.
# $BINDOX_KVER wins (a full or a short version, see vm_resolve_kver; the
# scripts' --kernel option sets it); else, on amd64, the kernel the
# linux-image-amd64 metapackage depends on, or the newest amd64 kernel that
# has a build directory (not "ls | sort -V | tail -1" alone: on a cloud
# image that picks the -cloud-amd64 flavour, which lacks 9p); on arm64, the
# newest unpacked 6.1 (Debian 12's linux-image-arm64).
vm_kver() {
	local k
	if [[ -n ${BINDOX_KVER:-} ]]; then
		vm_resolve_kver "$BINDOX_KVER"
		return
	fi
	if [[ $BINDOX_ARCH == arm64 ]]; then
		vm_resolve_kver 6.1
		return
	fi
	k=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		grep -o 'linux-image-[^ ,]*' | head -n1 | sed 's/^linux-image-//' || true)
	if [[ -n $k && -e /boot/vmlinuz-$k && -d /lib/modules/$k ]]; then
		echo "$k"
		return
	fi
	for k in $(vm_kernels); do
		if [[ -d /lib/modules/$k/build ]]; then
			echo "$k"
			return
		fi
	done
	vm_die "no kernel found with /boot/vmlinuz-* and /lib/modules/*/build (install linux-image-amd64 linux-headers-amd64)"
}
