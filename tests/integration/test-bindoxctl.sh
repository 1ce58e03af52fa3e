#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-bindoxctl: bindoxctl status, --version and the hints that name the
# fix, against the real bindoxd, and bindoxd's journal fields. Runs inside
# the test VM as root with the bindox module loaded (tests/vm/run-tests.sh).
# bindoxd runs on a private bus as in test-bindoxd. No journald runs in
# the VM: journal-listen.py binds the journal's native socket
# (/run/systemd/journal/socket) and records what bindoxd sends there, and
# bindoxd's stderr is a file named by JOURNAL_STREAM, as systemd would
# name the journal's stream.
#
# Output: "PASS: name" / "FAIL: name: why" per check, then Check's summary.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bindoxd=$build/bindoxd/bindoxd
bindoxctl=$build/bindoxd/bindoxctl
server=$build/tests/integration/bindox-itest-server
client=$build/tests/integration/bindox-itest-client
listen=$build/tests/integration/journal-listen.py
bus_policy=$build/tests/integration/org.bindox.Coordinator1.conf
journal_socket=/run/systemd/journal/socket
version=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \
	"$build/meson-info/intro-projectinfo.json")
# shellcheck source=tests/helpers/checks.sh
. "$build/tests/integration/checks.sh"
# shellcheck source=tests/helpers/private-bus.sh
. "$build/tests/integration/private-bus.sh"
user=65534	# nobody
as_user=(setpriv --reuid="$user" --regid="$user" --clear-groups)
pids=()
tmp=
moved=

cleanup() {
	kill_and_reap ${pids[@]+"${pids[@]}"}
	[[ -n $moved && -e $moved ]] && mv "$moved" /dev/bindox
	if [[ -n ${device_mode:-} ]]; then
		chgrp "${device_mode% *}" /dev/bindox
		chmod "${device_mode#* }" /dev/bindox
	fi
	rm -f "$journal_socket"
	if [[ -n $tmp && -d $tmp ]]; then
		echo "----- bindoxd stderr -----"
		cat "$tmp/bindoxd.err" 2>/dev/null || true
		echo "----- journal entries -----"
		cat "$tmp/journal.jsonl" 2>/dev/null || true
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

ping_bindoxd() {
	busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call org.bindox.Coordinator1 \
		/org/bindox/Coordinator1 org.freedesktop.DBus.Peer Ping
}

# start_bindoxd journal|plain: bindoxd with stderr appended to
# $tmp/bindoxd.err, with JOURNAL_STREAM naming that file (journal) or not.
start_bindoxd() {
	local mode=$1
	# shellcheck disable=SC2016 # expanded by the inner shell
	env -u JOURNAL_STREAM bash -c '
		[[ $1 == journal ]] && export JOURNAL_STREAM=$(stat -L -c "%d:%i" /proc/self/fd/2)
		shift
		exec "$@"' _ "$mode" \
		"$bindoxd" --device /dev/bindox --policy-dir "$tmp/policy.d" \
		--vendor-policy-dir "$tmp/vendor.d" --domains-dir "$tmp/domains.d" \
		--vendor-domains-dir "$tmp/vendor-domains.d" --state-dir "$tmp/state" \
		>>"$tmp/bindoxd.out" 2>>"$tmp/bindoxd.err" &
	bindoxd_pid=$!
	pids+=("$bindoxd_pid")
	wait_until 60 ping_bindoxd
}

stop_bindoxd() {
	kill -TERM "$bindoxd_pid" 2>/dev/null
	wait "$bindoxd_pid" 2>/dev/null
}

# journal_has NAME=VALUE...: an entry in the recorded journal has all of them.
journal_has() {
	python3 - "$tmp/journal.jsonl" "$@" <<'PY'
import json, sys
want = dict(a.split("=", 1) for a in sys.argv[2:])
for line in open(sys.argv[1]):
    e = json.loads(line)
    if all(e.get(k) == v for k, v in want.items()):
        sys.exit(0)
sys.exit(1)
PY
}

for f in "$bindoxd" "$bindoxctl" "$server" "$client" "$listen" "$bus_policy"; do
	if [[ ! -e $f ]]; then
		echo "test-bindoxctl: missing $f (build first)"
		echo "0%: Checks: 1, Failures: 1, Errors: 0"
		exit 1
	fi
done
if [[ ! -c /dev/bindox || -e $journal_socket ]]; then
	echo "test-bindoxctl: needs /dev/bindox and no journald (runs in the test VM)"
	echo "0%: Checks: 1, Failures: 1, Errors: 0"
	exit 1
fi

tmp=$(mktemp -d /tmp/bindoxctl-itest.XXXXXX)
chmod 0755 "$tmp"
mkdir "$tmp/policy.d" "$tmp/vendor.d" "$tmp/run"
chmod 1777 "$tmp/run"
if ! private_bus_start "$tmp" "$bus_policy" "  <policy user=\"$user\">
    <allow send_destination=\"org.bindox.Coordinator1\"
           send_interface=\"org.bindox.Coordinator1\" send_member=\"ReloadPolicy\"/>
  </policy>"; then
	echo "test-bindoxctl: dbus-daemon did not start: $(cat "$tmp/dbus.log")"
	echo "0%: Checks: 1, Failures: 1, Errors: 0"
	exit 1
fi
pids+=("$private_bus_pid")
device_mode=$(stat -c '%g %a' /dev/bindox)

# ---- without bindoxd: the hints ----

expect_exit version 0 "^bindoxctl ${version//./\\.}\$" "$bindoxctl" --version
expect_exit absent-daemon-hint 1 '^hint: bindoxd is not running: start it with "systemctl start bindoxd"' \
	"$bindoxctl" status
moved=/dev/bindox.moved-by-test
mv /dev/bindox "$moved"
expect_exit absent-device-hint 1 '^hint: the bindox module is loaded, but /dev/bindox is missing: udev' \
	"$bindoxctl" list
mv "$moved" /dev/bindox
moved=

# ---- bindoxd logging to the "journal" ----

python3 "$listen" "$journal_socket" "$tmp/journal.jsonl" &
pids+=($!)
wait_until 20 test -S "$journal_socket"
cat >"$tmp/policy.d/10-hide.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<bindox-policy>
  <policy domain="host" user="$user">
    <deny lookup="it.hidden"/>
    <deny call="it.nocall"/>
  </policy>
</bindox-policy>
EOF
if start_bindoxd journal; then
	pass "bindoxd-starts"
else
	fail "bindoxd-starts" "$(cat "$tmp/bindoxd.err")"
fi

# ---- status ----

driver_version=$(cat /sys/module/bindox/version 2>/dev/null)
expect_exit status-coordinator 0 "^Coordinator: +bindoxd ${version//./\\.} \\(org\\.bindox\\.Coordinator1\\)\$" \
	"$bindoxctl" status
expect_exit status-driver 0 "^Driver: +bindox ${driver_version//./\\.}, interface 1\\.[0-9]+\$" \
	"$bindoxctl" status
expect_exit status-device 0 '^Device: +/dev/bindox$' "$bindoxctl" status
expect_exit status-access-root 0 '^Device access: +yes$' "$bindoxctl" status
expect_exit status-policy 0 '^Policy: +generation [1-9][0-9]*, 2 rules from 1 file$' "$bindoxctl" status
expect_exit status-policy-file 0 "^ +$tmp/policy\\.d/10-hide\\.xml\$" "$bindoxctl" status
expect_exit status-domains 0 '^Domains: +[1-9][0-9]*: (.*, )?host(,|$)' "$bindoxctl" status

# The device closed to nobody: 0660 root:bindox, nobody not in the group
# (the VM's root is an overlay: a group added here is gone afterwards).
getent group bindox >/dev/null || groupadd --system bindox
chgrp bindox /dev/bindox
chmod 0660 /dev/bindox
expect_exit status-access-group-hint 0 \
	'^Device access: +no: you may not open /dev/bindox: programs that use Bindox need the group "bindox"' \
	"${as_user[@]}" "$bindoxctl" status

# ---- denials: counted, shown, logged with their fields ----
# The driver refuses the registration and the call (and counts them in
# the domain's sysfs attributes); bindoxd refuses the lookup of a hidden
# service itself.

chgrp "$user" /dev/bindox
"$server" --ready "$tmp/run/hidden" it.hidden it.nocall >"$tmp/server.out" 2>&1 &
hidden_pid=$!
pids+=("$hidden_pid")
wait_until 60 test -e "$tmp/run/hidden"
expect_exit denied-register 1 '^error it\.user\.a EACCES$' "${as_user[@]}" "$server" --plain it.user.a
expect_exit denied-lookup 1 '^error (EACCES|ENOENT)$' "${as_user[@]}" "$client" lookup it.hidden
expect_exit allowed-lookup 0 '^ok$' "$client" lookup it.hidden
expect_exit denied-call 1 '^error (EACCES|EPERM)$' "${as_user[@]}" "$client" call it.nocall hi
expect_exit allowed-call 0 '^reply it\.nocall: hi$' "$client" call it.nocall hi
expect_exit driver-denied-register 0 '^1$' cat /sys/class/bindox/bindox/denied_register
expect_exit driver-denied-call 0 '^1$' cat /sys/class/bindox/bindox/denied_call
expect_exit status-denied 0 '^Denied: +1 registration, 1 lookup, 1 call$' "$bindoxctl" status
expect_exit status-services 0 '^Services: +2$' "$bindoxctl" status
expect_exit status-json 0 '^ok$' python3 -c '
import json, subprocess, sys
s = json.loads(subprocess.check_output([sys.argv[1], "--json", "status"]))
ok = (s["version"] == sys.argv[2] and s["device"] == "/dev/bindox" and s["device_access"]
      and s["denied_registrations"] == 1 and s["denied_lookups"] == 1 and s["denied_calls"] == 1
      and s["services"] == 2 and "host" in s["domains"] and s["policy_rules"] == 2
      and s["policy_generation"] > 0
      and s["policy_files"] == [sys.argv[3]])
print("ok" if ok else s)' "$bindoxctl" "$version" "$tmp/policy.d/10-hide.xml"

expect_exit journal-denied-lookup 0 '' journal_has MESSAGE_ID=f4da8c35426c479cbacb558ebcaa568c \
	PRIORITY=5 SYSLOG_IDENTIFIER=bindoxd BINDOX_SERVICE=it.hidden BINDOX_DOMAIN=host \
	CODE_FILE=../bindoxd/coordinator.c CODE_FUNC=coordinator_lookup
expect_exit journal-registered 0 '' journal_has PRIORITY=6 BINDOX_SERVICE=it.hidden BINDOX_DOMAIN=host
expect_exit journal-reloaded 0 '' journal_has MESSAGE_ID=d1f3eab3fea04e12a63823921a0a8a27 PRIORITY=6

cat >"$tmp/policy.d/30-bad.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<bindox-policy>
  <policy domain="host">
    <allow regster="it.typo"/>
  </policy>
</bindox-policy>
EOF
expect_exit reload-bad-file 1 "30-bad\\.xml:4:12: " "$bindoxctl" reload
expect_exit journal-reload-failed 0 '' journal_has MESSAGE_ID=bcda0fe1e0c54d23badfff2b204c4356 \
	PRIORITY=3 "BINDOX_POLICY_FILE=$tmp/policy.d/30-bad.xml"
expect_exit reload-needs-root-hint 1 '^hint: this needs root' "${as_user[@]}" "$bindoxctl" reload
if grep -q 'policy reload' "$tmp/bindoxd.err"; then
	fail "journal-not-stderr" "the journal's messages went to stderr too"
else
	pass "journal-not-stderr"
fi
rm "$tmp/policy.d/30-bad.xml"
stop_bindoxd

# ---- on a terminal or a file: plain text ----

: >"$tmp/bindoxd.err"
if start_bindoxd plain; then
	pass "bindoxd-starts-plain"
else
	fail "bindoxd-starts-plain" "$(cat "$tmp/bindoxd.err")"
fi
expect_exit plain-text 0 '^bindoxd: ready: org\.bindox\.Coordinator1 on the system bus$' \
	cat "$tmp/bindoxd.err"
expect_exit plain-no-level-prefix 1 '' grep -q '<[0-9]>' "$tmp/bindoxd.err"
stop_bindoxd
kill -TERM "$hidden_pid" 2>/dev/null

checks_summary
[[ $failures -eq 0 ]]
