#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-deb.sh: builds the Debian packages from a clean export of HEAD
# ("git archive", so uncommitted changes are not in it) with
# "dpkg-buildpackage -b -us -uc", checks each package's file list, runs
# lintian when it is installed (errors fail, warnings are shown), installs
# the packages with apt-get, checks that DKMS built and installed bindox.ko
# for every kernel we test (BINDOX_KERNELS, default "6.1 6.12": the newest
# installed amd64 kernel of each series; where the postinst left one out,
# as it does for all but the running and the newest kernel, this script
# runs "dkms install -k KVER" itself) and that the installed library,
# headers and tools work, then purges them and checks that DKMS forgot the
# module. Run as root on the host (it installs packages). Prints one
# PASS/FAIL line per check and ends with "PASS: check-deb" or
# "FAIL: check-deb". The work directory (a new one under ${TMPDIR:-/tmp})
# is removed on success and kept on failure. With BINDOX_DEB_DIR=DIR, the
# four .debs are also copied to DIR (for check-installed.sh).
#
# DKMS state is shared with tests/vm/dkms-build.sh (same bindox/<version>):
# this script refuses to start while bindox is known to DKMS or installed
# as a package, and leaves neither behind.
set -uo pipefail
# shellcheck source=tests/packaging/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

repo=$pkg_repo
ver=$pkg_version
[[ $EUID -eq 0 ]] || pkg_die "run as root (it installs packages)"
pkg_need dpkg-buildpackage dpkg-deb dpkg-parsechangelog dpkg-architecture apt-get dkms modinfo cc pkg-config

packages=(bindox-dkms libbindox1 libbindox-dev bindoxd)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg --print-architecture)

for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[[ -z $status || $status == not-installed || $status == config-files ]] ||
		pkg_die "$p is installed on this machine ($status): not touching it"
done
[[ ! -e /usr/src/bindox-$ver && ! -e /var/lib/dkms/bindox/$ver ]] ||
	pkg_die "bindox/$ver is already known to DKMS (/usr/src/bindox-$ver or /var/lib/dkms/bindox/$ver): not touching it"

# The kernels DKMS must build for, each with its headers.
# shellcheck source=tests/vm/lib.sh
. "$repo/tests/vm/lib.sh"
kvers=()
for k in ${BINDOX_KERNELS:-6.1 6.12}; do
	kver=$(vm_resolve_kver "$k") || pkg_die "Linux $k is not installed"
	[[ -e /lib/modules/$kver/build/Makefile ]] ||
		pkg_die "no headers for $kver (/lib/modules/$kver/build)"
	kvers+=("$kver")
done

group_existed=0
getent group bindox >/dev/null && group_existed=1
installed=0

purge_packages() {
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=300 \
		"${packages[@]}" >"$work/purge.log" 2>&1
}
pkg_cleanup_hook() {
	if [[ $installed -eq 1 ]]; then
		purge_packages || echo "check-deb: purge failed, see $work/purge.log"
	fi
	rmdir /var/lib/dkms/bindox 2>/dev/null || true
	if [[ $group_existed -eq 0 ]] && getent group bindox >/dev/null; then
		groupdel bindox || true
	fi
}
pkg_workdir
work=$pkg_work
src=$work/bindox-$ver

# ---- build ----
echo "check-deb: building bindox $ver from HEAD ($(git -C "$repo" rev-parse --short HEAD)) in $src"
rm -rf "$src"
mkdir -p "$src"
git -C "$repo" archive HEAD | tar -x -C "$src" || pkg_die "git archive failed"

changelog_ver=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
dkms_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$src/dkms.conf")
spec_ver=$(sed -n 's/^Version:[[:space:]]*//p' "$src/rpm/bindox.spec")
module_ver=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$src/module/main.c")
if [[ $changelog_ver == "$ver" && $dkms_ver == "$ver" && $spec_ver == "$ver" &&
	$module_ver == "$ver" ]]; then
	pass "versions agree ($ver: meson, debian/changelog, dkms.conf, rpm spec, MODULE_VERSION)"
else
	fail "versions agree (tests/packaging/set-version.sh sets them all)" \
		"meson $ver, debian/changelog $changelog_ver, dkms.conf $dkms_ver, rpm spec ${spec_ver:-none}, MODULE_VERSION ${module_ver:-none}"
fi

if ! (cd "$src" && dpkg-checkbuilddeps) >"$work/build.log" 2>&1; then
	cat "$work/build.log"
	pkg_die "build dependencies missing (tests/install-deps.sh)"
fi
if (cd "$src" && dpkg-buildpackage -b -us -uc) >>"$work/build.log" 2>&1; then
	pass "dpkg-buildpackage -b"
else
	tail -n 40 "$work/build.log"
	fail "dpkg-buildpackage -b" "see $work/build.log"
	exit 1
fi

# ---- file lists ----
declare -A deb
deb[bindox-dkms]=$work/bindox-dkms_${ver}_all.deb
deb[libbindox1]=$work/libbindox1_${ver}_${arch}.deb
deb[libbindox-dev]=$work/libbindox-dev_${ver}_${arch}.deb
deb[bindoxd]=$work/bindoxd_${ver}_${arch}.deb

# expect PACKAGE PATH...: every PATH (relative to /) is in the package.
expect() {
	local p=$1
	shift
	# Not a pipeline into pkg_expect: its counters must stay in this shell.
	pkg_expect "$p contents" "$@" < <(dpkg-deb -c "${deb[$p]}" |
		awk '{ print $6 }' | sed 's|^\./||; s|/$||')
}

for p in "${packages[@]}"; do
	[[ -f ${deb[$p]} ]] || pkg_die "${deb[$p]} was not built"
done
if [[ -n ${BINDOX_DEB_DIR:-} ]]; then
	if ! mkdir -p "$BINDOX_DEB_DIR" || ! rm -f "$BINDOX_DEB_DIR"/*.deb ||
		! cp "${deb[@]}" "$BINDOX_DEB_DIR"/; then
		pkg_die "cannot copy the packages to $BINDOX_DEB_DIR"
	fi
fi

usrsrc=usr/src/bindox-$ver
mapfile -t module_files < <(cd "$src" && find module -type f | sort | sed "s|^|$usrsrc/|")
expect bindox-dkms "$usrsrc/dkms.conf" "${module_files[@]}" \
	lib/udev/rules.d/60-bindox.rules \
	usr/lib/modules-load.d/bindox.conf \
	usr/lib/sysusers.d/bindox.conf \
	usr/libexec/bindox/bindox-module
mapfile -t headers < <(cd "$src/lib/include" && find bindox -name '*.h' | sort | sed 's|^|usr/include/|')
expect libbindox1 "usr/lib/$multiarch/libbindox.so.1"
expect libbindox-dev "${headers[@]}" \
	usr/include/bindox/uapi/linux/bindox.h \
	"usr/lib/$multiarch/libbindox.so" \
	"usr/lib/$multiarch/pkgconfig/bindox.pc" \
	usr/share/man/man3/libbindox.3.gz \
	usr/share/man/man3/bindox_call.3.gz \
	usr/share/doc/libbindox-dev/examples/bindox-example.c
expect bindoxd usr/sbin/bindoxd usr/bin/bindoxctl \
	lib/systemd/system/bindoxd.service \
	usr/share/dbus-1/system.d/org.bindox.Coordinator1.conf \
	usr/share/dbus-1/system-services/org.bindox.Coordinator1.service \
	usr/share/bindox/policy.d/00-default.xml \
	etc/bindox/policy.d \
	etc/bindox/domains.d \
	usr/share/xml/bindox/bindox-policy.dtd \
	usr/share/xml/bindox/bindox-domains.dtd \
	usr/share/doc/bindoxd/examples/domains.d/50-containers.xml \
	usr/share/man/man8/bindoxd.8.gz \
	usr/share/man/man1/bindoxctl.1.gz \
	usr/share/bash-completion/completions/bindoxctl \
	usr/share/man/man5/bindox-policy.5.gz \
	usr/share/man/man5/bindox-domains.5.gz

artefacts=$(dpkg-deb -c "${deb[bindox-dkms]}" | awk '{ print $6 }' |
	grep -E '\.(o|ko|mod|mod\.c|cmd)$|/modules\.order$|/Module\.symvers$' || true)
if [[ -z $artefacts ]]; then
	pass "bindox-dkms has no build artefacts"
else
	fail "bindox-dkms has no build artefacts" "$artefacts"
fi

# ---- lintian ----
if command -v lintian >/dev/null; then
	lintian "$work/bindox_${ver}_${arch}.changes" >"$work/lintian.log" 2>&1
	grep -E '^W:' "$work/lintian.log" || true
	errors=$(grep -E '^E:' "$work/lintian.log" || true)
	if [[ -z $errors ]]; then
		pass "lintian: no errors"
	else
		fail "lintian: no errors" "$errors"
	fi
else
	echo "check-deb: lintian not installed, skipped"
fi

# ---- install ----
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	-o DPkg::Lock::Timeout=300 "${deb[@]}" >"$work/install.log" 2>&1; then
	installed=1
	pass "apt-get install of the four packages"
else
	installed=1 # partly, perhaps: cleanup purges
	tail -n 40 "$work/install.log"
	fail "apt-get install of the four packages" "see $work/install.log"
	exit 1
fi

for kver in "${kvers[@]}"; do
	status=$(dkms status -m bindox -v "$ver" -k "$kver" 2>/dev/null)
	how="by the postinst"
	if [[ $status != *": installed"* ]]; then
		how="by dkms install -k $kver"
		dkms install -m bindox -v "$ver" -k "$kver" >"$work/dkms-$kver.log" 2>&1 ||
			tail -n 20 "$work/dkms-$kver.log"
		status=$(dkms status -m bindox -v "$ver" -k "$kver" 2>/dev/null)
	fi
	if [[ $status == *": installed"* ]]; then
		pass "dkms status ($how): $status"
	else
		fail "dkms: bindox/$ver installed for $kver" "dkms status says '${status:-nothing}'"
		grep -A3 -i "building\|error" "$work/install.log" | head -n 20
	fi
	ko=$(find "/lib/modules/$kver/updates/dkms" -name 'bindox.ko*' -print -quit 2>/dev/null)
	if [[ -n $ko && $(modinfo -F vermagic "$ko" | cut -d' ' -f1) == "$kver" ]]; then
		pass "bindox.ko installed for $kver"
	else
		fail "bindox.ko installed for $kver" "${ko:-no bindox.ko under /lib/modules/$kver/updates/dkms}"
	fi
done
if getent group bindox >/dev/null; then
	pass "group bindox created"
else
	fail "group bindox created"
fi

# The installed development files build a program with the installed
# library, both headers included.
cat >"$work/try-libbindox.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <bindox/bindox.h>
#include <linux/bindox.h>

int main(void)
{
	const char *name = bindox_errno_name(-EINVAL);

	printf("%s %d\n", name ? name : "(null)", BINDOX_VERSION_MAJOR);
	return !name || strcmp(name, "EINVAL") != 0;
}
EOF
# shellcheck disable=SC2046 # pkg-config's words are separate arguments
if pc_ver=$(pkg-config --modversion bindox) && [[ $pc_ver == "$ver" ]] &&
	cc -std=c11 -Wall -Werror -o "$work/try-libbindox" "$work/try-libbindox.c" \
		$(pkg-config --cflags --libs bindox) >"$work/try.log" 2>&1 &&
	"$work/try-libbindox" >>"$work/try.log" 2>&1; then
	pass "libbindox-dev: pkg-config bindox $pc_ver, a program builds and runs"
else
	fail "libbindox-dev: pkg-config, build and run" "$(cat "$work/try.log" 2>/dev/null)"
fi
if [[ $(/usr/sbin/bindoxd --version 2>&1) == "bindoxd $ver" ]] &&
	[[ $(/usr/bin/bindoxctl --version 2>&1) == "bindoxctl $ver" ]] &&
	/usr/bin/bindoxctl --help >/dev/null &&
	/usr/bin/bindoxctl verify /usr/share/bindox/policy.d/*.xml >/dev/null; then
	pass "bindoxd --version, bindoxctl --version, --help, verify of the default policy"
else
	fail "bindoxd --version, bindoxctl --version, --help, verify of the default policy"
fi

# ---- purge ----
if purge_packages; then
	installed=0
	pass "apt-get purge"
else
	fail "apt-get purge" "see $work/purge.log"
fi
left=
for kver in "${kvers[@]}"; do
	left+=$(find "/lib/modules/$kver/updates/dkms" -name 'bindox.ko*' 2>/dev/null)
done
if [[ -z $(dkms status -m bindox 2>/dev/null) && ! -e /var/lib/dkms/bindox/$ver &&
	! -e /usr/src/bindox-$ver && -z $left ]]; then
	pass "DKMS forgot bindox after the purge"
else
	fail "DKMS forgot bindox after the purge" "dkms status: '$(dkms status -m bindox 2>&1)'"
fi
if [[ ! -e /etc/bindox && ! -e /lib/udev/rules.d/60-bindox.rules ]]; then
	pass "purge left no files"
else
	fail "purge left no files" "$(ls -d /etc/bindox /lib/udev/rules.d/60-bindox.rules 2>/dev/null)"
fi

pkg_finish
