#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-domains-dbus: domains added and removed at run time over D-Bus
# (AddDomain, RemoveDomain, "bindoxctl domain add|remove"). Runs inside
# the test VM as root with bindox.ko loaded, with the real systemd-udevd,
# a private system bus and bindoxd (domain-env.sh), and checks:
#  - root adds a domain: udev makes its node with its owner and mode
#    within a second, its limits are in force, "bindoxctl domains" lists
#    it, its object says it is bindoxd's; a reload keeps it; "domain
#    remove" makes it go;
#  - a caller that is not root is refused with AccessDenied, by the shipped
#    bus policy and, on a bus that lets it through, by bindoxd's own check;
#  - bad input, each with its error and nothing created or changed:
#    invalid and reserved names, a name in use, a world-accessible mode,
#    limits out of range, unknown or given twice, no one's uid, an unknown
#    user, an unknown domain, a domain of a file's or not bindoxd's;
#  - a busy domain is removed only with --force (DomainBusy otherwise);
#  - a domain file of the same name takes a run-time domain over, and it
#    goes with the file; a restarted bindoxd still knows its run-time
#    domains.
#
# Output: "PASS: name" or "FAIL: name: why" per check, then a summary in
# Check's format. Exit status 1 if any check failed.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/helpers/domain-env.sh
. "$build/tests/integration/domain-env.sh"
env_domains=(itest-rt itest-rt2 itest-rt3 itest-rtfile itest-rtforeign)

# Plain users that exist on every Debian system (dbus-daemon needs them).
user=65534	# nobody: the test's bus lets it send AddDomain and RemoveDomain
other=1		# daemon: the shipped bus policy only
as_user=(setpriv --reuid="$user" --regid="$user" --clear-groups)
as_other=(setpriv --reuid="$other" --regid="$other" --clear-groups)

# uid $user may send the methods that change domains, so that bindoxd's
# own euid check is what refuses them; uid $other gets the shipped policy.
domain_env_setup "  <policy user=\"$user\">
    <allow send_destination=\"org.bindox.Coordinator1\"
           send_interface=\"org.bindox.Coordinator1\" send_member=\"AddDomain\"/>
    <allow send_destination=\"org.bindox.Coordinator1\"
           send_interface=\"org.bindox.Coordinator1\" send_member=\"RemoveDomain\"/>
  </policy>"

# A domain of a file's, and one that bindoxd did not create.
expect "setup: a domain bindoxd did not create" '^ok$' \
	"$domain_tool" add itest-rtforeign 0 0 0600
write_domains 60-rtfile.xml <<'EOF'
<bindox-domains>
  <domain name="itest-rtfile"/>
</bindox-domains>
EOF
if start_bindoxd; then
	pass "bindoxd starts"
else
	fail "bindoxd starts" "$(cat "$tmp/bindoxd.log")"
fi
check "setup: a domain of a file's" 1 node_is /dev/bindox.d/itest-rtfile "600 0 0"

# ---- run-time domains over D-Bus ----

# dbus_send [SETPRIV...] METHOD ARGS...: the method on the manager, with the
# error's name on failure ("Error org....: message").
dbus_send() {
	dbus-send --bus="$DBUS_SYSTEM_BUS_ADDRESS" --print-reply --dest=org.bindox.Coordinator1 \
		/org/bindox/Coordinator1 "org.bindox.Coordinator1.$1" "${@:2}"
}
domain_gone() { [[ $("$domain_tool" info "$1") == "error ENOENT" ]]; }

expect "runtime: root adds itest-rt" '^domain itest-rt added: id [0-9]+, object /org/bindox/Coordinator1/domain/itest_2drt$' \
	ctl domain add itest-rt --owner 1 --group 2 --mode 0640 --limit connections=4 \
	--limit buffer-bytes=1M
check "runtime: node 0640 1:2 within 1 s" 1 node_is /dev/bindox.d/itest-rt "640 1 2"
expect "runtime: its limits in force" '^4$' cat /sys/class/bindox/bindox-itest-rt/max_connections
expect "runtime: buffer bytes" "^$((1 << 20))$" cat /sys/class/bindox/bindox-itest-rt/max_buffer_bytes
check "runtime: bindoxctl domains lists it" 5 bash -c \
	"'$bindoxctl' domains | grep -Eq '^itest-rt +[0-9]+ +/dev/bindox\.d/itest-rt +1 +2 +0640 +0 +-$'"
expect "runtime: Managed" '^b true$' bus get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1/domain/itest_2drt org.bindox.Coordinator1.Domain Managed
expect "runtime: no File" '^s ""$' bus get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1/domain/itest_2drt org.bindox.Coordinator1.Domain File
expect "runtime: --json add" '^\{"name": "itest-rt2", "id": [0-9]+, "path": "/org/bindox/Coordinator1/domain/itest_2drt2"\}$' \
	ctl --json domain add itest-rt2 --owner root --group root
check "runtime: itest-rt2 0600 0:0 within 1 s" 1 node_is /dev/bindox.d/itest-rt2 "600 0 0"
expect_status "runtime: a reload exits 0" 0 ctl reload
if node_is /dev/bindox.d/itest-rt "640 1 2" && node_is /dev/bindox.d/itest-rt2 "600 0 0"; then
	pass "runtime: a reload keeps them"
else
	fail "runtime: a reload keeps them" "$(ls -l /dev/bindox.d 2>&1)"
fi

# Not root: the shipped bus policy refuses, and so does bindoxd itself.
expect "runtime: remove refused by the bus" 'AccessDenied' \
	"${as_other[@]}" dbus-send --bus="$DBUS_SYSTEM_BUS_ADDRESS" --print-reply \
	--dest=org.bindox.Coordinator1 /org/bindox/Coordinator1 \
	org.bindox.Coordinator1.RemoveDomain string:itest-rt boolean:true
expect "runtime: bindoxctl add refused by the bus" 'Rejected send message' \
	"${as_other[@]}" "$bindoxctl" domain add itest-evil
expect "runtime: add refused by bindoxd" 'AddDomain needs root' \
	"${as_user[@]}" "$bindoxctl" domain add itest-evil
expect "runtime: remove refused by bindoxd" \
	'Error org\.freedesktop\.DBus\.Error\.AccessDenied: RemoveDomain needs root' \
	"${as_user[@]}" dbus-send --bus="$DBUS_SYSTEM_BUS_ADDRESS" --print-reply \
	--dest=org.bindox.Coordinator1 /org/bindox/Coordinator1 \
	org.bindox.Coordinator1.RemoveDomain string:itest-rt boolean:true
if domain_gone itest-evil && node_is /dev/bindox.d/itest-rt "640 1 2"; then
	pass "runtime: the refusals changed nothing"
else
	fail "runtime: the refusals changed nothing" "$("$domain_tool" info itest-evil)"
fi

# Bad input: each with its error, nothing created or changed.
expect_status "bad: invalid name exits 1" 1 ctl domain add Bad_Name
expect "bad: invalid name" 'Invalid domain name "Bad_Name": 1 to 31 characters' cat "$tmp/last.out"
expect "bad: name too long" 'Invalid domain name' ctl domain add "$(printf 'x%.0s' {1..32})"
expect "bad: host is reserved" 'Domain name "host" is reserved' ctl domain add host
expect "bad: control is reserved" 'Domain name "control" is reserved' ctl domain add control
expect "bad: remove host" 'Domain name "host" is reserved' ctl domain remove host
expect "bad: duplicate" 'Error org\.bindox\.Coordinator1\.Error\.DomainExists: Domain "itest-rt" exists already' \
	dbus_send AddDomain string:itest-rt uint32:0 uint32:0 uint32:0600 dict:string:uint64:calls,5
expect "bad: a file's name" 'Domain "itest-rtfile" exists already' ctl domain add itest-rtfile
expect "bad: world-accessible mode" 'Mode 0666 is not allowed' \
	ctl domain add itest-rt3 --mode 0666
expect "bad: limit 0" 'Limit connections=0 is out of range: 1 to 65536' \
	ctl domain add itest-rt3 --limit connections=0
expect "bad: limit too high" 'Limit buffer-bytes=17592186044417 is out of range: 1 to 17592186044416' \
	ctl domain add itest-rt3 --limit buffer-bytes=17592186044417
expect "bad: unknown limit" 'Unknown limit "speed"' ctl domain add itest-rt3 --limit speed=5
expect "bad: a limit twice" 'Limit "calls" is given twice' \
	ctl domain add itest-rt3 --limit calls=5 --limit calls=6
expect "bad: no one's uid" 'Invalid owner 4294967295:0' \
	dbus_send AddDomain string:itest-rt3 uint32:4294967295 uint32:0 uint32:0600 \
	dict:string:uint64:calls,5
expect "bad: unknown user" 'no such user' ctl domain add itest-rt3 --owner no-such-user-here
if domain_gone itest-rt3 && node_is /dev/bindox.d/itest-rt "640 1 2" &&
	[[ $(cat /sys/class/bindox/bindox-itest-rt/max_connections) == 4 ]]; then
	pass "bad: nothing created or changed"
else
	fail "bad: nothing created or changed" "$("$domain_tool" info itest-rt3)"
fi
expect "bad: remove unknown" 'Error org\.bindox\.Coordinator1\.Error\.NoSuchDomain: No domain "itest-none"' \
	dbus_send RemoveDomain string:itest-none boolean:false
expect "bad: remove a file's domain" 'Domain "itest-rtfile" is declared by the domain file 60-rtfile\.xml' \
	ctl domain remove itest-rtfile
expect "bad: remove a domain not bindoxd's" 'Domain "itest-rtforeign" was not created by bindoxd' \
	ctl domain remove itest-rtforeign
if node_is /dev/bindox.d/itest-rtfile "600 0 0" && ! domain_gone itest-rtforeign; then
	pass "bad: those removals changed nothing"
else
	fail "bad: those removals changed nothing" "$(ls -l /dev/bindox.d 2>&1)"
fi

# Removal: a free one goes; a busy one only with --force.
expect "runtime: remove itest-rt2" '^domain itest-rt2 removed$' ctl domain remove itest-rt2
check "runtime: itest-rt2's node gone within 1 s" 1 node_gone /dev/bindox.d/itest-rt2
check "runtime: itest-rt2 no longer listed" 5 bash -c "! '$bindoxctl' domains | grep -q '^itest-rt2 '"
exec {held}</dev/bindox.d/itest-rt
expect_status "busy: remove without --force exits 1" 1 ctl domain remove itest-rt
expect "busy: refused with DomainBusy" \
	'Error org\.bindox\.Coordinator1\.Error\.DomainBusy: Domain "itest-rt" is in use \(1 open connections\)' \
	dbus_send RemoveDomain string:itest-rt boolean:false
if node_is /dev/bindox.d/itest-rt "640 1 2"; then
	pass "busy: itest-rt kept"
else
	fail "busy: itest-rt kept" "$(ls -l /dev/bindox.d 2>&1)"
fi
expect "busy: --force removes it" '^\{"name": "itest-rt", "forced": true\}$' \
	ctl domain remove --force itest-rt --json
check "busy: node gone at once" 1 node_gone /dev/bindox.d/itest-rt
exec {held}<&-
expect "busy: the driver has it no more" '^error ENOENT$' "$domain_tool" info itest-rt

# A file of the same name takes a run-time domain over.
expect "takeover: add itest-rt3" '^domain itest-rt3 added' ctl domain add itest-rt3
write_domains 75-rt3.xml <<'EOF_RT3'
<bindox-domains>
  <domain name="itest-rt3" mode="0660" group="2"/>
</bindox-domains>
EOF_RT3
expect_status "takeover: reload exits 0" 0 ctl reload
check "takeover: the file's mode within 1 s" 1 node_is /dev/bindox.d/itest-rt3 "660 0 2"
expect "takeover: File" '^s "75-rt3\.xml"$' bus get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1/domain/itest_2drt3 org.bindox.Coordinator1.Domain File
expect "takeover: logged" 'itest-rt3, added over D-Bus, is declared by .*75-rt3\.xml' \
	cat "$tmp/bindoxd.log"
expect "takeover: remove refused" 'declared by the domain file 75-rt3\.xml' \
	ctl domain remove itest-rt3
rm "$tmp/domains.d/75-rt3.xml"
expect_status "takeover: undeclared, reload exits 0" 0 ctl reload
check "takeover: gone with its file" 1 node_gone /dev/bindox.d/itest-rt3

# One more, to outlive the restart below.
expect "runtime: add itest-rt for the restart" '^domain itest-rt added' \
	ctl domain add itest-rt --mode 0660

# ---- a restarted bindoxd knows its run-time domains ----

stop_bindoxd
if start_bindoxd; then
	pass "restart: bindoxd starts again"
else
	fail "restart: bindoxd starts again" "$(tail -n 20 "$tmp/bindoxd.log")"
fi
expect "restart: itest-rt still bindoxd's" '^b true$' bus get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1/domain/itest_2drt org.bindox.Coordinator1.Domain Managed
expect_status "restart: a reload exits 0" 0 ctl reload
if node_is /dev/bindox.d/itest-rt "660 0 0"; then
	pass "restart: run-time itest-rt kept"
else
	fail "restart: run-time itest-rt kept" "$(ls -l /dev/bindox.d 2>&1)"
fi
expect "restart: itest-rt removed over D-Bus" '^domain itest-rt removed$' \
	ctl domain remove itest-rt
check "restart: itest-rt's node gone" 1 node_gone /dev/bindox.d/itest-rt

stop_bindoxd
checks_summary
[[ $failures -eq 0 ]]
