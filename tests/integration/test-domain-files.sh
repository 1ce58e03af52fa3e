#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-domain-files: domains declared in files, end to end. Runs inside the test
# VM as root with bindox.ko loaded (tests/vm/run-tests.sh runs it from the
# build directory). It starts the real systemd-udevd with the shipped rule
# (udev/60-bindox.rules in /run/udev/rules.d, the group from
# udev/bindox.sysusers), a private system bus, and bindoxd with domain and
# policy folders of its own, and checks:
#  - a domain declared in a file appears as /dev/bindox.d/NAME with the
#    owner, group and mode of the file within a second of "bindoxctl
#    reload", in the udev database (BINDOX_DOMAIN, tagged for systemd), in
#    ListDomains and as a D-Bus object;
#  - an update of owner and mode reaches the node; a bad file is reported
#    as FILE:LINE:COLUMN and skipped while the others apply, and the
#    domains it declared stay as they are;
#  - a domain no longer declared is removed and its node is gone; one in
#    use is kept until it is closed; remove="force" ends its connections
#    (a client's next call fails) and its services leave with the reason
#    "domain-removed";
#  - a domain bindoxd did not create is reported and left alone, before and
#    after it is declared; a restarted bindoxd still knows its own;
#  - across domains, a hidden service answers exactly as a missing name.
#
# Output: "PASS: name" or "FAIL: name: why" per check, then a summary in
# Check's format. Exit status 1 if any check failed.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/helpers/domain-env.sh
. "$build/tests/integration/domain-env.sh"
env_domains=(itest-a itest-b itest-c itest-foreign)
domain_env_setup ""

# Services may be registered in itest-c, and looked up from the host there.
cat >"$tmp/policy.d/50-itest.xml" <<'EOF'
<bindox-policy>
  <policy domain="itest-c" user="0">
    <allow register="it.c.*"/>
  </policy>
</bindox-policy>
EOF

# A domain that bindoxd did not create, before bindoxd starts.
expect "foreign: made without bindoxd" '^ok$' "$domain_tool" add itest-foreign 0 0 0600

if start_bindoxd; then
	pass "bindoxd starts"
else
	fail "bindoxd starts" "$(cat "$tmp/bindoxd.log")"
fi

# ---- a declared domain appears ----

write_domains 50-a.xml <<'EOF'
<bindox-domains>
  <domain name="itest-a" user="1" group="2" mode="0640">
    <limits connections="8" buffer-bytes="64M"/>
  </domain>
</bindox-domains>
EOF
expect_status "reload: creates itest-a" 0 ctl reload
check "node: /dev/bindox.d/itest-a 0640 1:2 within 1 s" 1 node_is /dev/bindox.d/itest-a "640 1 2"
expect "sysfs: the limits in force" '^8$' cat /sys/class/bindox/bindox-itest-a/max_connections
expect "sysfs: buffer bytes" "^$((64 << 20))$" cat /sys/class/bindox/bindox-itest-a/max_buffer_bytes
check "udev database: BINDOX_DOMAIN" 5 \
	bash -c 'udevadm info /dev/bindox.d/itest-a | grep -qx "E: BINDOX_DOMAIN=itest-a"'
expect "udev database: tagged for systemd" '^[GQ]: systemd$|^E: (CURRENT_)?TAGS=.*:systemd:' \
	udevadm info /dev/bindox.d/itest-a
expect "bindoxctl domains: itest-a" '^itest-a +[0-9]+ +/dev/bindox\.d/itest-a +1 +2 +0640 +0 +-$' \
	ctl domains
expect "ListDomains: itest-a" '"itest-a" [0-9]+ "/dev/bindox.d/itest-a" 1 2 416 0 0 "/org/bindox/Coordinator1/domain/itest_2da"' \
	bus call org.bindox.Coordinator1 /org/bindox/Coordinator1 org.bindox.Coordinator1 ListDomains
expect "object: Managed" '^b true$' bus get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1/domain/itest_2da org.bindox.Coordinator1.Domain Managed
expect "object: File" '^s "50-a\.xml"$' bus get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1/domain/itest_2da org.bindox.Coordinator1.Domain File
expect "busctl tree: domain objects" '/org/bindox/Coordinator1/domain/itest_2da' \
	bus tree org.bindox.Coordinator1
check "signal: InterfacesAdded" 5 signal_seen '/org/bindox/Coordinator1/domain/itest_2da'

# ---- update in place ----

id_before=$(cat /sys/class/bindox/bindox-itest-a/domain_id)
sed -i 's/group="2" mode="0640"/group="3" mode="0660"/' "$tmp/domains.d/50-a.xml"
expect_status "reload: updates itest-a" 0 ctl reload
check "node: the update reaches it within 1 s" 1 node_is /dev/bindox.d/itest-a "660 1 3"
expect "update: same domain (id)" "^$id_before$" cat /sys/class/bindox/bindox-itest-a/domain_id

# ---- bad input: reported, skipped, the rest applies, nothing else changes ----

write_domains 40-bad.xml <<'EOF'
<bindox-domains>
  <domain name="itest-b" mode="0666"/>
</bindox-domains>
EOF
write_domains 45-syntax.xml <<'EOF'
<bindox-domains>
  <domain name="itest-b"
</bindox-domains>
EOF
write_domains 47-user.xml <<'EOF'
<bindox-domains>
  <domain name="itest-b" user="no-such-user-here"/>
</bindox-domains>
EOF
write_domains 60-b.xml <<'EOF'
<bindox-domains>
  <domain name="itest-b" remove="force"/>
</bindox-domains>
EOF
expect_status "bad files: reload exits 1" 1 ctl reload
expect "bad files: mode reported with its place" '40-bad\.xml:2:32: mode 0666 is not allowed' \
	cat "$tmp/last.out"
expect "bad files: syntax error with its place" '45-syntax\.xml:[0-9]+:[0-9]+: XML syntax' \
	cat "$tmp/last.out"
expect "bad files: unknown user with its place" '47-user\.xml:2:32: unknown user' \
	cat "$tmp/last.out"
check "bad files: the good file still applies" 1 node_is /dev/bindox.d/itest-b "600 0 0"
expect "bad files: logged" '40-bad\.xml:2:32: ' cat "$tmp/bindoxd.log"
rm "$tmp/domains.d/40-bad.xml" "$tmp/domains.d/45-syntax.xml" "$tmp/domains.d/47-user.xml"

# A typo in itest-a's own file leaves itest-a exactly as it is.
sed -i 's/<domain name="itest-a"/<domian name="itest-a"/' "$tmp/domains.d/50-a.xml"
expect_status "own file broken: reload exits 1" 1 ctl reload
if node_is /dev/bindox.d/itest-a "660 1 3" && domain_exists itest-a; then
	pass "own file broken: itest-a untouched"
else
	fail "own file broken: itest-a untouched" "$(ls -l /dev/bindox.d 2>&1)"
fi
sed -i 's/<domian name="itest-a"/<domain name="itest-a"/' "$tmp/domains.d/50-a.xml"

# A name declared twice: the later file is the bad one.
cp "$tmp/domains.d/50-a.xml" "$tmp/domains.d/70-dup.xml"
expect_status "duplicate: reload exits 1" 1 ctl reload
expect "duplicate: the later file reported" '70-dup\.xml:2:17: domain "itest-a" is declared already' \
	cat "$tmp/last.out"
rm "$tmp/domains.d/70-dup.xml"
expect_status "clean again: reload exits 0" 0 ctl reload

# ---- inotify: a new file applies by itself ----

write_domains 65-c.xml <<'EOF'
<bindox-domains>
  <domain name="itest-c" remove="force"/>
</bindox-domains>
EOF
check "inotify: itest-c appears without a reload" 5 node_is /dev/bindox.d/itest-c "600 0 0"

# ---- services in a domain; hidden across domains ----

srv_pid=
if start_server srv_pid c "$server" --device /dev/bindox.d/itest-c --ready "$tmp/run/c" it.c.svc; then
	pass "domain: a server registers in itest-c"
else
	fail "domain: a server registers in itest-c" "$(cat "$tmp/run/c.out")"
fi
expect "domain: ListDomains lists its service" '^itest-c +[0-9]+ .* it\.c\.svc$' ctl domains
expect "domain: registered in itest-c" '"domain": "itest-c"' ctl --json show it.c.svc
expect "domain: found within itest-c" '^ok$' "$client" --device /dev/bindox.d/itest-c lookup it.c.svc
expect "hidden: from the host, as a missing name" '^error ENOENT$' "$client" lookup it.c.svc
expect "hidden: a missing name, the same" '^error ENOENT$' "$client" lookup it.c.none
expect "hidden: from itest-a, as a missing name" '^error ENOENT$' \
	"$client" --device /dev/bindox.d/itest-a lookup it.c.svc

# ---- removal ----

# In use: kept until closed, then removed by the retry timer.
exec {held}</dev/bindox.d/itest-a
rm "$tmp/domains.d/50-a.xml"
expect_status "busy: reload exits 0" 0 ctl reload
if node_is /dev/bindox.d/itest-a "660 1 3"; then
	pass "busy: itest-a kept while open"
else
	fail "busy: itest-a kept while open" "$(ls -l /dev/bindox.d 2>&1)"
fi
expect "busy: logged" 'itest-a is no longer declared but in use' cat "$tmp/bindoxd.log"
expect "busy: RemovalPending" '^b true$' bus get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1/domain/itest_2da org.bindox.Coordinator1.Domain RemovalPending
exec {held}<&-
check "busy: removed once closed" 15 node_gone /dev/bindox.d/itest-a
expect "busy: the driver has it no more" '^error ENOENT$' "$domain_tool" info itest-a

# remove="force": its connections end, its services leave with the reason.
# A client in itest-c holds a handle to the service there.
coproc HOLD { exec "$client" --device /dev/bindox.d/itest-c hold it.c.svc 2>&1; }
pids+=("$HOLD_PID")
hold_call() {
	local line=
	echo "call $1" >&"${HOLD[1]}"
	read -r -t 30 line <&"${HOLD[0]}" || line="(no answer)"
	echo "$line"
}
read -r -t 30 hold_first <&"${HOLD[0]}" || hold_first="(no answer)"
if [[ $hold_first == ok && $(hold_call before) == "reply it.c.svc: before" ]]; then
	pass "force: a client in itest-c calls"
else
	fail "force: a client in itest-c calls" "lookup: $hold_first"
fi
rm "$tmp/domains.d/65-c.xml"
expect_status "force: reload exits 0" 0 ctl reload
check "force: node gone at once" 1 node_gone /dev/bindox.d/itest-c
check "force: ServiceRemoved domain-removed" 10 bash -c \
	"grep -A3 'member=ServiceRemoved' '$tmp/signals.log' | grep -q 'domain-removed'"
expect "force: the service is gone" '^0 services$' ctl list
expect "force: the client's connection is ended" '^error (ENODEV|EDEADPEER)$' hold_call after

# ---- domains bindoxd did not create ----

write_domains 80-foreign.xml <<'EOF'
<bindox-domains>
  <domain name="itest-foreign" mode="0660"/>
</bindox-domains>
EOF
expect_status "foreign: declared, reload exits 1" 1 ctl reload
expect "foreign: reported" 'itest-foreign .*bindoxd did not create it' cat "$tmp/last.out"
expect "foreign: left alone" '^id=[0-9]+ uid=0 gid=0 mode=0600 ' "$domain_tool" info itest-foreign
rm "$tmp/domains.d/80-foreign.xml"
expect_status "foreign: undeclared, reload exits 0" 0 ctl reload
expect "foreign: not removed" '^id=' "$domain_tool" info itest-foreign
expect "foreign: Managed false" '^b false$' bus get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1/domain/itest_2dforeign org.bindox.Coordinator1.Domain Managed

# ---- a restarted bindoxd knows its own domains ----

stop_bindoxd
if start_bindoxd; then
	pass "restart: bindoxd starts again"
else
	fail "restart: bindoxd starts again" "$(tail -n 20 "$tmp/bindoxd.log")"
fi
expect "restart: itest-b still bindoxd's" '^b true$' bus get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1/domain/itest_2db org.bindox.Coordinator1.Domain Managed
rm "$tmp/domains.d/60-b.xml"
kill -HUP "$bindoxd_pid"
check "restart: SIGHUP removes itest-b" 5 node_gone /dev/bindox.d/itest-b
expect "restart: foreign one still there" '^id=' "$domain_tool" info itest-foreign
"$domain_tool" remove itest-foreign >/dev/null
check "signal: InterfacesRemoved" 5 signal_seen 'object path "/org/bindox/Coordinator1/domain/itest_2dforeign"'

stop_bindoxd
checks_summary
[[ $failures -eq 0 ]]
