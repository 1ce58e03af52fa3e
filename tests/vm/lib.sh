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

# vm_kver: print the kernel version the guest boots and modules build for.
# $BINDOX_KVER wins; else the kernel the linux-image-amd64 metapackage
# depends on; else the newest /lib/modules entry that has a /boot/vmlinuz
# and a build directory. (Not "ls | sort -V | tail -1" alone: on a cloud
# image that picks the -cloud-amd64 flavour, which lacks 9p.)
vm_kver() {
	local k
	if [[ -n ${BINDOX_KVER:-} ]]; then
		echo "$BINDOX_KVER"
		return
	fi
	k=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		grep -o 'linux-image-[^ ,]*' | head -n1 | sed 's/^linux-image-//' || true)
	if [[ -n $k && -e /boot/vmlinuz-$k && -d /lib/modules/$k ]]; then
		echo "$k"
		return
	fi
	for k in $(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -rV); do
		if [[ -e /boot/vmlinuz-$k && -d /lib/modules/$k/build ]]; then
			echo "$k"
			return
		fi
	done
	vm_die "no kernel found with /boot/vmlinuz-* and /lib/modules/*/build (install linux-image-amd64 linux-headers-amd64)"
}
