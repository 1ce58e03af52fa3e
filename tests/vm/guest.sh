#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# guest.sh RESULTS: runs inside the QEMU guest (started by the initramfs's
# /init, chrooted into the overlay of the host root; with run-vm.sh
# --systemd, by systemd as bindox-guest.service). RESULTS is the
# writable 9p share; run-vm.sh put these files there:
#   config  shell variables BX_REPO BX_MODULE BX_MODULE_ARGS BX_CMD_TIMEOUT
#           BX_LIVE and the array BX_ENV (NAME=VALUE words)
#   cmd     the command, NUL-separated
# and this script writes back:
#   insmod.status insmod.log  (only with a module)
#   status output.log         the command's exit status and output
#   counters                  copy of /sys/kernel/debug/bindox/counters
#   rmmod.status rmmod.log
#   dmesg.log done
# then powers the guest off.
set -euo pipefail

if [[ ${BINDOX_VM_GUEST:-} != 1 ]]; then
	echo "guest.sh: runs only inside the test VM (see run-vm.sh)" >&2
	exit 1
fi
res=${1:?usage: guest.sh RESULTS_DIR}
# shellcheck source=/dev/null
. "$res/config"
mapfile -d '' -t cmd <"$res/cmd"

power_off() {
	sync
	if [[ -x /bin/busybox ]]; then
		/bin/busybox poweroff -f
	fi
	echo o >/proc/sysrq-trigger
	sleep 30
}
trap power_off EXIT

# The root is an overlay of the host's /: give it a fresh system state,
# unless systemd is PID 1 (run-vm.sh --systemd), which made its own.
if [[ $(cat /proc/1/comm 2>/dev/null) != systemd ]]; then
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	ln -sfn /proc/self/fd /dev/fd
	ln -sfn /proc/self/fd/0 /dev/stdin
	ln -sfn /proc/self/fd/1 /dev/stdout
	ln -sfn /proc/self/fd/2 /dev/stderr
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tracefs tracefs /sys/kernel/tracing || true
	mount -t cgroup2 cgroup2 /sys/fs/cgroup || true
	# Bring the first memory cgroup online now, while nothing else runs:
	# it turns on static keys in the slab allocator's hot paths, and
	# under TCG a CPU freeing through kmem_cache_free() while that text
	# was patched once hit the patch's int3 (an Oops in a 6.12 guest
	# while test-buffer-mem made its cgroup). The keys stay on after.
	if echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
		if mkdir /sys/fs/cgroup/bindox-vm-init; then
			rmdir /sys/fs/cgroup/bindox-vm-init || true
		fi
	fi
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	mount -t tmpfs -o mode=755 tmpfs /run
	ip link set lo up 2>/dev/null || /bin/busybox ip link set lo up
	hostname bindox-vm || true
fi

export HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM=dumb TMPDIR=/tmp
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export BINDOX_RESULTS=$res BINDOX_REPO=$BX_REPO
for e in ${BX_ENV[@]+"${BX_ENV[@]}"}; do
	export "${e?}"
done
mkdir -p "$HOME"

modname=
load_ok=1
if [[ -n $BX_MODULE ]]; then
	modname=$(basename "$BX_MODULE" .ko)
	modname=${modname//-/_}
	rc=0
	# shellcheck disable=SC2086 # BX_MODULE_ARGS is a list of param=value
	insmod "$BX_MODULE" $BX_MODULE_ARGS >"$res/insmod.log" 2>&1 || rc=$?
	echo "$rc" >"$res/insmod.status"
	[[ $rc -eq 0 ]] || load_ok=0
fi

if [[ $load_ok -eq 1 ]]; then
	cd "$BX_REPO"
	echo "guest: running: ${cmd[*]}"
	rc=0
	if [[ $BX_LIVE -eq 1 ]]; then
		timeout -k 10 "$BX_CMD_TIMEOUT" "${cmd[@]}" </dev/null 2>&1 |
			tee "$res/output.log" || rc=${PIPESTATUS[0]}
	else
		timeout -k 10 "$BX_CMD_TIMEOUT" "${cmd[@]}" </dev/null \
			>"$res/output.log" 2>&1 || rc=$?
	fi
	echo "$rc" >"$res/status"
	echo "guest: command exited with $rc"
	cd /
fi

if [[ -n $modname ]] && grep -q "^$modname " /proc/modules; then
	# Objects may be freed after an RCU grace period: allow a moment.
	f=/sys/kernel/debug/bindox/counters
	for _ in $(seq 20); do
		[[ -r $f ]] || break
		cat "$f" >"$res/counters"
		awk '$2 != 0 { bad = 1 } END { exit bad }' "$res/counters" && break
		sleep 0.25
	done
	rc=1
	for _ in $(seq 10); do
		rc=0
		rmmod "$modname" >"$res/rmmod.log" 2>&1 || rc=$?
		[[ $rc -ne 0 ]] || break
		sleep 0.5
	done
	[[ $rc -eq 0 ]] || grep "^$modname " /proc/modules >>"$res/rmmod.log" || true
	echo "$rc" >"$res/rmmod.status"
fi

dmesg >"$res/dmesg.log" 2>&1 || /bin/busybox dmesg >"$res/dmesg.log"
echo finished >"$res/done"
