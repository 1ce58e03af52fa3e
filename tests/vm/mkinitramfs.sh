#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkinitramfs.sh OUT: build the guest's initramfs (cpio.gz) into OUT.
#
# It holds busybox-static, the virtio/9p/overlay modules of the guest kernel
# and an /init that mounts the host's root (9p tag "hostroot", read-only)
# under a tmpfs overlay, mounts the writable 9p share "results", chroots
# into the overlay and runs the guest script named in results/guest-script.
# OUT is rebuilt only when missing or when this script or the kernel
# changed (OUT.stamp records both).
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 1 ]] || vm_die "usage: ${0##*/} OUT.cpio.gz"
out=$1
kver=$(vm_kver)
moddir=/lib/modules/$kver
busybox=/bin/busybox

# Load order matters; built-in or missing ones are skipped.
modules=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
	virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay)

stamp="$kver $(sha256sum <"${BASH_SOURCE[0]}" | cut -d' ' -f1)"
if [[ -s $out && -e $out.stamp && $(cat "$out.stamp") == "$stamp" ]]; then
	exit 0
fi

[[ -x $busybox ]] || vm_die "$busybox missing (apt-get install busybox-static)"
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
for m in "${modules[@]}"; do
	if grep -Eq "(^|/)$m\\.ko(\\.[a-z]+)?\$" "$moddir/modules.builtin"; then
		echo "mkinitramfs: $m is built in"
		continue
	fi
	rel=$(grep -Eo "^([^:]*/)?$m\\.ko(\\.[a-z]+)?:" "$moddir/modules.dep" | head -n1 || true)
	rel=${rel%:}
	if [[ -z $rel ]]; then
		echo "mkinitramfs: $m not found in $moddir, skipped" >&2
		continue
	fi
	case $rel in
	*.ko) cp "$moddir/$rel" "$stage/lib/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$moddir/$rel" >"$stage/lib/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$moddir/$rel" >"$stage/lib/modules/$m.ko" ;;
	*.ko.gz) gzip -dc "$moddir/$rel" >"$stage/lib/modules/$m.ko" ;;
	*) vm_die "unknown module format: $rel" ;;
	esac
	echo "$m" >>"$stage/modules.list"
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
p9="trans=virtio,version=9p2000.L,msize=262144"
mount -t 9p -o "$p9,ro,cache=loose" hostroot /lower || fail "mount hostroot"
mount -t tmpfs -o mode=0755 ovl /ovl || fail "mount tmpfs"
mkdir -p /ovl/upper /ovl/work
mount -t overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work \
	overlay /newroot || fail "mount overlay"
mkdir -p /newroot/bindox-results
mount -t 9p -o "$p9" results /newroot/bindox-results || fail "mount results"
guest=$(cat /newroot/bindox-results/guest-script) || fail "no guest-script"
umount /proc /sys /dev
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
