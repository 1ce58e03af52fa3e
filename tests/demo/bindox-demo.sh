#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Bindox demo, run inside the test VM as root with the module loaded
# (tests/run-demo.sh). bindoxd is the Coordinator, on a private system bus
# (a dbus-daemon started here, DBUS_SYSTEM_BUS_ADDRESS pointing at it) with
# a demo policy and demo domains. On the host: a server registers a camera
# service; a client running as another user looks it up and calls it; a
# second client, whose uid the policy does not admit, is refused by the
# driver. Then across containers (bindox-demo-container: user, mount and
# pid namespaces, the domain's node as /dev/bindox): an app in android-ivi
# serves demo.camera.rear, a client in linux-adas calls it, a client in
# guest is refused. Then what busctl and bindoxctl show, and the driver's
# state.
set -euo pipefail

build=$(cd "$(dirname "$0")/../.." && pwd)
bindoxd=$build/bindoxd/bindoxd
bindoxctl=$build/bindoxd/bindoxctl
server=$build/tests/demo/bindox-demo-server
client=$build/tests/demo/bindox-demo-client
container=$build/tests/demo/bindox-demo-container
bus_policy=$build/tests/demo/org.bindox.Coordinator1.conf
# shellcheck source=tests/helpers/private-bus.sh
. "$build/tests/demo/private-bus.sh"
# shellcheck source=tests/helpers/demo-steps.sh
. "$build/tests/demo/demo-steps.sh"
client_uid=1000
stranger_uid=1001
tmp=$(mktemp -d /tmp/bindox-demo.XXXXXX)
mkdir "$tmp/policy.d" "$tmp/vendor.d" "$tmp/domains.d" "$tmp/vendor-domains.d" \
	"$tmp/state" "$tmp/run"
chmod 1777 "$tmp/run"	# for the container's app to say it is ready
chmod 0755 "$tmp"

say "module loaded; host device: $(ls -l /dev/bindox)"

# A bus like the system bus, with bindoxd's installed D-Bus policy.
private_bus_start "$tmp" "$bus_policy" || {
	echo "demo: dbus-daemon did not start: $(cat "$tmp/dbus.log")" >&2
	exit 1
}
pids+=("$private_bus_pid")

# The demo policy: uid 1000 may look up and call the front camera.
cat >"$tmp/policy.d/50-demo.xml" <<'EOF'
<?xml version="1.0"?>
<!-- Demo: only uid 1000 (besides root) may use the front camera. -->
<bindox-policy>
  <policy domain="host">
    <deny lookup="demo.camera.*" call="demo.camera.*"/>
  </policy>
  <policy domain="host" user="0">
    <allow lookup="demo.camera.*" call="demo.camera.*"/>
  </policy>
  <policy domain="host" user="1000">
    <allow lookup="demo.camera.front" call="demo.camera.front"/>
  </policy>
  <policy domain="android-ivi">
    <allow register="demo.camera.rear"/>
  </policy>
  <policy domain="linux-adas">
    <allow lookup="demo.camera.rear" call="demo.camera.rear" peer-domain="android-ivi"/>
  </policy>
</bindox-policy>
EOF
# The demo's containers: uids 0-65535 of each are host uids BASE and up.
cat >"$tmp/domains.d/50-demo.xml" <<'EOF'
<?xml version="1.0"?>
<!-- Demo: three containers; the camera app (uid 10057) owns android-ivi's node. -->
<bindox-domains>
  <domain name="android-ivi" user="110057" group="100000" mode="0660" remove="force"/>
  <domain name="linux-adas" user="200000" group="200000" mode="0660" remove="force"/>
  <domain name="guest" user="300000" group="300000" mode="0660" remove="force"/>
</bindox-domains>
EOF
say "policy: $tmp/policy.d/50-demo.xml"
cat "$tmp/policy.d/50-demo.xml"
say "domains: $tmp/domains.d/50-demo.xml"
cat "$tmp/domains.d/50-demo.xml"

say "bindoxd becomes the Coordinator (handle 0), creates the domains and loads the policy"
demo_bindoxd_start "$tmp" "$bindoxd"

say "a server registers demo.camera.front"
"$server" "$tmp/server.ready" &
pids+=($!)
wait_until test -e "$tmp/server.ready"

# The clients run as ordinary users: give them the device.
chgrp "$client_uid" /dev/bindox
chmod 0666 /dev/bindox
say "client as uid $client_uid: lookup and call"
setpriv --reuid="$client_uid" --regid="$client_uid" --clear-groups \
	"$client" "frame 1 of the front camera"
sleep 0.2

say "client as uid $stranger_uid: the policy does not admit it"
if setpriv --reuid="$stranger_uid" --regid="$stranger_uid" --clear-groups \
	"$client" "let me see"; then
	echo "demo: uid $stranger_uid was NOT refused" >&2
	exit 1
fi

say "the containers' nodes, made by the kernel with the domains' owners"
wait_until test -c /dev/bindox.d/guest
run ls -ln /dev/bindox.d/

say "android-ivi: the camera app (uid 10057, host 110057) registers demo.camera.rear"
"$container" android-ivi 100000 10057 -- "$server" "$tmp/run/rear.ready" demo.camera.rear &
pids+=($!)
wait_until test -e "$tmp/run/rear.ready"

say "linux-adas: its root (host 200000) calls the camera across domains"
"$container" linux-adas 200000 0 -- "$client" "frame 1 of the rear camera" demo.camera.rear
sleep 0.2

say "guest: no rule lets it see the camera"
if "$container" guest 300000 0 -- "$client" "let me see" demo.camera.rear; then
	echo "demo: the guest container was NOT refused" >&2
	exit 1
fi

say "what the Coordinator shows over D-Bus"
run busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" tree org.bindox.Coordinator1
run busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" get-property org.bindox.Coordinator1 \
	/org/bindox/Coordinator1 org.bindox.Coordinator1 ServiceCount PolicyGeneration
run "$bindoxctl" list
run "$bindoxctl" domains
run "$bindoxctl" check host "$client_uid" "$client_uid" call demo.camera.front
run "$bindoxctl" check host "$stranger_uid" "$stranger_uid" call demo.camera.front || true

say "driver state (/sys/kernel/debug/bindox/state)"
cat /sys/kernel/debug/bindox/state
say "live objects (/sys/kernel/debug/bindox/counters)"
cat /sys/kernel/debug/bindox/counters
