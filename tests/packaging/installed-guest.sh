#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# installed-guest.sh install DEBDIR DKMS_TARBALL | boot NEWDEBDIR NEW_DKMS_TARBALL:
# the guest's half of check-installed.sh. Runs in the test VM with systemd
# as PID 1 (run-vm.sh --systemd) on a root whose changes outlive the boot
# (--disk), as root.
#   install  installs the .debs of DEBDIR with apt-get, as an
#            administrator would (with DKMS_TARBALL, the driver built by
#            "dkms mktarball" for this kernel, where the postinst looks for
#            prebuilt binaries), and checks the system they make: DKMS
#            installed the driver for the running kernel and the postinst
#            loaded it, udev made /dev/bindox 0660 root:bindox, systemd
#            started bindoxd through the device, its sandbox (seccomp,
#            capabilities, no new privileges) and systemd-analyze's
#            exposure (2.0 at most), the watchdog, D-Bus, an example server
#            and client built with pkg-config bindox against the installed
#            headers (a user in the group "bindox" calls; one outside it
#            cannot open the device), a domain file in
#            /etc/bindox/domains.d, D-Bus activation after a stop, and a
#            restart.
#   boot     (the next boot) the driver was loaded at boot, udev and systemd
#            started bindoxd and the domain is back; then upgrades to the
#            packages of NEWDEBDIR (with NEW_DKMS_TARBALL) and checks that
#            DKMS and the running system moved to the new version; then
#            purges the packages and checks that nothing is left.
# Prints one PASS/FAIL line per check and Check's summary line; exit
# status 1 if a check failed.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/helpers/checks.sh
. "$repo/tests/helpers/checks.sh"

packages=(bindox-dkms libbindox1 libbindox-dev bindoxd)
kver=$(uname -r)
domain=installed-test
domain_file=/etc/bindox/domains.d/50-$domain.xml
client_uid=1000	# in the group bindox
stranger_uid=1001	# not
work=/root/bindox-installed
mkdir -p "$work"
# For expect_status (checks.sh).
tmp=$work

bindoxd_pid() { systemctl show -p MainPID --value bindoxd.service; }
coordinator_answers() {
	busctl call org.bindox.Coordinator1 /org/bindox/Coordinator1 \
		org.freedesktop.DBus.Peer Ping
}
# The device as udev left it: "MODE OWNER GROUP", e.g. "660 root bindox".
device_perms() { stat -c '%a %U %G' "$1" 2>/dev/null; }

check_device_and_service() {
	local perms wanted_by=
	udevadm settle --timeout=60
	perms=$(device_perms /dev/bindox)
	if [[ -c /dev/bindox && $perms == "660 root bindox" ]]; then
		pass "udev made /dev/bindox 0660 root:bindox"
	else
		fail "udev made /dev/bindox 0660 root:bindox" "${perms:-no /dev/bindox}"
	fi
	if wait_until 120 systemctl is-active --quiet bindoxd.service &&
		wanted_by=$(systemctl show -p WantedBy --value bindoxd.service) &&
		[[ $wanted_by == *.device* ]]; then
		pass "systemd started bindoxd.service, wanted by the device ($wanted_by)"
	else
		fail "systemd started bindoxd.service" "$(systemctl status --no-pager bindoxd.service 2>&1 | tail -n 8)"
	fi
	expect_status "bindoxd.service is static: started by the device and D-Bus only" 0 \
		test "$(systemctl is-enabled bindoxd.service 2>&1)" = static
	if wait_until 30 coordinator_answers &&
		busctl tree --list org.bindox.Coordinator1 | grep -qx /org/bindox/Coordinator1; then
		pass "busctl tree org.bindox.Coordinator1 answers"
	else
		fail "busctl tree org.bindox.Coordinator1" "$(busctl tree org.bindox.Coordinator1 2>&1 | tail -n 3)"
	fi
}

# The unit's sandbox, as the kernel applies it to bindoxd.
check_sandbox() {
	local pid status exposure
	pid=$(bindoxd_pid)
	status=$(cat "/proc/$pid/status" 2>/dev/null)
	# CAP_SYS_ADMIN is capability 21: only that bit.
	if grep -qx $'Seccomp:\t2' <<<"$status" &&
		grep -qx $'NoNewPrivs:\t1' <<<"$status" &&
		grep -qx $'CapBnd:\t0000000000200000' <<<"$status" &&
		grep -qx $'CapEff:\t0000000000200000' <<<"$status"; then
		pass "bindoxd (pid $pid): seccomp filter, no new privileges, CAP_SYS_ADMIN only"
	else
		fail "bindoxd's sandbox" "$(grep -E '^(Seccomp|NoNewPrivs|Cap[A-Za-z]+):' <<<"$status" | tr '\n\t' '  ')"
	fi
	exposure=$(systemd-analyze security --no-pager bindoxd.service 2>&1 |
		sed -n 's/.*Overall exposure level for bindoxd.service: \([0-9.]*\).*/\1/p')
	if [[ -n $exposure ]] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
		pass "systemd-analyze security bindoxd.service: exposure $exposure (at most 2.0)"
	else
		fail "systemd-analyze security: exposure at most 2.0" "${exposure:-no number}"
	fi
}

# The example libbindox-dev ships (libbindox(3) prints it), built exactly
# as its first lines say, against the installed headers and library. Its
# server runs as root (the default policy lets the host's root register);
# its client runs as an unprivileged user in the group "bindox", whose
# node udev opened to it, and as one not in that group, who cannot open
# /dev/bindox at all.
check_example() {
	local src=/usr/share/doc/libbindox-dev/examples/bindox-example.c
	local prog=$work/bindox-example name=example.upper gid out spid build
	build=$(sed -n 's/^ \* Build: //p' "$src")
	if [[ $build != "cc -o bindox-example bindox-example.c "* ]]; then
		fail "the shipped example says how to build it" "${build:-no Build: line in $src}"
		return
	fi
	if (cd "$work" && cp "$src" . && eval "$build"); then
		pass "the shipped example built as it says: $build"
	else
		fail "the shipped example built as it says: $build"
		return
	fi
	"$prog" server "$name" >"$work/server.log" 2>&1 &
	spid=$!
	if ! wait_until 30 grep -qx "serving $name" "$work/server.log"; then
		fail "example server registers $name" "$(cat "$work/server.log")"
		kill "$spid" 2>/dev/null
		return
	fi
	pass "example server registered $name"
	chmod 0755 "$work" "$prog"
	gid=$(getent group bindox | cut -d: -f3)
	if out=$(setpriv --reuid="$client_uid" --regid="$client_uid" --groups="$gid" \
		"$prog" client "$name" "hello from uid $client_uid" 2>&1) &&
		[[ $out == "$name answered: HELLO FROM UID $client_uid" ]]; then
		pass "example client (uid $client_uid, group bindox) looked up and called: $out"
	else
		fail "example client in group bindox" "$out"
	fi
	if out=$(setpriv --reuid="$stranger_uid" --regid="$stranger_uid" --clear-groups \
		"$prog" client "$name" "let me in" 2>&1); then
		fail "a user outside the group bindox cannot open /dev/bindox" "it called: $out"
	else
		pass "a user outside the group bindox cannot open /dev/bindox ($(head -n1 <<<"$out"))"
	fi
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
}

check_domain() {
	local perms
	if wait_until 60 test -c "/dev/bindox.d/$domain"; then
		perms=$(device_perms "/dev/bindox.d/$domain")
		if [[ $perms == "600 root root" ]]; then
			pass "$1: /dev/bindox.d/$domain, 0600 root:root"
		else
			fail "$1: /dev/bindox.d/$domain 0600 root:root" "$perms"
		fi
	else
		fail "$1: /dev/bindox.d/$domain" "no node; bindoxctl domains: $(bindoxctl domains 2>&1 | tail -n 3)"
	fi
}

# install_debs DEBDIR TARBALL LOG: apt-get install the packages of DEBDIR as
# an administrator would, with TARBALL (the driver built by "dkms
# mktarball" for this kernel) where the postinst looks for prebuilt
# binaries. Stops the test if apt-get fails.
install_debs() {
	local debdir=$1 tarball=$2 log=$3 debs=() p k
	local prebuilt=/usr/share/bindox-dkms
	for p in "${packages[@]}"; do
		debs+=("$(find "$debdir" -maxdepth 1 -name "${p}_*.deb" -print -quit)")
		[[ -n ${debs[-1]} ]] || setup_failed "no ${p} package in $debdir"
	done
	# The guest has the headers of more kernels than the running one, for
	# each of which DKMS would build and run depmod, minutes each under
	# emulation: hide them for this boot (DKMS then says they are missing).
	for k in /lib/modules/*; do
		[[ ${k##*/} != "$kver" && -d $k/build/include ]] || continue
		mountpoint -q "$(realpath "$k/build")" ||
			mount -t tmpfs -o ro,mode=0755 tmpfs "$(realpath "$k/build")"
	done
	mkdir -p "$prebuilt"
	cp "$tarball" "$prebuilt/"
	if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${debs[@]}" >"$log" 2>&1; then
		pass "apt-get install ${debs[*]##*/}"
	else
		tail -n 30 "$log"
		setup_failed "apt-get install failed, see the output above"
	fi
	grep '^bindox: ' "$log"
	# The prebuilt archive is the test's, not the package's.
	rm -rf "$prebuilt"
}

phase_install() {
	local log=$work/install.log pid1 pid2 since
	# The guest's root is the CI machine's, a container image: its
	# policy-rc.d forbids starting services and its /.dockerenv makes
	# systemd-detect-virt say "container" (the packages then leave the
	# kernel alone), and its man-db would rebuild the whole manual index
	# under emulation. This guest is a VM with a real system's defaults.
	rm -f /usr/sbin/policy-rc.d /.dockerenv /var/lib/man-db/auto-update
	install_debs "$1" "$2" "$log"

	if [[ $(dkms status -m bindox -k "$kver" 2>&1) == *": installed"* ]] &&
		[[ $(modinfo -k "$kver" -F vermagic bindox 2>/dev/null) == "$kver "* ]] &&
		[[ $(modinfo -k "$kver" -n bindox) == /lib/modules/$kver/updates/dkms/* ]]; then
		pass "DKMS installed bindox.ko for the guest's kernel, $kver"
	else
		fail "DKMS installed bindox.ko for $kver" "$(dkms status -m bindox 2>&1)"
	fi
	expect_status "the postinst loaded the driver (bindox: driver loaded into Linux $kver)" 0 \
		grep -qF "bindox: driver loaded into Linux $kver" "$log"
	expect_status "bindox is loaded" 0 test -d /sys/module/bindox
	check_device_and_service
	check_sandbox
	expect_status "WatchdogSec=30s" 0 test "$(systemctl show -p WatchdogUSec --value bindoxd.service)" = 30s

	check_example

	cat >"$domain_file" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-2.0-or-later -->
<!-- Written by tests/packaging/installed-guest.sh. -->
<bindox-domains>
  <domain name="installed-test" user="0" group="0" mode="0600"/>
</bindox-domains>
EOF
	expect_status "bindoxctl reload" 0 bindoxctl reload
	check_domain "a domain file in /etc/bindox/domains.d"

	# bindoxd pings the watchdog from its loop: WatchdogSec/2 after the
	# start at the latest.
	since=$(systemctl show -p ExecMainStartTimestampMonotonic --value bindoxd.service)
	if wait_until 40 test "$(systemctl show -p WatchdogTimestampMonotonic --value bindoxd.service)" -gt "$since"; then
		pass "bindoxd feeds the watchdog"
	else
		fail "bindoxd feeds the watchdog" "no WATCHDOG=1 since the start"
	fi

	pid1=$(bindoxd_pid)
	systemctl stop bindoxd.service
	if systemctl is-active --quiet bindoxd.service; then
		fail "systemctl stop bindoxd"
	elif timeout 90 busctl call org.bindox.Coordinator1 /org/bindox/Coordinator1 \
		org.freedesktop.DBus.Peer Ping >/dev/null 2>&1 &&
		systemctl is-active --quiet bindoxd.service; then
		pass "D-Bus activation starts the stopped bindoxd (pid $(bindoxd_pid))"
	else
		fail "D-Bus activation of the stopped bindoxd" "$(systemctl status --no-pager bindoxd.service 2>&1 | tail -n 8)"
	fi

	pid1=$(bindoxd_pid)
	systemctl restart bindoxd.service
	pid2=$(bindoxd_pid)
	if [[ $pid2 != 0 && $pid2 != "$pid1" ]] && wait_until 30 coordinator_answers; then
		pass "systemctl restart bindoxd: a new bindoxd (pid $pid2) answers"
	else
		fail "systemctl restart bindoxd" "pid $pid1 -> $pid2"
	fi
	check_domain "after the restart"
}

# upgrade DEBDIR TARBALL: the next version's packages over this one's, as
# "apt-get install" of newer .debs does: the prerm stops bindoxd and
# unloads the driver, DKMS builds the new one (prebuilt: TARBALL) and
# forgets the old, the postinst loads it, udev and systemd start the new
# bindoxd, which makes the domain of the file again.
upgrade() {
	local old_ver new_ver pid1 status p wrong=
	old_ver=$(cat /sys/module/bindox/version)
	new_ver=$(dpkg-deb -f "$(find "$1" -maxdepth 1 -name 'bindoxd_*.deb' -print -quit)" Version)
	pid1=$(bindoxd_pid)
	install_debs "$1" "$2" "$work/upgrade.log"
	for p in "${packages[@]}"; do
		[[ $(dpkg-query -W -f='${Version}' "$p") == "$new_ver" ]] || wrong+=" $p"
	done
	if [[ -z $wrong ]]; then
		pass "upgrade from $old_ver to $new_ver: dpkg has all four at $new_ver"
	else
		fail "upgrade to $new_ver: dpkg has all four at $new_ver" "not:$wrong"
	fi
	# 2>/dev/null: dkms 3.0.10 also says "echo: write error: Broken pipe".
	status=$(dkms status -m bindox 2>/dev/null)
	if [[ $status == "bindox/$new_ver, $kver, "*": installed"* &&
		$(wc -l <<<"$status") -eq 1 && ! -e /usr/src/bindox-$old_ver ]] &&
		[[ $(modinfo -k "$kver" -F version bindox) == "$new_ver" ]]; then
		pass "DKMS built and installed $new_ver for $kver and forgot $old_ver"
	else
		fail "DKMS installed $new_ver and forgot $old_ver" "$status"
	fi
	if wait_until 60 test "$(cat /sys/module/bindox/version 2>/dev/null)" = "$new_ver"; then
		pass "the driver running is $new_ver"
	else
		fail "the driver running is $new_ver" "$(cat /sys/module/bindox/version 2>&1)"
	fi
	check_device_and_service
	if [[ $(bindoxd_pid) != "$pid1" ]] &&
		wait_until 30 coordinator_answers &&
		bindoxctl status >"$work/status.out" 2>&1 &&
		grep -qx "Coordinator: *bindoxd $new_ver (org.bindox.Coordinator1)" "$work/status.out" &&
		grep -q "^Driver: *bindox $new_ver," "$work/status.out"; then
		pass "a new bindoxd (pid $(bindoxd_pid)) runs: bindoxctl status names $new_ver twice"
	else
		fail "bindoxd restarted as $new_ver" "pid $pid1 -> $(bindoxd_pid): $(head -n 2 "$work/status.out" 2>&1)"
	fi
	check_sandbox
	check_domain "after the upgrade"
}

phase_boot() {
	local left=() log=$work/purge.log f
	# It logs before journald runs, through the kernel's log: the journal
	# has its identifier, not its unit.
	if journalctl -b -t systemd-modules-load -o cat 2>/dev/null |
		grep -q "Inserted module 'bindox'"; then
		pass "modules-load.d loaded bindox at boot"
	else
		fail "modules-load.d loaded bindox at boot" "$(journalctl -b -t systemd-modules-load -o cat 2>&1 | tail -n 3)"
	fi
	check_device_and_service
	check_sandbox
	check_domain "at boot, from the domain file"

	upgrade "$1" "$2"

	# What the administrator added is theirs: remove it first, as they
	# would (dpkg leaves files it does not know of).
	rm -f "$domain_file"
	if DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" >"$log" 2>&1; then
		pass "apt-get purge ${packages[*]}"
	else
		tail -n 30 "$log"
		fail "apt-get purge" "see the output above"
	fi
	expect_status "the driver is unloaded" 0 test ! -d /sys/module/bindox
	expect_status "/dev/bindox and /dev/bindox.d are gone" 0 test ! -e /dev/bindox -a ! -e /dev/bindox.d
	if [[ $(systemctl show -p LoadState --value bindoxd.service) == not-found ]] &&
		! pgrep -x bindoxd >/dev/null; then
		pass "bindoxd stopped, bindoxd.service gone"
	else
		fail "bindoxd stopped, bindoxd.service gone" "$(systemctl show -p LoadState -p ActiveState bindoxd.service | tr '\n' ' ')"
	fi
	expect_status "dkms status is empty" 0 test -z "$(dkms status -m bindox 2>/dev/null)"
	for f in /usr/src/bindox-* /var/lib/dkms/bindox /lib/modules/*/updates/dkms/bindox.ko* \
		/etc/bindox /run/bindox /usr/libexec/bindox /usr/lib/modules-load.d/bindox.conf \
		/usr/lib/sysusers.d/bindox.conf /lib/udev/rules.d/60-bindox.rules \
		/lib/systemd/system/bindoxd.service /usr/include/bindox; do
		[[ ! -e $f ]] || left+=("$f")
	done
	if [[ ${#left[@]} -eq 0 ]]; then
		pass "the purge left no files"
	else
		fail "the purge left no files" "${left[*]}"
	fi
	expect_status "dpkg knows no bindox package" 0 \
		test -z "$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${packages[@]}" 2>/dev/null | grep -v '^un ')"
	# Debian does not remove system groups on purge: files may still
	# belong to it (and a new group of the same gid would inherit them).
	expect_status "the group bindox stays, as Debian does with system groups" 0 getent group bindox
}

case ${1:-} in
install)
	[[ -d ${2:-} && -f ${3:-} ]] || setup_failed "usage: ${0##*/} install DEBDIR DKMS_TARBALL"
	phase_install "$2" "$3"
	;;
boot)
	[[ -d ${2:-} && -f ${3:-} ]] || setup_failed "usage: ${0##*/} boot NEWDEBDIR NEW_DKMS_TARBALL"
	phase_boot "$2" "$3"
	;;
*) setup_failed "usage: ${0##*/} install DEBDIR DKMS_TARBALL | boot NEWDEBDIR NEW_DKMS_TARBALL" ;;
esac
checks_summary
[[ $failures -eq 0 ]]
