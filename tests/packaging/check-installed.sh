#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-installed.sh DEBDIR: the installed-system test. Installs the four
# Debian packages in DEBDIR (check-deb.sh leaves them there with
# BINDOX_DEB_DIR=DEBDIR) into a test VM that boots systemd as PID 1, the
# way a distribution runs Bindox, and reboots it once:
#   boot 1  apt-get install; the postinst has DKMS install the driver for
#           the guest's kernel and loads it, udev and systemd start bindoxd;
#           then
#           tests/packaging/installed-guest.sh checks the device, the
#           service, its sandbox and exposure, D-Bus and its activation,
#           an example server and client built with pkg-config bindox, a
#           domain file, a restart (see installed-guest.sh);
#   boot 2  the same system again: modules-load.d loaded the driver, udev
#           and systemd started bindoxd, the domain is back; then an
#           upgrade to the next version (the same tree, HEAD, given it by
#           set-version.sh and built here): DKMS builds the new driver
#           and forgets the old, the new driver and bindoxd run; then
#           apt-get purge, and nothing is left.
# The guest's root is the host's (read-only, tests/vm/run-vm.sh), with
# its changes on an ext4 image that both boots share (run-vm.sh --disk).
# Compiling the driver in the emulated guest takes DKMS over ten minutes,
# so DKMS compiles each version here, natively, from the package's sources for the
# guest's kernel (in a DKMS tree of its own, not the host's), and packs it
# with "dkms mktarball"; the guest puts that archive where the package's
# postinst looks for prebuilt DKMS binaries (/usr/share/bindox-dkms/, the
# dh_dkms mechanism), and the postinst loads and installs it with DKMS.
# BINDOX_INSTALLED_KERNEL is the guest's kernel (default 6.1, Debian 12's
# linux-image-amd64: its modules are not compressed, which keeps depmod
# under emulation to a minute; 6.12's xz take minutes). Run
# as root. Prints PASS/FAIL lines (the guest's among them) and ends with
# "PASS: check-installed" or "FAIL: check-installed"; the work directory
# (a new one under ${TMPDIR:-/tmp}: the image and each boot's results) is
# removed on success and kept on failure.
set -uo pipefail
# shellcheck source=tests/packaging/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

repo=$pkg_repo
[[ $# -eq 1 && -d $1 ]] || pkg_die "usage: ${0##*/} DEBDIR (check-deb.sh with BINDOX_DEB_DIR=DEBDIR makes it)"
debdir=$(realpath "$1")
[[ $debdir != /tmp/* ]] || pkg_die "$debdir is under /tmp, which the guest does not see"
[[ $EUID -eq 0 ]] || pkg_die "run as root"
pkg_need mkfs.ext4 qemu-system-x86_64 truncate
kernel=${BINDOX_INSTALLED_KERNEL:-6.1}
# The guest's root is this machine's, live: Bindox installed here (or
# check-deb.sh installing it now) would be installed in the guest too.
for p in bindox-dkms libbindox1 libbindox-dev bindoxd; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[[ -z $status || $status == not-installed || $status == config-files ]] ||
		pkg_die "$p is installed on this machine ($status), which is the guest's root"
done
! getent group bindox >/dev/null ||
	pkg_die "the group bindox exists on this machine, which is the guest's root"

pkg_workdir
work=$pkg_work
ver=$pkg_version
# Where the guest sees it: not under /tmp.
seed=$repo/tests/vm/out/installed-seed
# shellcheck source=tests/vm/lib.sh
. "$repo/tests/vm/lib.sh"
kver=$(vm_resolve_kver "$kernel") || pkg_die "Linux $kernel is not installed"

# dkms_tarball VERSION DEB: DKMS builds the driver from bindox-dkms's
# sources in DEB for the guest's kernel, natively here, in a DKMS tree of
# its own; "dkms mktarball" packs it as $seed/bindox-VERSION.dkms.tar.gz.
dkms_tarball() {
	local v=$1 root=$seed/root-$1 tree=$seed/tree-$1 opts
	mkdir -p "$root" "$tree"
	opts=(-m bindox -v "$v" --sourcetree "$root/usr/src" --dkmstree "$tree")
	if dpkg-deb -x "$2" "$root" &&
		dkms add "${opts[@]}" >"$work/dkms-$v.log" 2>&1 &&
		dkms build "${opts[@]}" -k "$kver" >>"$work/dkms-$v.log" 2>&1 &&
		dkms mktarball "${opts[@]}" -k "$kver" --archive "bindox-$v.dkms.tar.gz" \
			>>"$work/dkms-$v.log" 2>&1 &&
		mv "$tree/bindox/$v/tarball/bindox-$v.dkms.tar.gz" "$seed/"; then
		pass "dkms build and mktarball of bindox-dkms $v's sources for $kver"
	else
		tail -n 20 "$work/dkms-$v.log"
		pkg_die "dkms build of $v for $kver failed"
	fi
	rm -rf "$root" "$tree"
}

# The upgrade: the same tree (HEAD, as check-deb.sh builds it) as the next
# version, built without its unit tests (check-deb.sh ran them).
build_upgrade() {
	local src=$seed/upgrade/bindox-$upver
	mkdir -p "$src"
	if ! git -C "$repo" archive HEAD | tar -x -C "$src" ||
		! "$repo/tests/packaging/set-version.sh" "$upver" \
			"The upgrade of check-installed.sh." "$src"; then
		pkg_die "cannot make the $upver tree"
	fi
	if (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
		dpkg-buildpackage -b -us -uc) >"$work/upgrade-build.log" 2>&1; then
		pass "dpkg-buildpackage -b of the same tree as $upver"
	else
		tail -n 30 "$work/upgrade-build.log"
		pkg_die "dpkg-buildpackage of $upver failed"
	fi
	rm -rf "$src"
}

upver=${ver%.*}.$((${ver##*.} + 1))
rm -rf "$seed"
mkdir -p "$seed"
dkms_tarball "$ver" "$debdir/bindox-dkms_${ver}_all.deb"
build_upgrade
dkms_tarball "$upver" "$seed/upgrade/bindox-dkms_${upver}_all.deb"
img=$work/upper.img
if ! truncate -s 4G "$img" || ! mkfs.ext4 -q -F "$img"; then
	pkg_die "cannot make $img"
fi

# boot NAME ARG...: boot the guest on the image, run installed-guest.sh ARG...
boot() {
	local name=$1
	shift
	echo "check-installed: $name: installed-guest.sh $*"
	"$repo/tests/vm/run-vm.sh" --kernel "$kernel" --no-module --systemd \
		--disk "$img" --timeout 900 --out "$work/$name" -- \
		"$repo/tests/packaging/installed-guest.sh" "$@"
}

if boot boot1 install "$debdir" "$seed/bindox-$ver.dkms.tar.gz"; then
	pass "boot 1: install, the running system"
	if boot boot2 boot "$seed/upgrade" "$seed/bindox-$upver.dkms.tar.gz"; then
		pass "boot 2: the driver and bindoxd at boot, upgrade to $upver, purge"
	else
		fail "boot 2: the driver and bindoxd at boot, upgrade to $upver, purge" "see $work/boot2"
	fi
else
	fail "boot 1: install, the running system" "see $work/boot1"
fi
rm -rf "$seed"
pkg_finish
