#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-nspawn: containers run by a real container runtime, systemd-nspawn
# (Debian's systemd-container), each in a Bindox domain of its own. Runs
# inside the test VM as root with bindox.ko loaded (tests/vm/run-tests.sh
# runs it from the build directory).
#
# The host side is bindoxd on a private system bus, with the domains
# declared in a domain file and the shipped example policy
# policy/examples/50-camera-adas.xml. The image is made here, with no
# network: bindox-itest-container, getent (nspawn runs it to resolve
# --user) and the libraries ldd names, a passwd and group file, packed
# into a tarball that is unpacked once per container and owned by the
# container's uid base. Every container gets its own uid map
# (--private-users=BASE:65536) and its domain's node as /dev/bindox
# (--bind=/dev/bindox.d/NAME:/dev/bindox):
#  - android-ivi (base 100000): cameraserver (uid 1047) registers
#    vendor.camera.front and vendor.camera.rear and answers calls;
#  - linux-adas (base 200000): the ADAS client (uid 1000) calls the front
#    camera with a moved 2 MiB buffer and gets one back; each side sees
#    the other's uid as the overflow uid, its pid as 0 and its domain;
#    the rear camera, which the policy does not let across, answers as a
#    missing name does;
#  - a second android-ivi container calls the camera within its domain:
#    the uids, mapped in both user namespaces, show as the containers'
#    own (0 and 1047);
#  - guest (base 300000): no rule lets it see the camera;
#  - linux-adas's root can open its own node but not another domain's
#    or the control device, and cannot become the Coordinator or load
#    policy (EPERM; the host's root is refused with EBUSY, because
#    bindoxd is the Coordinator).
# The guest runs its tests in a chroot, where the kernel refuses user
# namespaces: nspawn is started through bindox-itest-unchroot.
#
# Output: "PASS: name" or "FAIL: name: why" per check, then a summary in
# Check's format. Exit status 1 if any check failed.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
itest=$build/tests/integration
bindoxd=$build/bindoxd/bindoxd
bindoxctl=$build/bindoxd/bindoxctl
program=$itest/bindox-itest-container
unchroot=$itest/bindox-itest-unchroot
domain_tool=$itest/bindox-itest-domain
bus_policy=$itest/org.bindox.Coordinator1.conf
example_policy=$itest/50-camera-adas.xml
nspawn=$(command -v systemd-nspawn)
getent=$(command -v getent)
cgroups=/sys/fs/cgroup/bindox-itest-nspawn
# shellcheck source=tests/helpers/private-bus.sh
. "$itest/private-bus.sh"
# shellcheck source=tests/helpers/checks.sh
. "$itest/checks.sh"

domains=(android-ivi linux-adas guest)
declare -A base=([android-ivi]=100000 [linux-adas]=200000 [guest]=300000)
pids=()
tmp=
camera_pid=

# ---- helpers (and wait_until, check, expect from checks.sh) ----

# node_is PATH "MODE UID GID"
node_is() { [[ -c $1 && $(stat -c '%a %u %g' "$1") == "$2" ]]; }
domain_id() { cat "/sys/class/bindox/bindox-$1/domain_id"; }

# copy_with_libraries IMAGE PROGRAM: PROGRAM into IMAGE/usr/bin, the
# libraries ldd names beside the C library (the loader's default path),
# the loader at its own path.
copy_with_libraries() {
	local image=$1 program=$2 libdir lib
	cp "$program" "$image/usr/bin/" || return 1
	libdir=$(ldd "$program" | awk '$1 ~ /^libc\.so/ { print $3 }')
	libdir=${libdir%/*}
	[[ -n $libdir ]] || return 1
	mkdir -p "$image$libdir"
	for lib in $(ldd "$program" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		if [[ $lib == */ld-linux* || $lib == */ld64* || $lib == */ld-musl* ]]; then
			cp -L --parents "$lib" "$image" || return 1
		else
			cp -L "$lib" "$image$libdir/" || return 1
		fi
	done
}

# The image as a tarball: the test's program, getent, their libraries,
# the users they run as. nspawn wants /usr and an os-release file.
make_image() {
	local image=$tmp/image
	mkdir -p "$image/usr/bin" "$image/usr/lib" "$image/etc" || return 1
	copy_with_libraries "$image" "$program" && copy_with_libraries "$image" "$getent" ||
		return 1
	cat >"$image/etc/passwd" <<-'EOF'
	root:x:0:0:root:/:/nonexistent
	cameraserver:x:1047:1047:Android cameraserver:/:/nonexistent
	adas:x:1000:1000:ADAS client:/:/nonexistent
	EOF
	printf 'root:x:0:\ncameraserver:x:1047:\nadas:x:1000:\n' >"$image/etc/group"
	printf 'passwd: files\ngroup: files\n' >"$image/etc/nsswitch.conf"
	printf 'ID=bindox-itest\nNAME="Bindox test image"\n' >"$image/usr/lib/os-release"
	tar -C "$image" --numeric-owner --owner=0 --group=0 -cf "$tmp/image.tar" .
}

# unpack MACHINE DOMAIN: the image for one container, owned by its uid base
# (nspawn adjusts ownership itself only for bases at multiples of 65536).
unpack() {
	local dir=$tmp/machines/$1
	mkdir -p "$dir" && tar -C "$dir" -xf "$tmp/image.tar" &&
		chown -R "${base[$2]}:${base[$2]}" "$dir"
}

# container MACHINE DOMAIN USER [NSPAWN-OPTION...] -- ARG...: run
# bindox-itest-container ARG... in the container MACHINE of DOMAIN as
# USER, in a cgroup of its own (what a service unit would give it).
container() {
	local machine=$1 domain=$2 user=$3 opts=()
	shift 3
	while [[ $# -gt 0 && $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	mkdir -p "$cgroups/$machine" || return 1
	(
		echo "$BASHPID" >"$cgroups/$machine/cgroup.procs" || exit 1
		exec "$unchroot" "$nspawn" --quiet --register=no --keep-unit \
			--directory="$tmp/machines/$machine" --machine="$machine" \
			--private-users="${base[$domain]}:65536" --private-users-ownership=off \
			--bind="/dev/bindox.d/$domain:/dev/bindox" --user="$user" \
			--console=pipe --resolv-conf=off --timezone=off --link-journal=no \
			${opts[@]+"${opts[@]}"} /usr/bin/bindox-itest-container "$@"
	)
}

camera_said() { grep -Eq "$1" "$tmp/camera.out"; }

remove_cgroups() {
	local d
	[[ -d $cgroups ]] || return 0
	# Deepest first: nspawn made payload/ and supervisor/ in each.
	find "$cgroups" -depth -type d | while read -r d; do
		rmdir "$d" 2>/dev/null || true
	done
}

cleanup() {
	local d
	[[ -z ${camera_in:-} ]] || exec {camera_in}>&-
	kill_and_reap ${pids[@]+"${pids[@]}"}
	for d in "${domains[@]}"; do
		"$domain_tool" remove "$d" force >/dev/null 2>&1
	done
	remove_cgroups
	if [[ -n $tmp && -d $tmp ]]; then
		echo "----- bindoxd log -----"
		cat "$tmp/bindoxd.log" 2>/dev/null || true
		echo "----- camera container -----"
		cat "$tmp/camera.out" 2>/dev/null || true
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

# ---- setup ----

for f in "$bindoxd" "$bindoxctl" "$program" "$unchroot" "$domain_tool" "$bus_policy" \
	"$example_policy" "$nspawn" "$getent"; do
	if [[ ! -e $f ]]; then
		setup_failed "missing ${f:-systemd-nspawn or getent} (build first; tests/install-deps.sh)"
	fi
done
if [[ $EUID -ne 0 || ! -c /dev/bindox || ! -c /dev/bindox-control ]]; then
	setup_failed "needs root and the loaded module (/dev/bindox, /dev/bindox-control)"
fi
if [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) != cgroup2fs ]]; then
	setup_failed "needs the cgroup2 hierarchy on /sys/fs/cgroup"
fi

tmp=$(mktemp -d /tmp/bindox-nspawn-itest.XXXXXX)
chmod 0755 "$tmp"
mkdir "$tmp/policy.d" "$tmp/domains.d" "$tmp/machines"

# Each domain's node belongs to the app that uses it (cameraserver,
# container uid 1047, is host uid 101047; the ADAS client, 1000, is
# 201000), and to the container's root group. guest has no app.
cat >"$tmp/domains.d/50-containers.xml" <<'EOF'
<bindox-domains>
  <domain name="android-ivi" user="101047" group="100000" mode="0660" remove="force"/>
  <domain name="linux-adas" user="201000" group="200000" mode="0660" remove="force"/>
  <domain name="guest" user="300000" group="300000" mode="0600" remove="force"/>
</bindox-domains>
EOF
cp "$example_policy" "$tmp/policy.d/"

if ! private_bus_start "$tmp" "$bus_policy"; then
	pids+=("$private_bus_pid")
	setup_failed "dbus-daemon did not start: $(cat "$tmp/dbus.log")"
fi
pids+=("$private_bus_pid")
if private_bindoxd_start "$tmp" "$bindoxd"; then
	pass "bindoxd starts"
else
	fail "bindoxd starts" "$(cat "$tmp/bindoxd.log")"
fi
pids+=("$bindoxd_pid")
check "domain file: android-ivi's node" 5 node_is /dev/bindox.d/android-ivi "660 101047 100000"
check "domain file: linux-adas's node" 5 node_is /dev/bindox.d/linux-adas "660 201000 200000"
check "domain file: guest's node" 5 node_is /dev/bindox.d/guest "600 300000 300000"
ivi_id=$(domain_id android-ivi)
adas_id=$(domain_id linux-adas)

if make_image && tar -tf "$tmp/image.tar" | grep -qx './usr/bin/bindox-itest-container'; then
	pass "image: a tarball of the program and its libraries"
else
	fail "image: a tarball of the program and its libraries" "$(ls -lR "$tmp/image" 2>&1)"
fi
for m in android-ivi:android-ivi android-ivi-2:android-ivi linux-adas:linux-adas guest:guest; do
	unpack "${m%%:*}" "${m#*:}" || fail "image: unpacked for ${m%%:*}"
done

# ---- android-ivi: the camera serves until its standard input ends ----

mkfifo "$tmp/camera.in"
container android-ivi android-ivi cameraserver -- serve vendor.camera.front vendor.camera.rear \
	<"$tmp/camera.in" >"$tmp/camera.out" 2>&1 &
camera_pid=$!
pids+=("$camera_pid")
exec {camera_in}>"$tmp/camera.in"
check "android-ivi: cameraserver registers both cameras" 60 \
	camera_said '^register vendor\.camera\.rear: ok$'
expect "host: the camera is in android-ivi, owned by host uid 101047" \
	'"domain": "android-ivi".*"uid": 101047|"uid": 101047.*"domain": "android-ivi"' \
	bash -c "'$bindoxctl' --json show vendor.camera.front | tr -d '\n'"

# ---- linux-adas calls across, a buffer each way ----

expect "linux-adas: the reply shows the camera as unmapped uid, pid 0, android-ivi" \
	"^reply from euid=65534 egid=65534 pid=0 domain=$ivi_id buffer=ok$" \
	container linux-adas linux-adas adas -- call vendor.camera.front
check "android-ivi: the call shows the client as unmapped uid, pid 0, linux-adas" 5 \
	camera_said "^call vendor\.camera\.front from euid=65534 egid=65534 pid=0 domain=$adas_id buffer=ok$"

# Within android-ivi, from another container with the same map: the uids
# are mapped in both namespaces and show as there (root 0, cameraserver
# 1047); the pids are in another pid namespace.
expect "android-ivi-2: the reply shows cameraserver as uid 1047" \
	"^reply from euid=1047 egid=1047 pid=0 domain=$ivi_id buffer=ok$" \
	container android-ivi-2 android-ivi root -- call vendor.camera.front
check "android-ivi: the call shows the other container's root as uid 0" 5 \
	camera_said "^call vendor\.camera\.front from euid=0 egid=0 pid=0 domain=$ivi_id buffer=ok$"

# ---- what the policy keeps apart ----

adas_out=$(container linux-adas linux-adas adas -- lookup vendor.camera.rear vendor.camera.none 2>&1)
expect "linux-adas: the rear camera is not allowed across, answers ENOENT" \
	'^lookup vendor\.camera\.rear: error ENOENT$' echo "$adas_out"
expect "linux-adas: a name nobody has answers the same" \
	'^lookup vendor\.camera\.none: error ENOENT$' echo "$adas_out"
guest_out=$(container guest guest root -- lookup vendor.camera.front vendor.camera.none 2>&1)
expect "guest: the front camera is refused by the policy, as a missing name" \
	'^lookup vendor\.camera\.front: error ENOENT$' echo "$guest_out"
expect "guest: a name nobody has answers the same" \
	'^lookup vendor\.camera\.none: error ENOENT$' echo "$guest_out"

# ---- what a container's root cannot do ----

# The other domain's node and the control device are not in the container;
# bound in by mistake, their owner and mode still keep its root out.
denied_out=$(container linux-adas linux-adas root \
	--bind=/dev/bindox.d/android-ivi:/dev/bindox-android-ivi \
	--bind=/dev/bindox-control:/dev/bindox-control \
	-- denied /dev/bindox /dev/bindox.d/android-ivi /dev/bindox-android-ivi \
	/dev/bindox-control 2>&1)
expect "linux-adas root: opens its own node" '^open /dev/bindox: ok$' echo "$denied_out"
expect "linux-adas root: no other domain's node in the container" \
	'^open /dev/bindox\.d/android-ivi: error ENOENT$' echo "$denied_out"
expect "linux-adas root: android-ivi's node bound in is refused" \
	'^open /dev/bindox-android-ivi: error EACCES$' echo "$denied_out"
expect "linux-adas root: the control device bound in is refused" \
	'^open /dev/bindox-control: error EACCES$' echo "$denied_out"
expect "linux-adas root: cannot become the Coordinator" '^coordinator: error EPERM$' \
	echo "$denied_out"
expect "linux-adas root: cannot load policy" '^policy-load: error EPERM$' echo "$denied_out"
expect "host root: refused only because bindoxd is the Coordinator" '^coordinator: error EBUSY$' \
	"$program" --device /dev/bindox denied
expect "host: the domains are unchanged" '^id=[0-9]+ uid=300000 gid=300000 mode=0600 ' \
	"$domain_tool" info guest

# ---- the camera goes ----

exec {camera_in}>&-
camera_in=
wait "$camera_pid"
expect "android-ivi: the container exits 0 at the end of its input" '^0$' echo "$?"
check "host: its services are gone" 10 bash -c "'$bindoxctl' list | grep -qx '0 services'"

checks_summary
[[ $failures -eq 0 ]]
