#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-rpm.sh: checks rpm/bindox.spec on this Debian host, as far as that
# goes without Fedora, from a clean export of HEAD (git archive):
#   1. rpmspec -P parses the spec, and its Version is meson's;
#   2. rpmbuild -bs makes the source RPM from the tarball;
#   3. rpmbuild -bb --nodeps runs the spec's own %prep, %build, %install
#      and %files, so that rpmbuild's check for unpackaged or missing files
#      compares the %files lists with what "meson install" installs.
#      Debian's rpm lacks Fedora's macros for meson and for the systemd and
#      udev directories; they are defined here as Fedora defines them, with
#      the directories from the same pkg-config files meson reads (on Fedora
#      they agree with the macros). %check runs the host unit tests. The
#      RPMs built are for this check only;
#   4. rpmlint on the spec and the binary RPMs reports no errors (checks
#      that need Fedora's own rpmlint configuration or a network are off:
#      see rpm/rpmlintrc).
# Needs rpm (rpmspec, rpmbuild), rpmlint and the build dependencies of
# meson.build and its unit tests (Check).
# Prints PASS/FAIL lines and ends with "PASS: check-rpm" or
# "FAIL: check-rpm". The work directory (a new one under ${TMPDIR:-/tmp})
# is removed on success and kept on failure.
set -uo pipefail
# shellcheck source=tests/packaging/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

repo=$pkg_repo
ver=$pkg_version
spec_rel=rpm/bindox.spec
pkg_need rpmspec rpmbuild rpm rpmlint meson pkg-config
pkg_workdir
work=$pkg_work

top=$work/rpmbuild
mkdir -p "$top/SOURCES"
git -C "$repo" archive --prefix="bindox-$ver/" -o "$top/SOURCES/bindox-$ver.tar.gz" HEAD ||
	pkg_die "git archive failed"
tar -xzf "$top/SOURCES/bindox-$ver.tar.gz" -C "$work" "bindox-$ver/$spec_rel" \
	"bindox-$ver/rpm/rpmlintrc" ||
	pkg_die "$spec_rel or rpm/rpmlintrc is not in HEAD"
spec=$work/bindox-$ver/$spec_rel

# ---- 1. parse ----
if rpmspec -P "$spec" >"$work/parsed.spec" 2>"$work/rpmspec.log"; then
	pass "rpmspec -P"
else
	fail "rpmspec -P" "$(cat "$work/rpmspec.log")"
fi
spec_ver=$(rpmspec -q --srpm --qf '%{VERSION}' "$spec" 2>/dev/null)
if [[ $spec_ver == "$ver" ]]; then
	pass "spec Version is meson's ($ver)"
else
	fail "spec Version is meson's" "spec ${spec_ver:-?}, meson $ver"
fi

# ---- 2. source RPM ----
# The file list is read first: in a pipe, grep -q may exit before rpm has
# written everything, and pipefail would count rpm's SIGPIPE as a failure.
if rpmbuild --define "_topdir $top" -bs "$spec" >"$work/srpm.log" 2>&1 &&
	srpm=$(find "$top/SRPMS" -name "bindox-$ver-*.src.rpm" -print -quit) &&
	[[ -n $srpm ]] && srpm_files=$(rpm -qlp "$srpm" 2>/dev/null) &&
	grep -qx "bindox-$ver.tar.gz" <<<"$srpm_files"; then
	pass "rpmbuild -bs: ${srpm##*/}"
else
	fail "rpmbuild -bs" "$(tail -n 20 "$work/srpm.log")"
fi

# ---- 3. binary RPMs on this host ----
pcvar() { pkg-config --variable="$2" "$1"; }
unitdir=$(pcvar systemd systemdsystemunitdir)
udevdir=$(pcvar udev udevdir)
sysusersdir=$(pcvar systemd sysusersdir)
modulesloaddir=$(pcvar systemd modulesloaddir)
[[ -n $unitdir && -n $udevdir && -n $sysusersdir && -n $modulesloaddir ]] ||
	pkg_die "pkg-config knows no systemd or udev directories (libsystemd-dev, systemd, udev)"
# Fedora's %meson (macros.meson), in short: the same directories and
# options, a build directory of its own.
meson_setup='meson setup --buildtype=plain --prefix=%{_prefix} --libdir=%{_libdir}'
meson_setup+=' --libexecdir=%{_libexecdir} --bindir=%{_bindir} --sbindir=%{_sbindir}'
meson_setup+=' --includedir=%{_includedir} --datadir=%{_datadir} --mandir=%{_mandir}'
meson_setup+=' --sysconfdir=%{_sysconfdir} --localstatedir=%{_localstatedir}'
meson_setup+=' --wrap-mode=nodownload --auto-features=enabled . redhat-linux-build'
defines=(
	--define "_topdir $top"
	--define "_unitdir $unitdir"
	--define "_udevrulesdir $udevdir/rules.d"
	--define "_sysusersdir $sysusersdir"
	--define "_modulesloaddir $modulesloaddir"
	--define "meson $meson_setup"
	--define "meson_build meson compile -C redhat-linux-build"
	--define "meson_install DESTDIR=%{buildroot} meson install -C redhat-linux-build --no-rebuild"
	--define "meson_test meson test -C redhat-linux-build --print-errorlogs"
	--define "systemd_post :"
	--define "systemd_preun :"
	--define "systemd_postun_with_restart :"
)
if rpmbuild "${defines[@]}" --nodeps -bb "$spec" >"$work/rpmbuild.log" 2>&1; then
	pass "rpmbuild -bb: %install and %files agree"
else
	grep -A12 -E "^(error|RPM build errors)|Installed \(but unpackaged\)" "$work/rpmbuild.log" | head -n 30
	fail "rpmbuild -bb" "see $work/rpmbuild.log"
fi

# expect_rpm NAME PATH...: the binary RPM NAME has every PATH.
expect_rpm() {
	local name=$1 file
	shift
	file=$(find "$top/RPMS" -name "$name-$ver-*.rpm" -print -quit)
	if [[ -z $file ]]; then
		fail "$name RPM contents" "no $name RPM built"
		return
	fi
	pkg_expect "$name RPM contents" "$@" < <(rpm -qlp "$file" 2>/dev/null)
}
if [[ -d $top/RPMS ]]; then
	expect_rpm bindox-dkms "/usr/src/bindox-$ver/dkms.conf" \
		"/usr/src/bindox-$ver/module/Kbuild" \
		"/usr/src/bindox-$ver/module/uapi/linux/bindox.h" \
		"$udevdir/rules.d/60-bindox.rules" "$sysusersdir/bindox.conf" \
		"$modulesloaddir/bindox.conf"
	expect_rpm libbindox "$(rpm --eval '%{_libdir}')/libbindox.so.1"
	expect_rpm libbindox-devel /usr/include/bindox/bindox.h \
		/usr/include/bindox/uapi/linux/bindox.h \
		"$(rpm --eval '%{_libdir}')/pkgconfig/bindox.pc" \
		/usr/share/doc/libbindox-dev/examples/bindox-example.c
	expect_rpm bindoxd /usr/sbin/bindoxd /usr/bin/bindoxctl \
		/usr/share/bash-completion/completions/bindoxctl \
		"$unitdir/bindoxd.service" /usr/share/bindox/policy.d/00-default.xml \
		/usr/share/xml/bindox/bindox-domains.dtd /etc/bindox/domains.d
fi

# ---- 4. rpmlint ----
mapfile -t rpms < <(find "$top/RPMS" -name '*.rpm' 2>/dev/null | sort)
if [[ ${#rpms[@]} -eq 0 ]]; then
	fail "rpmlint" "no binary RPMs to check"
else
	rpmlint -r "$work/bindox-$ver/rpm/rpmlintrc" "$spec" "${rpms[@]}" \
		>"$work/rpmlint.log" 2>&1
	grep -E ': W: ' "$work/rpmlint.log" || true
	errors=$(grep -E ': E: ' "$work/rpmlint.log" || true)
	if [[ -z $errors ]] && grep -qE '^ *[0-9]+ packages and [0-9]+ specfiles checked; 0 errors' "$work/rpmlint.log"; then
		pass "rpmlint: no errors (${#rpms[@]} RPMs and the spec)"
	else
		fail "rpmlint: no errors" "${errors:-$(tail -n 5 "$work/rpmlint.log")}"
	fi
fi

pkg_finish
