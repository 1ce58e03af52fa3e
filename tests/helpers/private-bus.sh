# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# private-bus.sh: sourced by the in-guest scripts that need a system bus
# (the demo, test-bindoxd). The guest runs no dbus-daemon of its own.
#
#   private_bus_start DIR BUS_POLICY [EXTRA_XML]
#       writes DIR/bus.conf, a bus configured like Debian's system bus
#       (default deny for method calls) that includes BUS_POLICY (bindoxd's
#       org.bindox.Coordinator1.conf) and EXTRA_XML (more <policy>
#       elements); starts dbus-daemon on DIR/bus.socket with its log in
#       DIR/dbus.log; waits up to 30 s for the socket; exports
#       DBUS_SYSTEM_BUS_ADDRESS. Sets $private_bus_pid (the caller stops
#       it). Returns 1 if the bus did not come up.

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
