#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dkms-build.sh [SRC_ROOT]: check that DKMS can build the module for every
# kernel we test (BINDOX_KERNELS, default "6.1 6.12": the newest installed
# amd64 kernel of each series, headers needed). Copies SRC_ROOT's
# dkms.conf and module/ (default: this repository; build artefacts left
# out) to /usr/src/<name>-<version>, checks that dkms.conf's
# BUILD_EXCLUSIVE_KERNEL takes these kernels and refuses ones outside
# 6.1-6.12, runs "dkms add" and "dkms build -k KVER" for each kernel,
# checks that each got a bindox.ko with its vermagic, then removes
# everything again ("dkms remove --all"). Prints "PASS: dkms-build" or
# "FAIL: dkms-build". Refuses to touch a <name>/<version> that it did not
# create itself.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

root=$(realpath "${1:-$BINDOX_REPO}")
conf=$root/dkms.conf
[[ -f $conf ]] || vm_die "$conf missing"
[[ -f $root/module/Kbuild || -f $root/module/Makefile ]] ||
	vm_die "$root/module/ has no Kbuild or Makefile"
command -v dkms >/dev/null || vm_die "dkms missing (apt-get install dkms)"
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$conf")
[[ -n $name && -n $ver ]] || vm_die "no PACKAGE_NAME/PACKAGE_VERSION in $conf"
kvers=()
for k in ${BINDOX_KERNELS:-6.1 6.12}; do
	kvers+=("$(vm_resolve_kver "$k")")
done
usrsrc=/usr/src/$name-$ver
marker=$usrsrc/.bindox-dkms-build-test
tree=/var/lib/dkms/$name/$ver

cleanup() {
	dkms remove "$name/$ver" --all >/dev/null 2>&1 || true
	rm -rf "$usrsrc"
	[[ -e $tree ]] || rmdir --ignore-fail-on-non-empty "/var/lib/dkms/$name" 2>/dev/null || true
}
if [[ -e $usrsrc || -e $tree ]]; then
	[[ -e $marker ]] || vm_die "$name/$ver is already on this machine ($usrsrc or $tree), not touching it"
	echo "dkms-build: removing the leftovers of an earlier run"
	cleanup
fi
trap cleanup EXIT

mkdir -p "$usrsrc"
touch "$marker"
tar -C "$root" --exclude='*.o' --exclude='*.ko' --exclude='*.ko.*' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
	--exclude='modules.order' --exclude='Module.symvers' --exclude='.tmp_*' \
	-cf - dkms.conf module | tar -C "$usrsrc" -xf -

ok=1
# The range dkms.conf claims, as every dkms reads it (a bash =~ match).
re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$conf")
for v in "${kvers[@]}" 6.1.0 6.2.16 6.12.0-55.el10.x86_64; do
	[[ $v =~ $re ]] && continue
	echo "dkms-build: BUILD_EXCLUSIVE_KERNEL '$re' does not take $v"
	ok=0
done
for v in 6.0.19 6.13.1 6.14.2-300.fc42.x86_64 6.120 7.0.0 5.15.0; do
	[[ $v =~ $re ]] || continue
	echo "dkms-build: BUILD_EXCLUSIVE_KERNEL '$re' takes $v"
	ok=0
done

dkms add "$name/$ver" || ok=0
built=()
for kver in "${kvers[@]}"; do
	[[ $ok -eq 1 ]] || break
	if ! dkms build "$name/$ver" -k "$kver"; then
		ok=0
		echo "----- $tree/build/make.log ($kver) -----"
		cat "$tree/build/make.log" 2>/dev/null || true
		echo "-----"
		break
	fi
	ko=$(find "$tree/$kver" -name "$name.ko*" -print -quit 2>/dev/null || true)
	if [[ -z $ko ]]; then
		echo "dkms-build: no $name.ko under $tree/$kver"
		ok=0
	elif [[ $(modinfo -F vermagic "$ko" | cut -d' ' -f1) != "$kver" ]]; then
		echo "dkms-build: $ko has the wrong vermagic"
		ok=0
	else
		built+=("$kver")
	fi
done
if [[ $ok -eq 1 ]]; then
	echo "PASS: dkms-build ($name/$ver for ${built[*]})"
else
	echo "FAIL: dkms-build ($name/$ver for ${kvers[*]}; built for: ${built[*]:-none})"
	exit 1
fi
