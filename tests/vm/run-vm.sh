#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-vm.sh [options] -- CMD...: boot the distribution kernel in QEMU (TCG)
# with the host's root as the guest's root (read-only, tmpfs overlay), load
# the module, run CMD as root with cwd = repo root, then check on the host:
# the command's exit status, a clean dmesg, all live-object counters 0, and
# a successful rmmod. Prints PASS:/FAIL: lines; exits non-zero on failure.
# Note: the guest mounts a tmpfs on /tmp, so CMD cannot see the host's /tmp.
# --arch arm64 boots Debian's arm64 kernel in qemu-system-aarch64 (virt
# machine, TCG) with the arm64 userland of arm64-setup.sh as the root
# instead of the host's; the repository, the module's directory and the
# directories that CMD's absolute-path arguments name are mounted from the
# host at the same paths (each under its own tmpfs overlay).
# --systemd boots systemd as PID 1 on that root, which runs CMD as a
# service once basic.target is reached; --disk IMG keeps the overlay's
# upper layer on the ext4 image IMG instead of a tmpfs, so that a second
# run with the same IMG boots the system the first one left (packages
# installed, files written). tests/packaging/check-installed.sh uses both.
# A guest that locks up at boot before CMD starts and with no bindox module
# loaded (TCG does, rarely) is booted once more; console-hung.log keeps the
# first console.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [options] -- CMD [ARG...]
  --arch ARCH         guest architecture: amd64 (default) or arm64 (needs
                      tests/vm/arm64-setup.sh; its directory is
                      \$BINDOX_ARM64_DIR, default $BINDOX_REPO/build/arm64)
  --kernel VERSION    guest kernel: 6.1, 6.12 (the newest installed amd64
                      kernel of that series, or the newest unpacked arm64
                      one) or a full version (default: \$BINDOX_KVER, else
                      linux-image-amd64's kernel; arm64: 6.1)
  --module PATH       module to load (default: $BINDOX_REPO/module/bindox.ko)
  --module-args ARGS  module parameters, e.g. "foo=1 bar=2"
  --no-module         do not load a module (tests the harness itself)
  --timeout SECS      bound on the whole VM run (default: 1200)
  --cmd-timeout SECS  bound on CMD inside the guest (default: timeout - 120)
  --mem MB            guest memory (default: 2048)
  --append ARGS       extra kernel command line arguments
  --no-debug          boot without the memory debugging (slub_debug,
                      page_poison, kfence), as for a benchmark
  --systemd           boot systemd as PID 1 (udev, D-Bus, the host's units
                      of basic.target); CMD runs as bindox-guest.service
  --disk IMG          keep the root's changes on IMG, an ext4 image (made
                      with mkfs.ext4), across runs
  --env NAME=VALUE    set an environment variable for CMD (repeatable)
  --out DIR           results directory (default: tests/vm/out/run-DATE-PID)
  --serial            also show the serial console live
USAGE
	exit "${1:-2}"
}

module=$BINDOX_REPO/module/bindox.ko
module_args=
vm_timeout=1200
cmd_timeout=
mem=2048
append=
debug=1
systemd=0
disk=
envs=()
res=
serial=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--arch) vm_set_arch "$2"; shift 2 ;;
	--kernel) vm_set_kernel "$2"; shift 2 ;;
	--module) module=$2; shift 2 ;;
	--module-args) module_args=$2; shift 2 ;;
	--no-module) module=; shift ;;
	--timeout) vm_timeout=$2; shift 2 ;;
	--cmd-timeout) cmd_timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--no-debug) debug=0; shift ;;
	--systemd) systemd=1; shift ;;
	--disk) disk=$2; shift 2 ;;
	--env)
		[[ $2 == [A-Za-z_]*=* ]] || vm_die "--env needs NAME=VALUE"
		envs+=("$2"); shift 2 ;;
	--out) res=$2; shift 2 ;;
	--serial) serial=1; shift ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[[ $# -gt 0 ]] || usage
cmd=("$@")
[[ $vm_timeout =~ ^[0-9]+$ ]] || vm_die "--timeout needs seconds"
if [[ -z $cmd_timeout ]]; then
	cmd_timeout=$((vm_timeout > 240 ? vm_timeout - 120 : vm_timeout / 2))
fi

kver=$(vm_kver)
kernel=$(vm_kernel_image "$kver")
[[ -r $kernel ]] || vm_die "$kernel missing"
if [[ $BINDOX_ARCH == arm64 ]]; then
	qemu_bin="qemu-system-aarch64"
	guest_root=$BINDOX_ARM64_DIR/rootfs
	[[ -x $guest_root/bin/bash ]] ||
		vm_die "no arm64 userland in $guest_root (tests/vm/arm64-setup.sh)"
else
	qemu_bin="qemu-system-x86_64"
	guest_root=/
fi
command -v "$qemu_bin" >/dev/null || vm_die "$qemu_bin missing"

initrd=$BINDOX_VM_OUT/initramfs-$kver.cpio.gz
"$BINDOX_VM_DIR/mkinitramfs.sh" "$initrd"

if [[ -n $module ]]; then
	module=$(realpath "$module" 2>/dev/null) || vm_die "module not found"
	[[ -f $module ]] || vm_die "module $module not found (build it first)"
	vermagic=$(modinfo -F vermagic "$module")
	[[ ${vermagic%% *} == "$kver" ]] ||
		vm_die "$module is built for ${vermagic%% *}, the guest runs $kver"
fi
# A relative program path is taken relative to the caller's cwd.
if [[ ${cmd[0]} == */* && -e ${cmd[0]} ]]; then
	cmd[0]=$(realpath "${cmd[0]}")
fi
for a in "$module" "${cmd[@]}"; do
	[[ $a != /tmp/* ]] || echo "run-vm: warning: $a is under /tmp, which the guest hides" >&2
done

res=${res:-$BINDOX_VM_OUT/run-$(date +%Y%m%d-%H%M%S)-$$}
if [[ -e $res/guest-script ]]; then
	rm -rf "$res" # the results of an earlier run
elif [[ -e $res && -n $(ls -A "$res") ]]; then
	vm_die "--out $res is not empty and not an earlier results directory"
fi
mkdir -p "$res"
res=$(realpath "$res")
{
	printf 'BX_REPO=%q\n' "$BINDOX_REPO"
	printf 'BX_MODULE=%q\n' "$module"
	printf 'BX_MODULE_ARGS=%q\n' "$module_args"
	printf 'BX_CMD_TIMEOUT=%q\n' "$cmd_timeout"
	printf 'BX_LIVE=%q\n' "$serial"
	printf 'BX_ENV=('
	for e in ${envs[@]+"${envs[@]}"}; do printf ' %q' "$e"; done
	printf ' )\n'
} >"$res/config"
printf '%s\0' "${cmd[@]}" >"$res/cmd"
echo "$BINDOX_VM_DIR/guest.sh" >"$res/guest-script"
if [[ $BINDOX_ARCH == arm64 ]]; then
	# The host directories the guest needs, at the same paths: the
	# repository (guest.sh and its scripts run from there), the module's
	# directory, what CMD's arguments name (the build directory, test
	# programs), and the kernel's modules. Paths under one already listed
	# are left out.
	binds=("$BINDOX_REPO")
	[[ -z $module ]] || binds+=("$(dirname "$module")")
	for a in "${cmd[@]}"; do
		[[ $a == /* && -e $a && $a != /tmp/* ]] || continue
		if [[ -d $a ]]; then binds+=("$(realpath "$a")"); else binds+=("$(dirname "$(realpath "$a")")"); fi
	done
	for b in $(printf '%s\n' "${binds[@]}" | sort -u); do
		covered=0
		for c in "${binds[@]}"; do
			[[ $b == "$c"/* ]] && covered=1
		done
		[[ $b != *[[:space:]]* ]] || vm_die "cannot share a path with spaces: $b"
		[[ $covered -eq 1 ]] || echo "$b $b"
	done >"$res/binds"
	moddir=$(vm_moddir "$kver")
	echo "$moddir /lib/modules/$kver" >>"$res/binds"
fi

# No panic_on_warn: warnings are reported by the dmesg check. Software
# emulation on a busy host can stall a vCPU for seconds: the soft-lockup
# and RCU-stall detectors get more slack than on hardware (60 s each).
cmdline="loglevel=5 panic=-1 oops=panic"
cmdline+=" watchdog_thresh=30 rcupdate.rcu_cpu_stall_timeout=60"
# Memory debugging. slub_debug checks slab objects when they are freed and
# allocated again. page_poison does that for whole pages ("pagealloc:
# memory corruption"): a buffer's memory is pages, which slub_debug does
# not see. KFENCE (6.12: built in, off unless given an interval; 6.1
# ignores the argument) puts one slab allocation every 10 ms between guard
# pages and reports its first read or write out of bounds or after free.
[[ $debug -eq 0 ]] ||
	cmdline+=" slub_debug=FZPU page_poison=1 kfence.sample_interval=10"
cmdline+=" rdinit=/init $append"
[[ $systemd -eq 0 ]] || cmdline+=" bindox.init=systemd"
if [[ -n $disk ]]; then
	[[ -f $disk ]] || vm_die "--disk $disk: no such image"
	# The only disk: vda on both machines.
	cmdline+=" bindox.upper=/dev/vda"
fi
p9opts="security_model=none,multidevs=remap"
if [[ $BINDOX_ARCH == arm64 ]]; then
	# virt: PCIe (the 9p devices are virtio-9p-pci) and a PL011 serial
	# port. cpu max with the implementation-defined pointer-authentication
	# algorithm: TCG emulates the architected one (QARMA) several times
	# slower, and the kernel uses it on every function entry.
	qemu=(qemu-system-aarch64 -machine virt -accel tcg
		-cpu "max,pauth-impdef=on" -smp 2 -m "$mem"
		-append "console=ttyAMA0 $cmdline"
		-virtfs "local,path=/,mount_tag=host,readonly=on,$p9opts")
else
	# q35: on the default i440fx machine, virtio_pci probing alone takes 6 s.
	qemu=(qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m "$mem"
		-append "console=ttyS0 $cmdline")
fi
qemu+=(-nographic -no-reboot -nic none -kernel "$kernel" -initrd "$initrd"
	-virtfs "local,path=$guest_root,mount_tag=hostroot,readonly=on,$p9opts"
	-virtfs "local,path=$res,mount_tag=results,$p9opts")
[[ -z $disk ]] || qemu+=(-drive "file=$disk,format=raw,if=virtio")

# boot: run the guest once; its exit status in $rc.
boot() {
	local start
	start=$(date +%s)
	rc=0
	if [[ $serial -eq 1 ]]; then
		timeout --foreground -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 |
			tee "$res/console.log" || rc=${PIPESTATUS[0]}
	else
		timeout --foreground -k 10 "$vm_timeout" "${qemu[@]}" </dev/null \
			>"$res/console.log" 2>&1 || rc=$?
	fi
	echo "run-vm: VM ran for $(($(date +%s) - start)) s (qemu exit $rc)"
}

# hung_before_bindox: whether the guest timed out locked up (the kernel's
# soft lockup or RCU stall reports) before its command started and with no
# bindox module loaded, so that no code of ours ran. The emulator does
# that now and then at boot (both vCPUs spinning in the page allocator).
hung_before_bindox() {
	[[ $rc -eq 124 || $rc -eq 137 ]] && [[ ! -s $res/output.log && ! -e $res/status ]] &&
		grep -Eq 'soft lockup|rcu: INFO|detected stalls' "$res/console.log" &&
		! grep -Eq 'Modules linked in:.* bindox([( ]|$)' "$res/console.log"
}

echo "run-vm: booting $kver ($BINDOX_ARCH), results in $res"
boot
if hung_before_bindox; then
	# Once: a guest that hangs again is reported as it is.
	mv "$res/console.log" "$res/console-hung.log"
	echo "run-vm: the guest hung at boot before its command and bindox ran" \
		"(console-hung.log); booting it once more"
	boot
fi

# ---- checks on the host ----
echo "----- guest command output -----"
if [[ -e $res/output.log ]]; then cat "$res/output.log"; fi
echo "----- end of guest command output -----"

failed=0
: >"$res/checks"
check() { # check NAME OK [DETAIL]
	local word=PASS
	if [[ $2 -ne 0 ]]; then
		word=FAIL
		failed=$((failed + 1))
	fi
	echo "$word $1" >>"$res/checks"
	echo "$word: $1${3:+ ($3)}"
}
skip() {
	echo "SKIP $1" >>"$res/checks"
	echo "SKIP: $1"
}
# is_zero FILE: 0 if FILE holds exactly "0", else 1 (as a word, for check).
is_zero() { [[ -f $1 && $(cat "$1") == 0 ]] && echo 0 || echo 1; }

detail=
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
	detail="timed out after $vm_timeout s"
elif [[ ! -e $res/done ]]; then
	detail="guest did not finish; see $res/console.log"
fi
check vm-finished "${#detail}" "$detail"
if [[ -n $detail ]]; then
	echo "----- last lines of the console -----"
	tail -n 60 "$res/console.log" | tr -d '\r'
	echo "-----"
fi

if [[ -n $module ]]; then
	check insmod "$(is_zero "$res/insmod.status")" "$(cat "$res/insmod.log" 2>/dev/null || true)"
fi

check command "$(is_zero "$res/status")" "exit status $(cat "$res/status" 2>/dev/null || echo none)"

# Kernel error reports, in dmesg and in the kernel's lines on the console.
bad='WARNING:|BUG:|Oops|refcount_t:|UBSAN|KASAN|general protection|kernel BUG'
bad+='|list_add corruption|list_del corruption|BUG [^ ]+ \(|Redzone|Poison overwritten'
bad+='|Object already free|Freepointer corrupt|Padding overwritten|Kernel panic'
bad+='|blocked for more than|detected stalls?|pagealloc:'
{
	cat "$res/dmesg.log" 2>/dev/null || true
	tr -d '\r' <"$res/console.log" | grep -E '^\[ *[0-9]+\.[0-9]+\] ' || true
} | grep -E "$bad" | sort -u >"$res/dmesg-errors" || true
if [[ ! -e $res/dmesg.log ]]; then
	check dmesg-clean 1 "no dmesg.log"
elif [[ -s $res/dmesg-errors ]]; then
	check dmesg-clean 1 "$(wc -l <"$res/dmesg-errors") error line(s)"
else
	check dmesg-clean 0
fi
head -n 20 "$res/dmesg-errors" | sed 's/^/    /'

if [[ -n $module ]]; then
	if [[ ! -s $res/counters ]]; then
		check counters-zero 1 "no /sys/kernel/debug/bindox/counters"
	elif nz=$(awk 'NF != 2 || $2 != "0"' "$res/counters") && [[ -n $nz ]]; then
		check counters-zero 1 "$(echo "$nz" | tr '\n' ' ')"
	else
		check counters-zero 0 "$(wc -l <"$res/counters") counters"
	fi
	check rmmod "$(is_zero "$res/rmmod.status")" "$(cat "$res/rmmod.log" 2>/dev/null || true)"
else
	skip counters-zero
	skip rmmod
fi

if [[ $failed -ne 0 ]]; then
	echo "run-vm: $failed check(s) failed; results in $res"
	exit 1
fi
echo "run-vm: all checks passed"
