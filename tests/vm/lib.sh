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

# vm_kernels: print the installed kernels the VM can boot, newest first:
# generic amd64 flavour only (not -cloud-amd64, which lacks 9p, nor
# -rt-amd64), with /boot/vmlinuz-KVER and /lib/modules/KVER/modules.dep.
vm_kernels() {
	local k
	find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null |
		sort -rV | while read -r k; do
		[[ $k == *-amd64 && $k != *-cloud-amd64 && $k != *-rt-amd64 ]] ||
			continue
		[[ -e /boot/vmlinuz-$k && -f /lib/modules/$k/modules.dep ]] &&
			echo "$k"
	done
}

# vm_resolve_kver SPEC: print the installed kernel that SPEC names: a full
# version (6.12.118+deb12-amd64, any flavour, taken as it is if installed)
# or a short one (6.1, 6.12, 6.12.118: the newest amd64 kernel of that
# series; 6.1 does not match 6.12).
vm_resolve_kver() {
	local spec=$1 k
	[[ -n $spec ]] || vm_die "empty kernel version"
	if [[ -e /boot/vmlinuz-$spec && -d /lib/modules/$spec ]]; then
		echo "$spec"
		return
	fi
	for k in $(vm_kernels); do
		if [[ $k == "$spec".* || $k == "$spec"-* || $k == "$spec"+* ]]; then
			echo "$k"
			return
		fi
	done
	vm_die "no installed kernel matches '$spec' (installed: $(vm_kernels | paste -sd ' '))"
}

# vm_set_kernel SPEC: make SPEC the kernel of this script and of the
# scripts it runs (exports BINDOX_KVER as the full version). For --kernel.
vm_set_kernel() {
	BINDOX_KVER=$(vm_resolve_kver "$1") || exit 1
	export BINDOX_KVER
}

# vm_kver: print the kernel version the guest boots and modules build for.
# $BINDOX_KVER wins (a full or a short version, see vm_resolve_kver; the
# scripts' --kernel option sets it); else the kernel the linux-image-amd64
# metapackage depends on; else the newest amd64 kernel that has a build
# directory. (Not "ls | sort -V | tail -1" alone: on a cloud image that
# picks the -cloud-amd64 flavour, which lacks 9p.)
vm_kver() {
	local k
	if [[ -n ${BINDOX_KVER:-} ]]; then
		vm_resolve_kver "$BINDOX_KVER"
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
