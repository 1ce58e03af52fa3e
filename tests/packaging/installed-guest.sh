#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# installed-guest.sh install DEBDIR DKMS_TARBALL | boot: the guest's half of
# check-installed.sh. Runs in the test VM with systemd as PID 1 (run-vm.sh
# --systemd) on a root whose changes outlive the boot (--disk), as root.
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
#            started bindoxd and the domain is back; then purges the
#            packages and checks that nothing is left.
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

die() {
	fail "$1" "${2:-}"
	checks_summary
	exit 1
}

# check NAME CMD...: pass if CMD succeeds, else fail with its output.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$(tail -n 5 <<<"$out")"
	fi
}

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
	check "bindoxd.service is static: started by the device and D-Bus only" \
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

# An example server and client built against the installed headers and
# library, exactly as pkg-config says. The server runs as root (the default
# policy lets the host's root register); the client runs as an unprivileged
# user in the group "bindox", whose node udev opened to it, and as one not
# in that group, who cannot open /dev/bindox at all.
check_example() {
	local flags gid out spid
	if ! flags=$(pkg-config --cflags --libs bindox); then
		fail "pkg-config bindox" "no bindox.pc"
		return
	fi
	# POSIX 2008 for open()'s O_CLOEXEC, as meson.build builds them.
	# shellcheck disable=SC2086 # pkg-config's words are separate arguments
	if cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -o "$work/server" \
		"$repo/tests/demo/demo-server.c" $flags &&
		cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -o "$work/client" \
		"$repo/tests/demo/demo-client.c" $flags; then
		pass "example server and client built with pkg-config bindox ($flags)"
	else
		fail "example server and client built with pkg-config bindox"
		return
	fi
	rm -f "$work/server.ready"
	"$work/server" "$work/server.ready" >"$work/server.log" 2>&1 &
	spid=$!
	if ! wait_until 30 test -e "$work/server.ready"; then
		fail "example server registers" "$(cat "$work/server.log")"
		kill "$spid" 2>/dev/null
		return
	fi
	pass "example server registered demo.camera.front"
	chmod 0755 "$work" "$work/client"
	gid=$(getent group bindox | cut -d: -f3)
	if out=$(setpriv --reuid="$client_uid" --regid="$client_uid" --groups="$gid" \
		"$work/client" "hello from uid $client_uid" 2>&1) &&
		grep -q "reply \"HELLO FROM UID $client_uid\"" <<<"$out"; then
		pass "example client (uid $client_uid, group bindox) looked up and called: $out"
	else
		fail "example client in group bindox" "$out"
	fi
	if out=$(setpriv --reuid="$stranger_uid" --regid="$stranger_uid" --clear-groups \
		"$work/client" "let me in" 2>&1); then
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

phase_install() {
	local debdir=$1 tarball=$2 debs=() log=$work/install.log p pid1 pid2 since
	local prebuilt=/usr/share/bindox-dkms
	for p in "${packages[@]}"; do
		debs+=("$(find "$debdir" -maxdepth 1 -name "${p}_*.deb" -print -quit)")
		[[ -n ${debs[-1]} ]] || die "a ${p} package in $debdir"
	done
	# The guest's root is the CI machine's, a container image: its
	# policy-rc.d forbids starting services and its /.dockerenv makes
	# systemd-detect-virt say "container" (the packages then leave the
	# kernel alone), and its man-db would rebuild the whole manual index
	# under emulation. This guest is a VM with a real system's defaults.
	rm -f /usr/sbin/policy-rc.d /.dockerenv /var/lib/man-db/auto-update
	# It also has the headers of more kernels than the running one, for
	# each of which DKMS would build and run depmod, minutes each under
	# emulation: hide them for this boot (DKMS then says they are missing).
	for k in /lib/modules/*; do
		[[ ${k##*/} != "$kver" && -d $k/build/include ]] || continue
		mount -t tmpfs -o ro,mode=0755 tmpfs "$(realpath "$k/build")"
	done
	mkdir -p "$prebuilt"
	cp "$tarball" "$prebuilt/"
	if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${debs[@]}" >"$log" 2>&1; then
		pass "apt-get install ${packages[*]}"
	else
		tail -n 30 "$log"
		die "apt-get install" "see the output above"
	fi
	grep '^bindox: ' "$log"
	# The prebuilt archive is the test's, not the package's.
	rm -rf "$prebuilt"

	if [[ $(dkms status -m bindox -k "$kver" 2>&1) == *": installed"* ]] &&
		[[ $(modinfo -k "$kver" -F vermagic bindox 2>/dev/null) == "$kver "* ]] &&
		[[ $(modinfo -k "$kver" -n bindox) == /lib/modules/$kver/updates/dkms/* ]]; then
		pass "DKMS installed bindox.ko for the guest's kernel, $kver"
	else
		fail "DKMS installed bindox.ko for $kver" "$(dkms status -m bindox 2>&1)"
	fi
	check "the postinst loaded the driver (bindox: driver loaded into Linux $kver)" \
		grep -qF "bindox: driver loaded into Linux $kver" "$log"
	check "bindox is loaded" test -d /sys/module/bindox
	check_device_and_service
	check_sandbox
	check "WatchdogSec=30s" test "$(systemctl show -p WatchdogUSec --value bindoxd.service)" = 30s

	check_example

	cat >"$domain_file" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-2.0-or-later -->
<!-- Written by tests/packaging/installed-guest.sh. -->
<bindox-domains>
  <domain name="installed-test" user="0" group="0" mode="0600"/>
</bindox-domains>
EOF
	check "bindoxctl reload" bindoxctl reload
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

	# What the administrator added is theirs: remove it first, as they
	# would (dpkg leaves files it does not know of).
	rm -f "$domain_file"
	if DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" >"$log" 2>&1; then
		pass "apt-get purge ${packages[*]}"
	else
		tail -n 30 "$log"
		fail "apt-get purge" "see the output above"
	fi
	check "the driver is unloaded" test ! -d /sys/module/bindox
	check "/dev/bindox and /dev/bindox.d are gone" test ! -e /dev/bindox -a ! -e /dev/bindox.d
	if [[ $(systemctl show -p LoadState --value bindoxd.service) == not-found ]] &&
		! pgrep -x bindoxd >/dev/null; then
		pass "bindoxd stopped, bindoxd.service gone"
	else
		fail "bindoxd stopped, bindoxd.service gone" "$(systemctl show -p LoadState -p ActiveState bindoxd.service | tr '\n' ' ')"
	fi
	check "dkms status is empty" test -z "$(dkms status -m bindox 2>/dev/null)"
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
	check "dpkg knows no bindox package" \
		test -z "$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${packages[@]}" 2>/dev/null | grep -v '^un ')"
	# Debian does not remove system groups on purge: files may still
	# belong to it (and a new group of the same gid would inherit them).
	check "the group bindox stays, as Debian does with system groups" getent group bindox
}

case ${1:-} in
install)
	[[ -d ${2:-} && -f ${3:-} ]] || die "usage: ${0##*/} install DEBDIR DKMS_TARBALL"
	phase_install "$2" "$3"
	;;
boot) phase_boot ;;
*) die "usage: ${0##*/} install DEBDIR DKMS_TARBALL | boot" ;;
esac
checks_summary
[[ $failures -eq 0 ]]
