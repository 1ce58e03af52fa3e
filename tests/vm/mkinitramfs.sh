#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkinitramfs.sh OUT: build the guest's initramfs (cpio.gz) into OUT.
#
# It holds busybox-static, the virtio/9p/overlay modules of the guest kernel
# and an /init that mounts the host's root (9p tag "hostroot", read-only)
# under a tmpfs overlay, mounts the writable 9p share "results", chroots
# into the overlay and runs the guest script named in results/guest-script.
# For an arm64 guest (BINDOX_ARCH=arm64), the busybox and the modules are
# arm64's (from arm64-setup.sh's userland and kernel), "hostroot" is that
# userland, and results/binds lists host directories ("HOST_PATH
# GUEST_PATH" lines, no spaces in either) that /init mounts from the
# host's root (9p tag "host", read-only) into the guest's root, each under
# a tmpfs overlay of its own: the repository, the build directory, ...
# Two switches on the kernel command line (run-vm.sh --disk, --systemd):
# bindox.upper=DEV puts the overlay's upper layer on the ext4 file system
# on DEV instead of a tmpfs, so that what the guest writes outlives a
# boot; bindox.init=systemd boots systemd as PID 1 on the overlay root,
# into bindox-guest.target (basic.target: udev, D-Bus, ... but none of the
# host's multi-user.target), which runs the guest script as
# bindox-guest.service.
# OUT is rebuilt only when missing or when this script or the kernel
# changed (OUT.stamp records both).
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 1 ]] || vm_die "usage: ${0##*/} OUT.cpio.gz"
out=$1
kver=$(vm_kver)
moddir=$(vm_moddir "$kver")
busybox=/bin/busybox
[[ $BINDOX_ARCH != arm64 ]] || busybox=$BINDOX_ARM64_DIR/rootfs/bin/busybox

# What the guest needs: the virtio PCI transport, 9p over virtio, overlayfs,
# and for bindox.upper= a virtio disk with ext4 (and crc32c, which ext4
# asks the crypto API for, a soft dependency). Their dependencies
# come from modules.dep (they differ between kernels: 6.1 has fscache as a
# module of its own, 6.12 merged it into netfs and builds virtio in), and
# so does the load order. Built-in ones are skipped.
wanted=(virtio_pci 9pnet_virtio 9p overlay virtio_blk crc32c_generic ext4)

stamp="$kver $(sha256sum <"${BASH_SOURCE[0]}" | cut -d' ' -f1)"
if [[ -s $out && -e $out.stamp && $(cat "$out.stamp") == "$stamp" ]]; then
	exit 0
fi

[[ -x $busybox ]] || vm_die "$busybox missing (apt-get install busybox-static; for arm64: tests/vm/arm64-setup.sh)"
[[ -f $moddir/modules.dep ]] || vm_die "$moddir/modules.dep missing"

stage=$(mktemp -d)
chmod 755 "$stage"
tmp=
trap 'rm -rf "$stage" ${tmp:+"$tmp"}' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,lib/modules,lower,ovl,newroot}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
mknod -m 600 "$stage/dev/console" c 5 1
mknod -m 666 "$stage/dev/null" c 1 3

: >"$stage/modules.list"
declare -A deps=() seen=()
# deps[PATH]: the modules PATH needs, as modules.dep lists them.
while IFS=: read -r path rest; do
	deps[$path]=$rest
done <"$moddir/modules.dep"
# modpath NAME: the modules.dep path of module NAME ('-' and '_' alike).
modpath() {
	local n=${1//-/_} p b
	for p in "${!deps[@]}"; do
		b=${p##*/}
		b=${b%%.ko*}
		[[ ${b//-/_} == "$n" ]] && { echo "$p"; return 0; }
	done
	return 1
}
# add PATH: copy PATH's dependencies, then PATH, into the initramfs in
# the order they must be loaded.
add() {
	local path=$1 d m
	[[ -z ${seen[$path]:-} ]] || return 0
	seen[$path]=1
	for d in ${deps[$path]}; do
		add "$d"
	done
	m=${path##*/}
	m=${m%%.ko*}
	case $path in
	*.ko) cp "$moddir/$path" "$stage/lib/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$moddir/$path" >"$stage/lib/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$moddir/$path" >"$stage/lib/modules/$m.ko" ;;
	*.ko.gz) gzip -dc "$moddir/$path" >"$stage/lib/modules/$m.ko" ;;
	*) vm_die "unknown module format: $path" ;;
	esac
	echo "$m" >>"$stage/modules.list"
}
for m in "${wanted[@]}"; do
	if grep -Eq "(^|/)$m\\.ko(\\.[a-z]+)?\$" "$moddir/modules.builtin"; then
		echo "mkinitramfs: $m is built in"
	elif path=$(modpath "$m"); then
		add "$path"
	else
		vm_die "$m is neither a module nor built in for $kver"
	fi
done

cat >"$stage/init" <<'INIT'
#!/bin/sh
# Guest PID 1 (busybox ash): host root + tmpfs overlay, then the guest script.
export PATH=/bin
/bin/busybox --install -s /bin

fail() {
	echo "bindox-init: FATAL: $*"
	poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.list); do
	insmod "/lib/modules/$m.ko" || fail "insmod $m"
done
upper_dev=
init_mode=
for a in $(cat /proc/cmdline); do
	case $a in
	bindox.upper=*) upper_dev=${a#bindox.upper=} ;;
	bindox.init=*) init_mode=${a#bindox.init=} ;;
	esac
done
p9="trans=virtio,version=9p2000.L,msize=262144"
mount -t 9p -o "$p9,ro,cache=loose" hostroot /lower || fail "mount hostroot"
if [ -n "$upper_dev" ]; then
	mount -t ext4 "$upper_dev" /ovl || fail "mount $upper_dev"
else
	mount -t tmpfs -o mode=0755 ovl /ovl || fail "mount tmpfs"
fi
mkdir -p /ovl/upper /ovl/work
mount -t overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work \
	overlay /newroot || fail "mount overlay"
mkdir -p /newroot/bindox-results
mount -t 9p -o "$p9" results /newroot/bindox-results || fail "mount results"
if [ -s /newroot/bindox-results/binds ]; then
	mkdir -p /host
	mount -t 9p -o "$p9,ro,cache=loose" host /host || fail "mount host"
	i=0
	while read -r src dst; do
		i=$((i + 1))
		mkdir -p "/ovl/b$i/upper" "/ovl/b$i/work" "/newroot$dst"
		mount -t overlay -o "lowerdir=/host$src,upperdir=/ovl/b$i/upper,workdir=/ovl/b$i/work" \
			overlay "/newroot$dst" || fail "mount $src on $dst"
	done </newroot/bindox-results/binds
fi
guest=$(cat /newroot/bindox-results/guest-script) || fail "no guest-script"
umount /proc /sys /dev
if [ "$init_mode" = systemd ]; then
	u=/newroot/etc/systemd/system
	# Software emulation makes every program systemd starts cost seconds:
	# leave out what the tests do not need, the generators (the root is
	# mounted, fstab is empty) and these units, all the host's.
	mkdir -p /newroot/etc/systemd/system-generators
	for g in /newroot/lib/systemd/system-generators/*; do
		ln -sfn /dev/null "/newroot/etc/systemd/system-generators/${g##*/}"
	done
	for m in modprobe@dm_mod.service modprobe@loop.service \
		modprobe@fuse.service modprobe@efi_pstore.service \
		modprobe@configfs.service systemd-binfmt.service \
		proc-sys-fs-binfmt_misc.automount systemd-pstore.service \
		systemd-timesyncd.service systemd-update-utmp.service \
		systemd-random-seed.service systemd-journal-catalog-update.service \
		systemd-hwdb-update.service ldconfig.service timers.target; do
		ln -sfn /dev/null "$u/$m"
	done
	cat >"$u/bindox-guest.target" <<UNIT
[Unit]
Description=Bindox test guest (tests/vm/mkinitramfs.sh)
Requires=basic.target bindox-guest.service
After=basic.target
AllowIsolate=yes
UNIT
	cat >"$u/bindox-guest.service" <<UNIT
[Unit]
Description=Bindox test command ($guest)
Requires=basic.target
After=basic.target
[Service]
Type=oneshot
Environment=BINDOX_VM_GUEST=1
ExecStart=/bin/bash $guest /bindox-results
StandardOutput=journal+console
TimeoutStartSec=infinity
UNIT
	exec switch_root /newroot /lib/systemd/systemd --unit=bindox-guest.target
fi
BINDOX_VM_GUEST=1 chroot /newroot /bin/bash "$guest" /bindox-results
echo "bindox-init: guest script returned $?"
sync
poweroff -f
INIT
chmod 755 "$stage/init"

# Other runs may be using OUT right now: write a new file, rename it.
mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet) | gzip -1 >"$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"
echo "$stamp" >"$out.stamp"
echo "mkinitramfs: built $out for $kver ($(wc -l <"$stage/modules.list") modules)"
