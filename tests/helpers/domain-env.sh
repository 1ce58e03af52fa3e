# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# domain-env.sh: sourced by the in-guest tests of domains (test-domain-files,
# test-domains-dbus) after they set $build. Provides their paths, the
# checks (checks.sh) and helpers, the cleanup trap (it kills $pids,
# removes the domains named in $env_domains, stops udevd and prints
# bindoxd's log) and domain_env_setup, which starts the real
# systemd-udevd with the shipped rule, a private system bus and
# dbus-monitor (its log in $tmp/signals.log). bindoxd is started with
# start_bindoxd, on the folders under $tmp.

# shellcheck disable=SC2154  # $build is the sourcing test's
itest=$build/tests/integration
bindoxd=$build/bindoxd/bindoxd
bindoxctl=$build/bindoxd/bindoxctl
server=$itest/bindox-itest-server
client=$itest/bindox-itest-client
domain_tool=$itest/bindox-itest-domain
bus_policy=$itest/org.bindox.Coordinator1.conf
rules=$itest/60-bindox.rules
sysusers=$itest/bindox.sysusers
udevd=/lib/systemd/systemd-udevd
run_rules=/run/udev/rules.d/60-bindox.rules
# shellcheck source=tests/helpers/private-bus.sh
. "$itest/private-bus.sh"
# shellcheck source=tests/helpers/checks.sh
. "$itest/checks.sh"

pids=()
tmp=
udevd_started=0
env_domains=()

# ---- helpers (and wait_until, check, expect from checks.sh) ----

ctl() { "$bindoxctl" "$@"; }
bus() { busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" "$@"; }

# node_is PATH "MODE UID GID"
node_is() { [[ -c $1 && $(stat -c '%a %u %g' "$1") == "$2" ]]; }
node_gone() { [[ ! -e $1 ]]; }
domain_exists() { [[ $("$domain_tool" info "$1") == id=* ]]; }

# A domain file in the admin folder.
write_domains() { cat >"$tmp/domains.d/$1"; }

start_bindoxd() {
	local rc=0
	private_bindoxd_start "$tmp" "$bindoxd" || rc=1
	pids+=("$bindoxd_pid")
	return "$rc"
}

stop_bindoxd() {
	kill -TERM "$bindoxd_pid" 2>/dev/null
	wait "$bindoxd_pid" 2>/dev/null
}

# start_server VAR NAME CMD...: CMD (a server given "--ready $run/NAME")
# in the background; waits until it is ready or gone.
start_server() {
	local var=$1 name=$2 pid deadline=$((SECONDS + 60))
	shift 2
	"$@" >"$tmp/run/$name.out" 2>&1 &
	pid=$!
	pids+=("$pid")
	printf -v "$var" '%s' "$pid"
	while [[ ! -e $tmp/run/$name && $SECONDS -lt $deadline ]]; do
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	[[ -e $tmp/run/$name ]]
}

signal_seen() { grep -q "$1" "$tmp/signals.log"; }

cleanup() {
	local d
	kill_and_reap ${pids[@]+"${pids[@]}"}
	for d in "${env_domains[@]}"; do
		"$domain_tool" remove "$d" force >/dev/null 2>&1
	done
	if [[ $udevd_started -eq 1 ]]; then
		udevadm control --exit >/dev/null 2>&1
	fi
	rm -f "$run_rules"
	if [[ -n $tmp && -d $tmp ]]; then
		echo "----- bindoxd log -----"
		cat "$tmp/bindoxd.log" 2>/dev/null || true
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

# domain_env_setup [BUS_POLICY_XML]: the folders, udevd, the bus (with
# BUS_POLICY_XML added, see private_bus_start), dbus-monitor. Exits when
# the test cannot run.
domain_env_setup() {
	local f

	for f in "$bindoxd" "$bindoxctl" "$server" "$client" "$domain_tool" "$bus_policy" "$rules" \
		"$sysusers" "$udevd"; do
		if [[ ! -e $f ]]; then
			setup_failed "missing $f (build first)"
		fi
	done
	if [[ $EUID -ne 0 || ! -c /dev/bindox || ! -c /dev/bindox-control ]]; then
		setup_failed "needs root and the loaded module (/dev/bindox, /dev/bindox-control)"
	fi

	tmp=$(mktemp -d /tmp/bindox-domains-itest.XXXXXX)
	chmod 0755 "$tmp"
	mkdir "$tmp/policy.d" "$tmp/vendor-policy.d" "$tmp/domains.d" "$tmp/vendor-domains.d" \
		"$tmp/state" "$tmp/run"

	# udev: the group, the rule, the daemon (the guest runs none of its own).
	systemd-sysusers "$sysusers" >/dev/null 2>&1
	mkdir -p "${run_rules%/*}"
	cp "$rules" "$run_rules"
	if "$udevd" --daemon >"$tmp/udevd.log" 2>&1 && wait_until 10 udevadm control --ping; then
		udevd_started=1
		pass "setup: systemd-udevd runs"
	else
		fail "setup: systemd-udevd runs" "$(cat "$tmp/udevd.log")"
	fi

	if ! private_bus_start "$tmp" "$bus_policy" "${1:-}"; then
		pids+=("$private_bus_pid")
		setup_failed "dbus-daemon did not start: $(cat "$tmp/dbus.log")"
	fi
	pids+=("$private_bus_pid")
	dbus-monitor --address "$DBUS_SYSTEM_BUS_ADDRESS" \
		"type='signal',interface='org.bindox.Coordinator1'" \
		"type='signal',interface='org.freedesktop.DBus.ObjectManager'" \
		>"$tmp/signals.log" 2>&1 &
	pids+=($!)
}
