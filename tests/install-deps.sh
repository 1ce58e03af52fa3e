#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install-deps.sh: install the Debian 12 packages needed to build Bindox and
# run all its tests (unit tests, DKMS build, kernel tests in a QEMU guest
# on Linux 6.1 and 6.12, on amd64 and on emulated arm64).
# Idempotent: when everything is installed it only asks dpkg and exits.
# Needs root when something is missing.
#
# arm64: dpkg gets the arm64 architecture, so that apt knows Debian's arm64
# kernels; tests/vm/arm64-setup.sh downloads them (linux-image-arm64's 6.1
# and linux-image-6.12-arm64's, with their headers) and the cross compiler
# gcc-12-aarch64-linux-gnu, and unpacks them into the build directory
# instead of installing them: an arm64 kernel in /boot would join the
# host's boot menu, and the cross compiler conflicts with gcc-multilib.
set -euo pipefail

pkgs=(
	build-essential meson ninja-build pkg-config check musl-tools gcc-multilib
	libsystemd-dev libudev-dev libglib2.0-dev dbus systemd udev iproute2 python3
	# the container runtime tests/integration/test-nspawn runs in the VM
	systemd-container
	python3-matplotlib
	# xmllint: policy files against their DTD
	libxml2-utils
	# groff: the example of libbindox(3) as man prints it (the pages of
	# the functions are checked with linux-headers-amd64's kernel-doc)
	groff-base
	# module build, DKMS, and the test VM's kernels and initramfs: Debian
	# 12's 6.1 (linux-image-amd64) and 6.12 from bookworm-security; the
	# kernel tests run on both
	kmod dkms linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64 qemu-system-x86
	busybox-static cpio xz-utils
	# arm64 (tests/vm/arm64-setup.sh): the emulator, the cross binutils,
	# the arm64 userland made with mmdebstrap through qemu-user
	qemu-system-arm binutils-aarch64-linux-gnu qemu-user-static mmdebstrap
	# mmdebstrap recommends it to check that arm64 binaries run here
	arch-test
	# bench/bindox-latency.bt, bindox-polls.bt and wakeups.bt on the trace
	# events (tests/integration/test-trace-latency.sh, -polls.sh, -wakeups.sh)
	bpftrace
	# lint (tests/lint.sh): checkpatch.pl and kernel-doc from the kernel's
	# source, sparse through Kbuild
	linux-source-6.1 sparse
	# packaging: Debian packages (tests/packaging/check-deb.sh), RPM spec
	# and rpmlint (check-rpm.sh); the image that the guest of the
	# installed-system test (check-installed.sh) keeps its changes on
	debhelper dh-dkms dpkg-dev lintian rpm rpmlint e2fsprogs
)

update=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	if [[ $EUID -ne 0 ]]; then
		echo "install-deps: dpkg lacks the arm64 architecture; run as root" >&2
		exit 1
	fi
	echo "install-deps: adding the arm64 architecture to dpkg"
	dpkg --add-architecture arm64
	update=1
fi

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[[ $status == installed ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
	[[ $update -eq 0 ]] || apt-get update
	echo "install-deps: all ${#pkgs[@]} packages are installed"
	exit 0
fi
if [[ $EUID -ne 0 ]]; then
	echo "install-deps: missing packages: ${missing[*]}; run as root" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
