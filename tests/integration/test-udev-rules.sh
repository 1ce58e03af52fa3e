#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-udev-rules: checks udev/60-bindox.rules against the devices the
# driver really creates. Runs inside the test VM as root with bindox.ko
# loaded (tests/vm/run-tests.sh runs it from the build directory; the
# guest's /run, /dev and /etc are its own). It creates the group from
# udev/bindox.sysusers with systemd-sysusers, puts the rule into
# /run/udev/rules.d and runs "udevadm test" (no udevd needed):
#  - the host domain's device ("bindox" in the class "bindox"): udev reads
#    the file without a complaint, /dev/bindox becomes 0660 root:bindox,
#    tagged for systemd;
#  - a domain's device ("bindox-itest-udev", made through the control
#    device with bindox-itest-domain): its node is /dev/bindox.d/itest-udev
#    as the kernel named it (no link, no PROGRAM), and udev gives it the
#    owner, group and mode of the uevent even after they were changed on
#    the node, on "add" and, after an update, on "change"; tagged too.
# Afterwards /dev/bindox is 0600 root:root again, as the driver made it,
# and the test domain is gone. The same rule with systemd-udevd running is
# tested by test-domain-files.
#
# Output: "PASS: name" or "FAIL: name: why" per check, then a summary in
# Check's format for run-tests.sh. Exit status 1 if any check failed.
set -uo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rules=$dir/60-bindox.rules
sysusers=$dir/bindox.sysusers
domain_tool=$dir/bindox-itest-domain
device=/dev/bindox
syspath=/sys/class/bindox/bindox
domain=itest-udev
domain_node=/dev/bindox.d/$domain
domain_syspath=/sys/class/bindox/bindox-$domain
run_rules=/run/udev/rules.d/60-bindox.rules

# shellcheck source=tests/helpers/checks.sh
. "$dir/checks.sh"
finish() {
	checks_summary
	[[ $failures -eq 0 ]]
	exit
}

# udev_run SYSPATH ACTION: runs udev's rule processing for the device once
# with the rules installed, and prints its log.
udev_run() {
	udevadm test --action="$2" "$1" 2>&1
}

# Lines where udev reports a problem in our file: they name the file and
# line without a device prefix ("FILE:LINE Invalid key ...").
rule_complaints() {
	grep -E "^$run_rules:[0-9]+ " || true
}

# expect_perm NAME PATH "MODE UID GID": the node's mode (octal) and numeric owner.
expect_perm() {
	local perm
	perm=$(stat -c '%a %u %g' "$2" 2>&1)
	if [[ $perm == "$3" ]]; then
		pass "$1"
	else
		fail "$1" "$2 is '$perm', not '$3'"
		[[ -z ${log:-} ]] || echo "$log"
	fi
}

# expect_tagged NAME LOG: udev tagged the device for systemd.
expect_tagged() {
	if grep -Eq '^(CURRENT_)?TAGS=.*:systemd:' <<<"$2"; then
		pass "$1"
	else
		fail "$1" "no TAGS with systemd in udevadm's output"
	fi
}

if [[ $EUID -ne 0 || ! -c $device || ! -d $syspath ]]; then
	fail setup "needs root and the loaded module ($device, $syspath)"
	finish
fi
for f in "$rules" "$sysusers" "$domain_tool"; do
	[[ -e $f ]] || { fail setup "$f missing"; finish; }
done
created_run_udev=0
[[ -e /run/udev ]] || created_run_udev=1
created_dev_char=0
[[ -e /dev/char ]] || created_dev_char=1

# shellcheck disable=SC2317 # run by the EXIT trap
restore() {
	"$domain_tool" remove "$domain" force >/dev/null 2>&1
	rm -f "$run_rules"
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
bindox_gid=$(getent group bindox | cut -d: -f3)

mkdir -p "${run_rules%/*}"
cp "$rules" "$run_rules"

# ---- the host domain ----
log=$(udev_run "$syspath" add)
complaints=$(rule_complaints <<<"$log")
if [[ -z $complaints ]]; then
	pass "rules: read without complaints"
else
	fail "rules: read without complaints" "$complaints"
fi
expect_perm "host: $device is 0660 root:bindox" "$device" "660 0 $bindox_gid"
expect_tagged "host: tagged for systemd" "$log"
if [[ ! -e /dev/bindox.d ]]; then
	pass "host: no /dev/bindox.d for the host device"
else
	fail "host: no /dev/bindox.d for the host device" "$(ls -l /dev/bindox.d)"
fi

# ---- a domain: the kernel names the node, udev keeps its owner and mode ----
out=$("$domain_tool" add "$domain" 1 2 0640)
if [[ $out == ok && -c $domain_node && -d $domain_syspath ]]; then
	pass "domain: $domain_node made by the kernel"
else
	fail "domain: $domain_node made by the kernel" "add: $out; $(ls -l /dev/bindox.d 2>&1)"
	finish
fi
expect_perm "domain: the kernel's owner and mode" "$domain_node" "640 1 2"
uevent=$(cat "$domain_syspath/uevent")
for kv in "BINDOX_DOMAIN=$domain" BINDOX_UID=1 BINDOX_GID=2 BINDOX_MODE=0640 \
	"DEVNAME=bindox.d/$domain"; do
	if grep -qx "$kv" <<<"$uevent"; then
		pass "domain: uevent has $kv"
	else
		fail "domain: uevent has $kv" "$(tr '\n' ' ' <<<"$uevent")"
	fi
done

# What udev would have done without the rule's keys: reset; the rule sets back.
chown 0:0 "$domain_node" && chmod 0600 "$domain_node"
log=$(udev_run "$domain_syspath" add)
complaints=$(rule_complaints <<<"$log")
if [[ -z $complaints ]]; then
	pass "domain: rules read without complaints"
else
	fail "domain: rules read without complaints" "$complaints"
fi
expect_perm "domain: add keeps the domain's owner and mode" "$domain_node" "640 1 2"
expect_tagged "domain: tagged for systemd" "$log"
# udev's own /dev/char/MAJOR:MINOR links aside.
links=$(find /dev -maxdepth 2 -lname "*bindox*" -not -path '/dev/char/*' 2>/dev/null)
if [[ -z $links && $(ls /dev/bindox.d) == "$domain" ]]; then
	pass "domain: no links, the node itself"
else
	fail "domain: no links, the node itself" "$links $(ls -l /dev/bindox.d)"
fi

# An update: the change uevent carries the new values, udev applies them.
out=$("$domain_tool" update "$domain" 3 4 0660)
log=$(udev_run "$domain_syspath" change)
if [[ $out == ok ]]; then
	expect_perm "domain: change applies an update" "$domain_node" "660 3 4"
else
	fail "domain: change applies an update" "update: $out"
fi

out=$("$domain_tool" remove "$domain")
if [[ $out == ok && ! -e $domain_node ]]; then
	pass "domain: node gone with the domain"
else
	fail "domain: node gone with the domain" "remove: $out; $(ls -l /dev/bindox.d 2>&1)"
fi

finish
