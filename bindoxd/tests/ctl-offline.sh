#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ctl-offline.sh BINDOXCTL VERSION SOURCE_ROOT: what bindoxctl does
# without bindoxd, on the host (meson test "bindoxctl-offline"):
# --version; usage errors reported before any bus connection; verify of
# the shipped policy and domain files (valid) and of broken ones (each
# error as FILE:LINE:COLUMN, exit status 1), in text and JSON; and, when
# the bindox module is not loaded here, the hint that names the fix when
# bindoxd is absent from a (private) bus.
set -uo pipefail

ctl=$1
version=$2
root=$3
src=$root/policy
# shellcheck source=../../tests/helpers/checks.sh
. "$root/tests/helpers/checks.sh"
# shellcheck source=../../tests/helpers/private-bus.sh
. "$root/tests/helpers/private-bus.sh"
tmp=$(mktemp -d)
private_bus_pid=
cleanup() {
	[[ -n $private_bus_pid ]] && kill "$private_bus_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# A bus address nobody listens on: a command that connected would say so.
nobus=(--address "unix:path=$tmp/no-bus")

expect_exit version 0 "^bindoxctl ${version//./\\.}\$" "$ctl" --version
expect_exit usage-unknown-command 2 '^bindoxctl: unknown command "frobnicate"' "$ctl" "${nobus[@]}" frobnicate
expect_exit usage-arg-count 2 '^bindoxctl: show takes 1 argument' "$ctl" "${nobus[@]}" show
expect_exit usage-check-uid 2 '^bindoxctl: UID must be a number: "me"$' \
	"$ctl" "${nobus[@]}" check host me 0 call a.b
expect_exit usage-check-action 2 '^bindoxctl: ACTION must be register, lookup or call: "fly"$' \
	"$ctl" "${nobus[@]}" check host 0 0 fly a.b
expect_exit usage-verify-no-file 2 '^bindoxctl: verify takes one or more arguments' "$ctl" verify
expect_exit no-bus-named 1 "^bindoxctl: cannot connect to unix:path=$tmp/no-bus: " \
	"$ctl" "${nobus[@]}" status

# ---- verify: the shipped files are valid ----

expect_exit verify-shipped-policy 0 '^.*/00-default\.xml: policy, [0-9]+ rules?$' \
	"$ctl" verify "$src/00-default.xml" "$src"/examples/*.xml
expect_exit verify-shipped-domains 0 '50-containers\.xml: domains, [0-9]+ domains?$' \
	"$ctl" verify "$src"/examples/domains.d/*.xml

# ---- verify: broken files, each with its place ----

mkdir "$tmp/domains.d"
cat >"$tmp/typo.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<bindox-policy>
  <policy domain="host">
    <allow regster="it.typo"/>
  </policy>
</bindox-policy>
XML
cat >"$tmp/domains.d/10-a.xml" <<'XML'
<bindox-domains>
  <domain name="ivi" mode="0660"/>
</bindox-domains>
XML
cat >"$tmp/domains.d/20-again.xml" <<'XML'
<bindox-domains>
  <domain name="ivi"/>
</bindox-domains>
XML
cat >"$tmp/domains.d/30-mode.xml" <<'XML'
<bindox-domains>
  <domain name="adas" mode="0666"/>
</bindox-domains>
XML
printf '<bindox-policy>\n  <policy domain="host">\n' >"$tmp/unclosed.xml"

expect_exit verify-policy-typo 1 "^$tmp/typo\\.xml:4:12: unknown attribute \"regster\"" \
	"$ctl" verify "$tmp/typo.xml"
expect_exit verify-policy-unclosed 1 "^$tmp/unclosed\\.xml:[0-9]+:[0-9]+: " \
	"$ctl" verify "$tmp/unclosed.xml"
expect_exit verify-domains-good 0 "^$tmp/domains\\.d/10-a\\.xml: domains, 1 domain\$" \
	"$ctl" verify "$tmp/domains.d/10-a.xml"
expect_exit verify-domains-mode 1 "^$tmp/domains\\.d/30-mode\\.xml:2:29: mode 0666 is not allowed" \
	"$ctl" verify "$tmp/domains.d/30-mode.xml"
expect_exit verify-domains-twice 1 \
	"^$tmp/domains\\.d/20-again\\.xml:2:17: domain \"ivi\" is declared already, at $tmp/domains\\.d/10-a\\.xml:2:17\$" \
	"$ctl" verify "$tmp/domains.d/10-a.xml" "$tmp/domains.d/20-again.xml"
expect_exit verify-missing-file 1 "^$tmp/none\\.xml: cannot read: No such file or directory\$" \
	"$ctl" verify "$tmp/none.xml"
# One bad file among good ones: the good ones are still reported, exit 1.
expect_exit verify-mixed 1 "00-default\\.xml: policy" \
	"$ctl" verify "$src/00-default.xml" "$tmp/typo.xml"
expect_exit verify-json 1 '^ok$' python3 -c '
import json, subprocess, sys
p = subprocess.run([sys.argv[1], "--json", "verify", sys.argv[2], sys.argv[3]],
                   capture_output=True, text=True)
r = json.loads(p.stdout)
ok = (r[0]["valid"] is False and r[0]["format"] == "policy" and r[0]["line"] == 4
      and r[0]["column"] == 12 and r[1]["valid"] is True and r[1]["format"] == "domains"
      and r[1]["domains"] == 1)
print("ok" if ok else r)
sys.exit(p.returncode)' "$ctl" "$tmp/typo.xml" "$tmp/domains.d/10-a.xml"

# ---- bindoxd absent: the hint names the fix ----

if [[ -e /sys/module/bindox ]]; then
	echo "SKIP: bindox is loaded on this machine; the VM test covers the hints"
elif ! command -v dbus-daemon >/dev/null; then
	echo "SKIP: no dbus-daemon (package dbus) for the hints without bindoxd"
elif ! private_bus_start "$tmp" "$root/bindoxd/org.bindox.Coordinator1.conf"; then
	fail absent-hints "dbus-daemon did not start: $(cat "$tmp/dbus.log")"
else
	# The bus of the system's configuration, without bindoxd on it.
	expect_exit absent-names-daemon 1 '^bindoxctl: status: .*org\.bindox\.Coordinator1' \
		"$ctl" status
	expect_exit absent-module-hint 1 '^hint: the bindox kernel module is not loaded' \
		"$ctl" status
	expect_exit absent-dkms-hint 1 '^hint: (load it with "modprobe bindox"|DKMS|bindox-dkms builds the module for kernels)' "$ctl" list
fi

checks_summary
[[ $failures -eq 0 ]]
