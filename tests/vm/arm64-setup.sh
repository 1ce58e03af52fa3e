#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# arm64-setup.sh [--kernels "6.1 6.12"] [DIR]: make the arm64 test
# environment in DIR (default: $BINDOX_ARM64_DIR, else <repo>/build/arm64),
# from Debian 12's packages only, offline from everything but Debian's
# archive. What is already there and up to date is kept, so a second run
# costs seconds.
#
#   DIR/rootfs/          an arm64 Debian 12 userland made by mmdebstrap: the
#                        guest's root (shared over 9p by run-vm.sh --arch
#                        arm64) and the cross compiler's sysroot (the -dev
#                        packages the library, bindoxd and the tests build
#                        against: no arm64 -dev package on the host, where
#                        they would have to match the amd64 ones version for
#                        version and would drag in arm64 gcc-12, which
#                        conflicts with the host's)
#   DIR/kernels/KVER/    Debian's arm64 kernel KVER, unpacked with dpkg -x,
#                        never installed (an arm64 vmlinuz in the host's
#                        /boot would land in its boot loader's menu):
#                        boot/vmlinuz-KVER, lib/modules/KVER (with
#                        modules.dep from the host's depmod) and the Kbuild
#                        headers usr/src/linux-headers-KVER
#   DIR/toolchain/       Debian's cross compiler (gcc-12-aarch64-linux-gnu),
#                        unpacked, never installed: it conflicts with
#                        gcc-multilib, which the amd64 tests need for -m32
#                        (apt would remove one for the other). It uses the
#                        host's cross binutils (binutils-aarch64-linux-gnu,
#                        which conflicts with nothing). The compiler finds
#                        its own parts relative to itself.
#   DIR/paths.ini        meson machine file naming the sysroot and the
#                        compiler, for cross/arm64.ini (see build.sh --arch
#                        arm64); the same compiler builds the module
#
# Kbuild's helper programs (fixdep, modpost, ...): Debian's arm64 headers
# point at linux-kbuild-VERSION:arm64, which holds them as arm64 binaries.
# They would run through qemu-user, once per object file. Debian builds the
# same programs from the same source for amd64 as linux-kbuild-VERSION:
# amd64; they do not depend on the target architecture (modpost reads
# arm64 objects like any cross-built kernel's). So this unpacks the amd64
# package of exactly the headers' version in their place.
#
# mmdebstrap runs the arm64 packages' maintainer scripts in a chroot through
# qemu-user-static: this registers the qemu-aarch64 binfmt_misc handler
# (with the F flag, so that it works inside the chroot) if no one did. The
# host needs the arm64 architecture in dpkg (tests/install-deps.sh adds it)
# for "apt-get download" of the kernels.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	echo "usage: ${0##*/} [--kernels \"6.1 6.12\"] [DIR]" >&2
	exit 2
}

args=("$@")
kernels="6.1 6.12"
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernels) kernels=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $# -le 1 ]] || usage
dir=${1:-$BINDOX_ARM64_DIR}
mkdir -p "$dir"
dir=$(realpath "$dir")

# The arm64 userland: what the guest scripts and tests run (guest.sh,
# guest-tests.sh, tests/integration) and what the test programs link
# against, with the -dev packages of the cross build.
rootfs_pkgs=(
	# guest.sh: insmod/rmmod, mount, ip, poweroff; the initramfs's busybox
	kmod mount iproute2 procps busybox-static
	# tests/integration: dbus-daemon, busctl, udevadm, systemd-sysusers,
	# systemd-nspawn (test-nspawn)
	dbus systemd udev python3 systemd-container
	# the cross build's sysroot
	libc6-dev check libsubunit-dev libsystemd-dev libudev-dev libglib2.0-dev
)
suite=bookworm
mirrors=(
	"deb http://deb.debian.org/debian $suite main"
	"deb http://deb.debian.org/debian $suite-updates main"
	"deb http://deb.debian.org/debian-security $suite-security main"
)

command -v mmdebstrap >/dev/null || vm_die "mmdebstrap missing (tests/install-deps.sh)"
command -v aarch64-linux-gnu-as >/dev/null ||
	vm_die "binutils-aarch64-linux-gnu missing (tests/install-deps.sh)"
[[ -x /usr/libexec/qemu-binfmt/aarch64-binfmt-P ]] ||
	vm_die "qemu-user-static missing (tests/install-deps.sh)"
dpkg --print-foreign-architectures | grep -qx arm64 ||
	vm_die "dpkg lacks the arm64 architecture (tests/install-deps.sh adds it)"

# binfmt: register qemu-aarch64 as systemd-binfmt would (the packages'
# triggers do not where systemd is not running, as in a container).
binfmt=/proc/sys/fs/binfmt_misc
if [[ ! -e $binfmt/qemu-aarch64 ]]; then
	[[ -e $binfmt/register ]] ||
		mount -t binfmt_misc binfmt_misc "$binfmt" ||
		vm_die "cannot mount binfmt_misc on $binfmt"
	[[ -e $binfmt/qemu-aarch64 ]] ||
		grep '^:qemu-aarch64:' /usr/lib/binfmt.d/qemu-aarch64.conf >"$binfmt/register" ||
		vm_die "cannot register the qemu-aarch64 binfmt handler"
	echo "arm64-setup: registered the qemu-aarch64 binfmt_misc handler"
fi
grep -qx enabled "$binfmt/qemu-aarch64" ||
	vm_die "the qemu-aarch64 binfmt_misc handler is disabled"

# dep PKG PREFIX: the first dependency of PKG whose name starts with PREFIX
# (without an architecture; "<...>" marks one that apt-cache resolves
# through Provides, as for the -common package, which is Architecture: all).
dep() {
	apt-cache depends "$1" 2>/dev/null |
		awk -v p="$2" '$1 == "Depends:" { n = $2; gsub(/[<>]/, "", n); sub(/:.*/, "", n)
			if (index(n, p) == 1) { print n; exit } }'
}
# version PKG: its candidate version.
version() {
	apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }'
}

# fetch DIR PKG=VERSION...: download the packages into DIR. When that
# fails, the apt lists may be older than the archive, which dropped the
# versions they name (a kernel update changes the ABI in the package
# names too): "apt-get update" and start again, once.
fetch() {
	local d=$1
	shift
	(cd "$d" && apt-get download -q -o APT::Sandbox::User=root "$@") && return
	[[ -z ${BINDOX_ARM64_SETUP_AGAIN:-} ]] || return 1
	echo "arm64-setup: download failed; apt-get update and start again"
	apt-get update -q || return 1
	export BINDOX_ARM64_SETUP_AGAIN=1
	exec "${BASH_SOURCE[0]}" "${args[@]}"
}

# kernel_kver SPEC: the full version of the arm64 kernel SPEC names: a
# full version as it is, or a series (6.1: what linux-image-arm64 depends
# on; 6.12: linux-image-6.12-arm64's, from bookworm-security).
kernel_kver() {
	local spec=$1 meta img
	if [[ $spec == *-arm64 && -n $(version "linux-image-$spec:arm64") ]]; then
		echo "$spec"
		return
	fi
	for meta in "linux-image-$spec-arm64" linux-image-arm64; do
		img=$(dep "$meta:arm64" linux-image-) || true
		img=${img#linux-image-}
		if [[ -n $img && ($img == "$spec".* || $img == "$spec"-* || $img == "$spec"+*) ]]; then
			echo "$img"
			return
		fi
	done
	vm_die "no arm64 kernel of series '$spec' in the apt lists (apt-get update after dpkg --add-architecture arm64?)"
}

# get_kernel KVER: unpack linux-image-KVER, linux-headers-KVER and its
# -common, and the amd64 linux-kbuild of the same version into
# kernels/KVER (unless there already, of that version).
get_kernel() {
	local kver=$1 ver common kbuild kdir=$dir/kernels/$1 debs d
	ver=$(version "linux-headers-$kver:arm64")
	[[ -n $ver ]] || vm_die "linux-headers-$kver:arm64 is not in the apt lists"
	if [[ -f $kdir/.bindox-stamp && $(cat "$kdir/.bindox-stamp") == "$ver" ]]; then
		echo "arm64-setup: kernel $kver ($ver) is there"
		return
	fi
	common=$(dep "linux-headers-$kver:arm64" linux-headers-)
	kbuild=$(dep "linux-headers-$kver:arm64" linux-kbuild-)
	[[ -n $common && -n $kbuild ]] ||
		vm_die "cannot tell linux-headers-$kver's -common and linux-kbuild packages"
	debs=$dir/debs/$kver
	rm -rf "$debs" "$kdir" "$kdir.tmp"
	mkdir -p "$debs" "$kdir.tmp"
	echo "arm64-setup: downloading linux-image-$kver, linux-headers-$kver, $common, $kbuild:amd64 ($ver)"
	fetch "$debs" "linux-image-$kver:arm64=$ver" "linux-headers-$kver:arm64=$ver" \
		"$common=$ver" "$kbuild:amd64=$ver" ||
		vm_die "downloading the kernel packages of $kver failed"
	for d in "$debs"/*.deb; do
		dpkg -x "$d" "$kdir.tmp"
	done
	# The headers' Makefile includes the -common tree by its absolute
	# path under /usr/src: make it this copy's.
	sed -i "s|^include /usr/src/|include $kdir/usr/src/|" \
		"$kdir.tmp/usr/src/linux-headers-$kver/Makefile"
	# modules.dep, as the package's postinst would make it (the
	# initramfs takes the 9p modules' load order from it).
	depmod -b "$kdir.tmp" -F "$kdir.tmp/boot/System.map-$kver" "$kver" ||
		vm_die "depmod for $kver failed"
	mv "$kdir.tmp" "$kdir"
	rm -rf "$debs"
	echo "$ver" >"$kdir/.bindox-stamp"
	echo "arm64-setup: unpacked kernel $kver ($ver) in $kdir"
}

# get_toolchain: unpack Debian's gcc-12 for aarch64 into toolchain/.
toolchain_pkgs=(gcc-12-aarch64-linux-gnu cpp-12-aarch64-linux-gnu libgcc-12-dev-arm64-cross)
get_toolchain() {
	local tc=$dir/toolchain debs=$dir/debs/toolchain stamp p v d
	stamp=
	for p in "${toolchain_pkgs[@]}"; do
		v=$(version "$p")
		[[ -n $v ]] || vm_die "$p is not in the apt lists"
		stamp+="$p=$v "
	done
	if [[ -f $tc/.bindox-stamp && $(cat "$tc/.bindox-stamp") == "$stamp" ]]; then
		echo "arm64-setup: cross compiler is there"
		return
	fi
	rm -rf "$tc" "$tc.tmp" "$debs"
	mkdir -p "$tc.tmp" "$debs"
	# shellcheck disable=SC2086 # $stamp: the PKG=VERSION words
	fetch "$debs" $stamp || vm_die "downloading the cross compiler failed"
	for d in "$debs"/*.deb; do
		dpkg -x "$d" "$tc.tmp"
	done
	# gcc runs as and ld from its tool directory: the host's cross
	# binutils.
	mkdir -p "$tc.tmp/usr/aarch64-linux-gnu"
	rm -rf "$tc.tmp/usr/aarch64-linux-gnu/bin"
	ln -s /usr/aarch64-linux-gnu/bin "$tc.tmp/usr/aarch64-linux-gnu/bin"
	mv "$tc.tmp" "$tc"
	rm -rf "$debs"
	echo "$stamp" >"$tc/.bindox-stamp"
	echo "arm64-setup: unpacked the cross compiler in $tc"
}

get_rootfs() {
	local root=$dir/rootfs stamp
	stamp="$suite ${rootfs_pkgs[*]}"
	if [[ -f $root/.bindox-stamp && $(cat "$root/.bindox-stamp") == "$stamp" ]]; then
		echo "arm64-setup: userland is there ($root)"
		return
	fi
	rm -rf "$root" "$root.tmp"
	echo "arm64-setup: making the arm64 userland with mmdebstrap (several minutes)"
	local IFS=,
	# Without documentation and translations: a third smaller, faster.
	mmdebstrap --quiet --variant=essential --architectures=arm64 \
		--include="${rootfs_pkgs[*]}" \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-include=/usr/share/locale/locale.alias' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-include=/usr/share/doc/*/copyright' \
		"$suite" "$root.tmp" "${mirrors[@]}" ||
		vm_die "mmdebstrap failed"
	unset IFS
	mv "$root.tmp" "$root"
	echo "$stamp" >"$root/.bindox-stamp"
	echo "arm64-setup: made the arm64 userland in $root ($(du -sh "$root" | cut -f1))"
}

for k in $kernels; do
	get_kernel "$(kernel_kver "$k")"
done
get_toolchain
get_rootfs
rmdir "$dir/debs" 2>/dev/null || true
cat >"$dir/paths.ini" <<EOF
# Made by tests/vm/arm64-setup.sh, for cross/arm64.ini.
[constants]
sysroot = '$dir/rootfs'
cross_gcc = '$dir/toolchain/usr/bin/aarch64-linux-gnu-gcc-12'
EOF
echo "arm64-setup: ready in $dir"
