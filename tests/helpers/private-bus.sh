# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# private-bus.sh: sourced by the in-guest scripts that need a system bus
# (the demo, test-bindoxd, test-domain-files, test-nspawn). The guest runs no
# dbus-daemon of its own.
#
#   private_bus_start DIR BUS_POLICY [EXTRA_XML]
#       writes DIR/bus.conf, a bus configured like Debian's system bus
#       (default deny for method calls) that includes BUS_POLICY (bindoxd's
#       org.bindox.Coordinator1.conf) and EXTRA_XML (more <policy>
#       elements); starts dbus-daemon on DIR/bus.socket with its log in
#       DIR/dbus.log; waits up to 30 s for the socket; exports
#       DBUS_SYSTEM_BUS_ADDRESS. Sets $private_bus_pid (the caller stops
#       it). Returns 1 if the bus did not come up.
#
#   private_bindoxd_start DIR BINDOXD
#       starts BINDOXD as the Coordinator of /dev/bindox on that bus, with
#       the folders DIR/policy.d, DIR/vendor-policy.d, DIR/domains.d,
#       DIR/vendor-domains.d and DIR/state (made if missing) and its log
#       appended to DIR/bindoxd.log. Sets $bindoxd_pid (the caller stops
#       it). Returns 1 if it does not answer on the bus within 60 s.

private_bus_start() {
	local dir=$1 bus_policy=$2 extra=${3:-} deadline=$((SECONDS + 30))

	cat >"$dir/bus.conf" <<EOF_CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus.socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>
  <include>$bus_policy</include>
$extra
</busconfig>
EOF_CONF
	dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile >"$dir/dbus.log" 2>&1 &
	# shellcheck disable=SC2034  # read by the caller
	private_bus_pid=$!
	until [[ -S $dir/bus.socket ]]; do
		[[ $SECONDS -lt $deadline ]] || return 1
		sleep 0.1
	done
	chmod 0666 "$dir/bus.socket"
	export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/bus.socket
}

private_bindoxd_start() {
	local dir=$1 bindoxd=$2 deadline=$((SECONDS + 60))

	mkdir -p "$dir/policy.d" "$dir/vendor-policy.d" "$dir/domains.d" \
		"$dir/vendor-domains.d" "$dir/state" || return 1
	"$bindoxd" --device /dev/bindox --policy-dir "$dir/policy.d" \
		--vendor-policy-dir "$dir/vendor-policy.d" --domains-dir "$dir/domains.d" \
		--vendor-domains-dir "$dir/vendor-domains.d" --state-dir "$dir/state" \
		>>"$dir/bindoxd.log" 2>&1 &
	# shellcheck disable=SC2034  # read by the caller
	bindoxd_pid=$!
	until busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call org.bindox.Coordinator1 \
		/org/bindox/Coordinator1 org.freedesktop.DBus.Peer Ping >/dev/null 2>&1; do
		[[ $SECONDS -lt $deadline ]] || return 1
		sleep 0.1
	done
}
