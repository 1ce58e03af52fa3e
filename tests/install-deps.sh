#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install-deps.sh: install the Debian 12 packages needed to build Bindox and
# run all its tests (unit tests, DKMS build, kernel tests in a QEMU guest
# on Linux 6.1 and 6.12).
# Idempotent: when everything is installed it only asks dpkg and exits.
# Needs root when something is missing.
set -euo pipefail

pkgs=(
	build-essential meson ninja-build pkg-config check musl-tools gcc-multilib
	libsystemd-dev libudev-dev libglib2.0-dev dbus systemd udev iproute2 python3
	python3-matplotlib
	# xmllint: policy files against their DTD
	libxml2-utils
	# module build, DKMS, and the test VM's kernels and initramfs: Debian
	# 12's 6.1 (linux-image-amd64) and 6.12 from bookworm-security; the
	# kernel tests run on both
	kmod dkms linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64 qemu-system-x86
	busybox-static cpio xz-utils
	# packaging: Debian packages (tests/packaging/check-deb.sh), RPM spec
	debhelper dh-dkms dpkg-dev lintian rpm
)

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[[ $status == installed ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
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
