#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-bindoxd: the bindoxd integration test. Runs inside the test VM as
# root with the bindox module loaded (tests/vm/run-tests.sh runs it from the
# build directory). It starts a private system-bus-like dbus-daemon
# (DBUS_SYSTEM_BUS_ADDRESS points at it, and its policy includes bindoxd's
# org.bindox.Coordinator1.conf), the real bindoxd on /dev/bindox, test
# servers and clients (bindox-itest-server, bindox-itest-client), and
# checks registration and lookup across processes, busctl's view,
# privileges, policy allow/deny/reload/revocation, invalid files, a kill -9
# and restart of bindoxd, and ServiceRemoved when a server dies.
#
# Checks marked [driver policy] need BINDOX_IOC_POLICY_LOAD in the driver;
# when the driver lacks it, they fail with a note saying so.
#
# Output: one "PASS: name" or "FAIL: name: why" line per check, then a
# summary in Check's format ("N%: Checks: N, Failures: F, Errors: 0") so
# that run-tests.sh counts the checks. Exit status 1 if any check failed.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bindoxd=$build/bindoxd/bindoxd
bindoxctl=$build/bindoxd/bindoxctl
server=$build/tests/integration/bindox-itest-server
client=$build/tests/integration/bindox-itest-client
bus_policy=$build/tests/integration/org.bindox.Coordinator1.conf
# shellcheck source=tests/helpers/private-bus.sh
. "$build/tests/integration/private-bus.sh"
# Plain users that exist on every Debian system: dbus-daemon refuses
# connections from uids without a passwd entry.
user=65534	# nobody: the device's group is given to it
other=1		# daemon: another user, without bus privileges

# shellcheck source=tests/helpers/checks.sh
. "$build/tests/integration/checks.sh"
pids=()
tmp=

# ---- reporting ----

# True when the driver refused the policy load for lack of the ioctl.
driver_lacks_policy_ioctl() {
	grep -q "ENOTTY" "$tmp/bindoxd.log" 2>/dev/null
}

# A check that needs the driver's policy ioctl: say so when it fails.
fail_policy() {
	if driver_lacks_policy_ioctl; then
		fail "$1" "$2 [driver policy: the driver has no BINDOX_IOC_POLICY_LOAD (ENOTTY)]"
	else
		fail "$1" "$2"
	fi
}

# expect NAME REGEX CMD...: CMD's output (stdout and stderr) matches REGEX.
expect() { expect_with fail "$@"; }
# expect_policy: expect, for a check that needs the driver's policy ioctl.
expect_policy() { expect_with fail_policy "$@"; }

# expect_with FAILFN NAME REGEX CMD...
expect_with() {
	local failfn=$1 name=$2 regex=$3 out
	shift 3
	out=$("$@" 2>&1)
	if grep -Eq -- "$regex" <<<"$out"; then
		pass "$name"
	else
		"$failfn" "$name" "output of '$*' does not match /$regex/: $(head -c 600 <<<"$out")"
	fi
}

# check NAME CMD...: CMD succeeds within 10 s; check_policy: the same,
# for a check that needs the driver's policy ioctl.
check() { check_with fail "$@"; }
check_policy() { check_with fail_policy "$@"; }

# (wait_until comes from checks.sh.)
check_with() {
	local failfn=$1 name=$2
	shift 2
	if wait_until 10 "$@"; then
		pass "$name"
	else
		"$failfn" "$name" "'$*' failed"
	fi
}

# ---- helpers ----

# Command prefixes (not functions, so that "&" and $! reach the program).
as_user=(setpriv --reuid="$user" --regid="$user" --clear-groups)
as_other=(setpriv --reuid="$other" --regid="$other" --clear-groups)

ctl() { "$bindoxctl" "$@"; }
bus() { busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" "$@"; }
coord_call() { bus call org.bindox.Coordinator1 /org/bindox/Coordinator1 org.bindox.Coordinator1 "$@"; }
coord_property() {
	bus get-property org.bindox.Coordinator1 /org/bindox/Coordinator1 \
		org.bindox.Coordinator1 "$1"
}

start_bindoxd() {
	local rc=0
	private_bindoxd_start "$tmp" "$bindoxd" || rc=1
	pids+=("$bindoxd_pid")
	return "$rc"
}

# start_server VAR NAME CMD...: CMD (a server given "--ready $run/NAME")
# in the background; waits until it is ready or gone. Output: $run/NAME.out.
start_server() {
	local var=$1 name=$2 pid deadline=$((SECONDS + 60))
	shift 2
	"$@" >"$run/$name.out" 2>&1 &
	pid=$!
	pids+=("$pid")
	printf -v "$var" '%s' "$pid"
	while [[ ! -e $run/$name && $SECONDS -lt $deadline ]]; do
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
	[[ -e $run/$name ]]
}

# signal_seen MEMBER ARG...: the signal log has MEMBER with these first arguments.
signal_seen() {
	local member=$1
	shift
	python3 - "$tmp/signals.log" "$member" "$@" <<'PY'
import re, sys
log, member, want = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(log).read()
for block in text.split("\nsignal ")[0:]:
    if f"member={member}" not in block:
        continue
    args = re.findall(r'^\s+(?:string|object path|uint64) "?([^"\n]*)"?$', block, re.M)
    if args[:len(want)] == want:
        sys.exit(0)
sys.exit(1)
PY
}

# signal_has MEMBER TEXT...: a MEMBER signal in the log mentions every TEXT.
signal_has() {
	python3 - "$tmp/signals.log" "$@" <<'PY'
import sys
log, member, want = sys.argv[1], sys.argv[2], sys.argv[3:]
for block in open(log).read().split("\nsignal "):
    if f"member={member}" in block and all(w in block for w in want):
        sys.exit(0)
sys.exit(1)
PY
}

policy_generation() { coord_property PolicyGeneration | awk '{ print $2 }'; }

# user_policy RULE...: a policy file for uid $user in the host domain, one
# rule a line from line 4 on (checks name rules by file and line).
user_policy() {
	printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' '<bindox-policy>' \
		"  <policy domain=\"host\" user=\"$user\">"
	printf '    %s\n' "$@"
	printf '%s\n' '  </policy>' '</bindox-policy>'
}

cleanup() {
	kill_and_reap ${pids[@]+"${pids[@]}"}
	if [[ -n ${device_mode:-} ]]; then
		chgrp "${device_mode% *}" /dev/bindox
		chmod "${device_mode#* }" /dev/bindox
	fi
	if [[ -n $tmp && -d $tmp ]]; then
		echo "----- bindoxd log -----"
		cat "$tmp/bindoxd.log" 2>/dev/null || true
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

# ---- setup: a private system bus, the device for a plain user ----

for f in "$bindoxd" "$bindoxctl" "$server" "$client" "$bus_policy"; do
	if [[ ! -e $f ]]; then
		echo "test-bindoxd: missing $f (build first)"
		echo "0%: Checks: 1, Failures: 1, Errors: 0"
		exit 1
	fi
done
if [[ ! -c /dev/bindox ]]; then
	echo "test-bindoxd: no /dev/bindox (runs in the test VM with the module loaded)"
	echo "0%: Checks: 1, Failures: 1, Errors: 0"
	exit 1
fi

tmp=$(mktemp -d /tmp/bindoxd-itest.XXXXXX)
chmod 0755 "$tmp"
mkdir "$tmp/policy.d" "$tmp/run"
# Ready files of servers running as plain users.
run=$tmp/run
chmod 1777 "$run"
# Lets uid $user through to ReloadPolicy, so that bindoxd's own euid check
# is what refuses it. uid $other gets the installed policy.
if ! private_bus_start "$tmp" "$bus_policy" "  <policy user=\"$user\">
    <allow send_destination=\"org.bindox.Coordinator1\"
           send_interface=\"org.bindox.Coordinator1\" send_member=\"ReloadPolicy\"/>
  </policy>"; then
	pids+=("$private_bus_pid")
	echo "test-bindoxd: dbus-daemon did not start: $(cat "$tmp/dbus.log")"
	echo "0%: Checks: 1, Failures: 1, Errors: 0"
	exit 1
fi
pids+=("$private_bus_pid")

dbus-monitor --address "$DBUS_SYSTEM_BUS_ADDRESS" \
	"type='signal',interface='org.bindox.Coordinator1'" \
	"type='signal',interface='org.freedesktop.DBus.Properties',path='/org/bindox/Coordinator1'" \
	"type='signal',interface='org.freedesktop.DBus.ObjectManager'" \
	>"$tmp/signals.log" 2>&1 &
pids+=($!)

# The device for the plain users (the domain stays the host's); restored
# by cleanup() for the tests that run next.
device_mode=$(stat -c '%g %a' /dev/bindox)
chgrp "$user" /dev/bindox
chmod 0660 /dev/bindox

# ---- bindoxd starts ----

if start_bindoxd; then
	pass "bindoxd-starts"
else
	fail "bindoxd-starts" "no answer on the bus: $(cat "$tmp/bindoxd.log")"
fi
expect "version-property" '^s "[0-9]+\.[0-9]+' coord_property Version
expect "service-count-zero" '^u 0$' coord_property ServiceCount
# The host domain: id 0, the node's owner and mode (0660 = 432), bindoxd's
# own connection, no services yet, its object.
expect "list-domains-busctl" \
	'^a\(susuuuuaso\) [0-9]+ (.* )?"host" 0 "/dev/bindox" 0 [0-9]+ 432 [1-9][0-9]* 0 "/org/bindox/Coordinator1/domain/host"' \
	coord_call ListDomains
expect "bindoxctl-domains" '^host +0 +/dev/bindox +0 +[0-9]+ +0660 +[1-9][0-9]* +-$' ctl domains

# ---- registration and lookup across processes ----

server_pid=
if start_server server_pid main "$server" --ready "$run/main" it.echo it.camera.front; then
	pass "server-registers"
else
	fail "server-registers" "$(cat "$run/main.out" 2>/dev/null)"
fi
expect "bindoxctl-list" "^it\\.echo +host +$server_pid +0 +0 " ctl list
expect "bindoxctl-list-count" '^2 services$' ctl list
expect "bindoxctl-json-list" '^ok$' python3 -c '
import json, subprocess, sys
s = json.loads(subprocess.check_output([sys.argv[1], "--json", "list"]))
names = sorted(x["name"] for x in s)
ok = names == ["it.camera.front", "it.echo"] and all(x["pid"] == int(sys.argv[2]) for x in s)
print("ok" if ok else s)' "$bindoxctl" "$server_pid"
check "signal-service-registered" signal_seen ServiceRegistered it.echo \
	/org/bindox/Coordinator1/service/it_2eecho
check "signal-service-count-changed" signal_has PropertiesChanged '"ServiceCount"' 'uint32 2'
check "signal-interfaces-added" signal_has InterfacesAdded \
	'object path "/org/bindox/Coordinator1/service/it_2ecamera_2efront"' \
	'"org.bindox.Coordinator1.Service"'
expect "lookup-call-root" '^reply it\.echo: hello$' "$client" call it.echo hello
expect "lookup-call-other-user" '^reply it\.camera\.front: frame 1$' \
	"${as_user[@]}" "$client" call it.camera.front "frame 1"
expect "lookup-unknown-enoent" '^error ENOENT$' "$client" lookup it.none
expect "duplicate-name-eexist" '^error it\.echo EEXIST$' "$server" --plain it.echo
expect "default-policy-user-register-eacces" '^error it\.user\.a EACCES$' \
	"${as_user[@]}" "$server" --plain it.user.a
expect "show-counts-clients" '^Clients: +1$' ctl show it.camera.front
expect "bindoxctl-json-show" '"name": "it\.echo", "domain": "host"' ctl --json show it.echo
expect "bindoxctl-domains-services" '^host +0 +/dev/bindox .* it\.camera\.front,it\.echo$' ctl domains
expect "bindoxctl-json-domains" '^ok$' python3 -c '
import json, subprocess, sys
d = {x["name"]: x for x in json.loads(subprocess.check_output([sys.argv[1], "--json", "domains"]))}
h = d.get("host", {})
ok = (h.get("id") == 0 and h.get("device") == "/dev/bindox" and h.get("mode") == "0660"
      and h.get("services") == ["it.camera.front", "it.echo"] and h.get("connections", 0) >= 2)
print("ok" if ok else d)' "$bindoxctl"
expect "busctl-domain-object" '^\.Services +property +as +2 "it\.camera\.front" "it\.echo"' \
	bus introspect org.bindox.Coordinator1 /org/bindox/Coordinator1/domain/host \
	org.bindox.Coordinator1.Domain
expect_status "bindoxctl-show-unknown-fails" 1 ctl show it.none

# A client of uid $user holds a handle to it.echo for the revocation check.
coproc HOLD { exec "${as_user[@]}" "$client" hold it.echo 2>&1; }
pids+=("$HOLD_PID")
hold_call() {
	local line=
	echo "call $1" >&"${HOLD[1]}"
	read -r -t 30 line <&"${HOLD[0]}" || line="(no answer)"
	echo "$line"
}
read -r -t 30 hold_first <&"${HOLD[0]}" || hold_first="(no answer)"
if [[ $hold_first == ok ]] && [[ $(hold_call before) == "reply it.echo: before" ]]; then
	pass "held-handle-calls"
else
	fail "held-handle-calls" "lookup: $hold_first"
fi

# ---- busctl's view ----

expect "busctl-tree-service" '/org/bindox/Coordinator1/service/it_2eecho' \
	bus tree org.bindox.Coordinator1
expect "busctl-tree-escaped" '/org/bindox/Coordinator1/service/it_2ecamera_2efront' \
	bus tree org.bindox.Coordinator1
expect "busctl-introspect-service" '^\.Name +property +s +"it\.echo" +const' \
	bus introspect org.bindox.Coordinator1 /org/bindox/Coordinator1/service/it_2eecho \
	org.bindox.Coordinator1.Service
expect "busctl-introspect-pid" "^\\.Pid +property +u +$server_pid +const" \
	bus introspect org.bindox.Coordinator1 /org/bindox/Coordinator1/service/it_2eecho \
	org.bindox.Coordinator1.Service
expect "busctl-introspect-manager" '^\.CheckAccess +method +suuss +bs ' \
	bus introspect org.bindox.Coordinator1 /org/bindox/Coordinator1 org.bindox.Coordinator1
expect "busctl-call-getservice" '^o "/org/bindox/Coordinator1/service/it_2eecho"$' \
	coord_call GetService s it.echo
expect "busctl-call-listservices" \
	"^a\\(ssuuutto\\) 2 \"it\\.camera\\.front\" \"host\" $server_pid 0 0 [0-9]+ 1 \"/org/bindox/Coordinator1/service/it_2ecamera_2efront\" \"it\\.echo\" \"host\" $server_pid 0 0 [0-9]+ [0-9]+ " \
	coord_call ListServices
expect "busctl-service-count" '^u 2$' coord_property ServiceCount
expect "busctl-getservice-unknown" 'No service "it\.none" is registered' \
	coord_call GetService s it.none
expect "busctl-checkaccess-default" '^bs false "built-in default' \
	coord_call CheckAccess suuss host "$user" "$user" register it.user.a
expect "busctl-checkaccess-bad-action" 'Unknown action' \
	coord_call CheckAccess suuss host 0 0 fly it.echo
expect_status "bindoxctl-check-denied-exit-3" 3 ctl check host "$user" "$user" register it.user.a
expect_status "bindoxctl-check-allowed-exit-0" 0 ctl check host 0 0 register it.user.a

# ---- privileges ----

expect "reload-refused-by-bindoxd" 'ReloadPolicy needs root' "${as_user[@]}" "$bindoxctl" reload
expect "reload-refused-by-bus" 'Rejected send message' "${as_other[@]}" "$bindoxctl" reload
expect "read-open-to-users" '^it\.echo ' "${as_other[@]}" "$bindoxctl" list

# ---- policy: allow, deny, reload, revocation ----

generation0=$(policy_generation)
expect_policy "reload-empty-policy" '^policy loaded, generation [0-9]+$' ctl reload

user_policy '<allow register="it.user.*"/>' '<deny lookup="it.camera.front"/>' \
	>"$tmp/policy.d/10-itest.xml"
expect_policy "reload-allow-deny" '^policy loaded, generation [0-9]+$' ctl reload
generation1=$(policy_generation)
if [[ -n $generation1 && -n $generation0 && $generation1 -gt $generation0 ]]; then
	pass "policy-generation-grows"
else
	fail_policy "policy-generation-grows" "PolicyGeneration $generation0 -> $generation1"
fi
check_policy "signal-policy-reloaded" signal_seen PolicyReloaded "$generation1"
check_policy "signal-policy-generation-changed" signal_has PropertiesChanged \
	'"PolicyGeneration"' "uint64 $generation1"
expect_policy "policy-allows-user-register" '^registered it\.user\.a$' \
	"${as_user[@]}" "$server" --plain --exit it.user.a
expect_policy "policy-user-register-outside-eacces" '^error it\.other\.a EACCES$' \
	"${as_user[@]}" "$server" --plain --exit it.other.a
expect_policy "checkaccess-names-rule" '^bs true ".*10-itest\.xml:4:[0-9]+: ' \
	coord_call CheckAccess suuss host "$user" "$user" register it.user.a
expect_policy "policy-denies-lookup" '^error EACCES$' \
	"${as_user[@]}" "$client" lookup it.camera.front
expect "policy-root-still-looks-up" '^ok$' "$client" lookup it.camera.front
expect_policy "policy-user-looks-up-other-name" '^ok$' "${as_user[@]}" "$client" lookup it.echo

user_policy '<deny call="it.echo"/>' >"$tmp/policy.d/20-revoke.xml"
expect_policy "reload-revoke" '^policy loaded, generation [0-9]+$' ctl reload
expect_policy "revoked-on-held-handle" '^error (EACCES|EPERM)$' hold_call after
expect "revoke-root-still-calls" '^reply it\.echo: twin$' "$client" call it.echo twin

# A registration the policy no longer allows is removed.
user_server_pid=
if start_server user_server_pid user "${as_user[@]}" "$server" --ready "$run/user" it.user.kept; then
	rm "$tmp/policy.d/10-itest.xml"
	ctl reload >/dev/null 2>&1
	if wait_until 20 signal_seen ServiceRemoved it.user.kept \
		/org/bindox/Coordinator1/service/it_2euser_2ekept revoked; then
		pass "registration-revoked"
		expect "revoke-keeps-allowed-registrations" "^it\\.echo +host +$server_pid " ctl list
	else
		fail_policy "registration-revoked" "no ServiceRemoved(revoked) for it.user.kept"
	fi
else
	fail_policy "registration-revoked" "uid $user could not register it.user.kept: $(cat "$run/user.out")"
fi
kill -TERM "$user_server_pid" 2>/dev/null
wait "$user_server_pid" 2>/dev/null

# ---- an invalid file leaves the policy in force ----

generation_before=$(policy_generation)
# The verdict of the policy in force: the deny of 20-revoke.xml, line 4.
verdict_revoked='^bs false ".*20-revoke\.xml:4:[0-9]+: '
expect_policy "invalid-file-verdict-before" "$verdict_revoked" \
	coord_call CheckAccess suuss host "$user" "$user" call it.echo
cat >"$tmp/policy.d/30-bad.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<bindox-policy>
  <policy domain="host">
    <allow regster="it.typo"/>
  </policy>
</bindox-policy>
EOF
expect "invalid-file-reload-fails" "30-bad\\.xml:4:[0-9]+: " ctl reload
expect_status "invalid-file-reload-exit-1" 1 ctl reload
expect "invalid-file-dbus-error" 'org\.bindox\.Coordinator1\.Error\.PolicyInvalid|30-bad\.xml:4:' \
	coord_call ReloadPolicy
expect "invalid-file-logged" "30-bad\\.xml:4:[0-9]+: " cat "$tmp/bindoxd.log"
if [[ $(policy_generation) == "$generation_before" ]]; then
	pass "invalid-file-generation-unchanged"
else
	fail "invalid-file-generation-unchanged" "$generation_before -> $(policy_generation)"
fi
expect_policy "invalid-file-old-policy-in-force" "$verdict_revoked" \
	coord_call CheckAccess suuss host "$user" "$user" call it.echo
expect_policy "invalid-file-old-policy-enforced" '^error (EACCES|EPERM)$' hold_call still
expect "invalid-file-root-still-calls" '^reply it\.echo: still$' "$client" call it.echo still

# inotify: a file that did not exist before, with a name and a rule of its
# own, comes into force without a reload request, and goes with its removal.
rm "$tmp/policy.d/30-bad.xml"
fresh=it.inotify.$$.$RANDOM
fresh_file=$tmp/policy.d/40-inotify-$$-$RANDOM.xml
verdict_default='^bs false "built-in default'
verdict_fresh="^bs true \".*${fresh_file##*/}:4:[0-9]+: "
verdict_is() {
	coord_call CheckAccess suuss host "$user" "$user" register "$fresh" 2>&1 | grep -Eq -- "$1"
}
expect "inotify-before-write" "$verdict_default" \
	coord_call CheckAccess suuss host "$user" "$user" register "$fresh"
user_policy "<allow register=\"$fresh\"/>" >"$fresh_file.tmp"
mv "$fresh_file.tmp" "$fresh_file"
if wait_until 30 verdict_is "$verdict_fresh"; then
	pass "inotify-reload-new-file"
else
	fail_policy "inotify-reload-new-file" "no verdict from ${fresh_file##*/}: $(coord_call \
		CheckAccess suuss host "$user" "$user" register "$fresh" 2>&1)"
fi
rm "$fresh_file"
if wait_until 30 verdict_is "$verdict_default"; then
	pass "inotify-reload-removed-file"
else
	fail_policy "inotify-reload-removed-file" "${fresh_file##*/} still in force"
fi
kill -HUP "$bindoxd_pid"
if wait_until 30 grep -q 'policy reload (SIGHUP)' "$tmp/bindoxd.log"; then
	pass "sighup-reload"
else
	fail "sighup-reload" "no reload logged after SIGHUP"
fi

# ---- kill -9 and restart: the services come back ----

kill -KILL "$bindoxd_pid"
wait "$bindoxd_pid" 2>/dev/null
if start_bindoxd; then
	pass "bindoxd-restarts"
else
	fail "bindoxd-restarts" "$(tail -n 20 "$tmp/bindoxd.log")"
fi
services_back() {
	local list
	# Not a pipe: under pipefail, grep -q exiting early would fail ctl.
	list=$(ctl list) &&
		grep -Eq "^it\\.echo +host +$server_pid " <<<"$list" &&
		grep -Eq "^it\\.camera\\.front +host +$server_pid " <<<"$list"
}
if wait_until 30 services_back; then
	pass "restart-services-back"
else
	fail "restart-services-back" "$(ctl list 2>&1)"
fi
expect "restart-lookup-call" '^reply it\.echo: again$' "$client" call it.echo again
if kill -0 "$server_pid" 2>/dev/null; then
	pass "restart-server-not-restarted"
else
	fail "restart-server-not-restarted" "the server process is gone"
fi

# ---- a server dies: ServiceRemoved ----

kill -KILL "$server_pid"
if wait_until 30 signal_seen ServiceRemoved it.echo /org/bindox/Coordinator1/service/it_2eecho died; then
	pass "server-death-service-removed"
else
	fail "server-death-service-removed" "no ServiceRemoved(died): $(tail -n 20 "$tmp/signals.log")"
fi
if wait_until 30 signal_seen ServiceRemoved it.camera.front \
	/org/bindox/Coordinator1/service/it_2ecamera_2efront died; then
	pass "server-death-all-names"
else
	fail "server-death-all-names" "no ServiceRemoved(died) for it.camera.front"
fi
check "signal-interfaces-removed" signal_has InterfacesRemoved \
	'object path "/org/bindox/Coordinator1/service/it_2eecho"'
expect "server-death-list-empty" '^0 services$' ctl list
expect "server-death-lookup-enoent" '^error ENOENT$' "$client" lookup it.echo

# ---- bindoxd stops cleanly ----

hold_fd=${HOLD[1]}
exec {hold_fd}>&-
wait "$HOLD_PID" 2>/dev/null
kill -TERM "$bindoxd_pid"
rc=0
wait "$bindoxd_pid" || rc=$?
if [[ $rc -eq 0 ]]; then
	pass "bindoxd-sigterm-exit-0"
else
	fail "bindoxd-sigterm-exit-0" "exit status $rc"
fi

checks_summary
[[ $failures -eq 0 ]]
