#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-udev-rules: checks udev/60-bindox.rules against the device the
# driver really creates. Runs inside the test VM as root with bindox.ko
# loaded (tests/vm/run-tests.sh runs it from the build directory; the
# guest's /run, /dev and /etc are its own). It creates the group from
# udev/bindox.sysusers with systemd-sysusers, puts the rule into
# /run/udev/rules.d and runs "udevadm test" on the host domain's device:
# udev must read the file without a complaint, and /dev/bindox must become
# 0660 root:bindox without a /dev/bindox.d link.
# The per-container line matches devices ("bindox-<domain>") that the
# driver does not create yet; its PROGRAM and SYMLINK are checked on the
# host device through a twin of that line, made with sed (KERNEL=="bindox",
# prefix "bind" instead of "bindox-"), which must link /dev/bindox.d/ox.
# Afterwards /dev/bindox is 0600 root:root again, as the driver made it.
#
# Output: "PASS: name" or "FAIL: name: why" per check, then a summary in
# Check's format for run-tests.sh. Exit status 1 if any check failed.
set -uo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rules=$dir/60-bindox.rules
sysusers=$dir/bindox.sysusers
device=/dev/bindox
syspath=/sys/class/misc/bindox
run_rules=/run/udev/rules.d/60-bindox.rules

# shellcheck source=tests/helpers/checks.sh
. "$dir/checks.sh"
finish() {
	checks_summary
	[[ $failures -eq 0 ]]
	exit
}

# udevadm test RULES_FILE_CONTENT: installs the rules, runs udev's rule
# processing for the device once and prints its log.
udev_run() {
	mkdir -p "${run_rules%/*}"
	cat >"$run_rules"
	udevadm test --action=add "$syspath" 2>&1
}

# Lines where udev reports a problem in our file: they name the file and
# line without a device prefix ("FILE:LINE Invalid key ...").
rule_complaints() {
	grep -E "^$run_rules:[0-9]+ " || true
}

if [[ $EUID -ne 0 || ! -c $device || ! -d $syspath ]]; then
	fail setup "needs root and the loaded module ($device, $syspath)"
	finish
fi
for f in "$rules" "$sysusers"; do
	[[ -f $f ]] || { fail setup "$f missing"; finish; }
done
created_run_udev=0
[[ -e /run/udev ]] || created_run_udev=1
created_dev_char=0
[[ -e /dev/char ]] || created_dev_char=1

# shellcheck disable=SC2317 # run by the EXIT trap
restore() {
	rm -f "$run_rules"
	rm -rf /dev/bindox.d
	chown root:root "$device" && chmod 0600 "$device"
	[[ $created_run_udev -eq 0 ]] || rm -rf /run/udev
	[[ $created_dev_char -eq 0 ]] || rm -rf /dev/char
}
trap restore EXIT

# ---- the group ----
if systemd-sysusers "$sysusers" && getent group bindox >/dev/null; then
	pass "sysusers: group bindox"
else
	fail "sysusers: group bindox" "systemd-sysusers $sysusers did not create it"
fi

# ---- the shipped rules on /dev/bindox ----
log=$(udev_run <"$rules")
complaints=$(rule_complaints <<<"$log")
if [[ -z $complaints ]]; then
	pass "rules: read without complaints"
else
	fail "rules: read without complaints" "$complaints"
fi
perm=$(stat -c '%a %U %G' "$device")
if [[ $perm == "660 root bindox" ]]; then
	pass "rules: $device is 0660 root:bindox"
else
	fail "rules: $device is 0660 root:bindox" "it is $perm"
	echo "$log"
fi
if [[ ! -e /dev/bindox.d ]]; then
	pass "rules: no /dev/bindox.d link for the host device"
else
	fail "rules: no /dev/bindox.d link for the host device" "$(ls -l /dev/bindox.d)"
fi

# ---- the per-container line, through its twin ----
twin=$(grep -F 'KERNEL=="bindox-?*"' "$rules" |
	sed -e 's/KERNEL=="bindox-?\*"/KERNEL=="bindox"/' -e 's/#bindox-}/#bind}/')
if [[ $(wc -l <<<"$twin") -ne 1 || $twin != *'KERNEL=="bindox",'*'#bind}'* ]]; then
	fail "per-container twin" "no single KERNEL==\"bindox-?*\" line with \"#bindox-}\" in $rules"
else
	log=$(udev_run <<<"$twin")
	complaints=$(rule_complaints <<<"$log")
	target=$(readlink /dev/bindox.d/ox 2>/dev/null || true)
	if [[ -z $complaints && $target == ../bindox ]]; then
		pass "per-container twin: /dev/bindox.d/ox -> ../bindox"
	else
		fail "per-container twin" "link target '${target}', complaints: '${complaints}'"
		echo "$twin"
		echo "$log"
	fi
	perm=$(stat -c '%a' "$device")
	if [[ $perm == 600 ]]; then
		pass "per-container twin: the node keeps the driver's mode 0600"
	else
		fail "per-container twin: the node keeps the driver's mode 0600" "mode $perm"
	fi
fi

finish
