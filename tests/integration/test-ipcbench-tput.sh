#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test-ipcbench-tput: ipcbench's throughput mode (bench/ipcbench/tput.c) in
# the test VM, briefly: bindox, uds and binder (binder_linux loaded as
# bench/run loads it), calls and one-way messages of 64 bytes under 1
# client and under one client more than the guest has CPUs, 2 rounds. It
# must exit 0, and its JSON must hold every point with a rate, bindox's
# calls as the clients' rates summed, bindox's ratios to the others at
# every (kind, clients) and the points beyond the CPUs against 1 client.
# A --rounds, --sizes or --kinds out of range is refused, named; clients
# of uid 1000 (--client-uid) are served.
set -uo pipefail

build=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ipcbench=$build/bench/ipcbench/ipcbench
# shellcheck source=tests/helpers/checks.sh
. "$build/tests/integration/checks.sh"
tmp=$(mktemp -d /tmp/ipcbench-tput.XXXXXX)
cleanup() {
	echo "----- ipcbench tput output -----"
	cat "$tmp/tput.out" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

[[ -x $ipcbench ]] || setup_failed "$ipcbench not built"
[[ -c /dev/bindox ]] || setup_failed "no /dev/bindox (runs in the test VM)"

# Debian's kernels have no binderfs: binder_linux's devices= makes
# /dev/binder. A kernel with binderfs gets its binder device from a mount.
binder=/dev/binder
[[ -c $binder ]] || modprobe binder_linux devices=binder >"$tmp/modprobe.out" 2>&1
if [[ ! -c $binder ]] && grep -qw binder /proc/filesystems; then
	binder=/dev/binderfs/binder
	[[ -c $binder ]] || { mkdir -p /dev/binderfs && mount -t binder binder /dev/binderfs; }
fi
if [[ -c $binder ]]; then
	methods=bindox,uds,binder
else
	methods=bindox,uds
	echo "no binder on $(uname -r) ($(cat "$tmp/modprobe.out" 2>/dev/null)): measuring $methods"
fi

cpus=$(nproc)
beyond=$((cpus + 1))
expect_status "ipcbench tput: $methods, call and oneway, 1 and $beyond clients ($cpus CPUs)" 0 \
	timeout 240 "$ipcbench" tput --methods "$methods" --kinds call,oneway --sizes 64 \
	--clients "1,$beyond" --seconds 0.3 --warmup 0.1 --rounds 2 --binder-device "$binder" \
	--json "$tmp/tput.json"
cp "$tmp/last.out" "$tmp/tput.out"

# One line a check: PASS<tab>NAME or FAIL<tab>NAME<tab>WHY.
python3 - "$tmp/tput.json" "$methods" "$cpus" "$beyond" >"$tmp/json.out" 2>&1 <<'PY'
import json, sys
path, methods, cpus, n = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), int(sys.argv[4])
kinds, counts = ("call", "oneway"), (1, n)

def check(name, bad):
    print("FAIL\t%s\t%s" % (name, "; ".join(bad[:4])) if bad else "PASS\t" + name)

def pos(r, key):
    return isinstance(r.get(key), (int, float)) and r[key] > 0

d = json.load(open(path))
res = {(r["kind"], r["size"], r["clients"], r["method"]): r for r in d["results"]}
want = {(k, 64, c, m) for k in kinds for c in counts for m in methods}
bad = ["missing %s" % (w,) for w in sorted(want - res.keys())]
bad += ["unasked %s" % (w,) for w in sorted(res.keys() - want)]
bad += ["%s: %s" % (w, r.get("error", r.get("per_sec"))) for w, r in res.items() if not pos(r, "per_sec")]
if d.get("cpus_online") != cpus:
    bad.append("cpus_online %s, nproc %d" % (d.get("cpus_online"), cpus))
check("JSON: all %d points with per_sec > 0" % len(want), bad)

# A call point's rate is its clients' answered calls summed, so it lies
# between clients x the slowest's and clients x the fastest's (each
# figure rounded to 0.1), within its rounds' range.
bad = []
for c in counts:
    r = res.get(("call", 64, c, "bindox"), {})
    lo, hi, rate = (r.get(k) or 0 for k in ("client_min_per_sec", "client_max_per_sec", "per_sec"))
    tol = 0.1 * c
    if not (0 < lo <= hi and c * lo - tol <= rate <= c * hi + tol):
        bad.append("%d clients: %s/s, clients %s..%s/s" % (c, rate, lo, hi))
    if not (r.get("rounds_min_per_sec") or 0) <= rate <= (r.get("rounds_max_per_sec") or 0):
        bad.append("%d clients: %s/s outside its rounds %s..%s" % (c, rate, r.get("rounds_min_per_sec"), r.get("rounds_max_per_sec")))
    if r.get("workers") != c or "sent_per_sec" in r:
        bad.append("%d clients: workers %s, sent_per_sec %s" % (c, r.get("workers"), r.get("sent_per_sec")))
check("JSON: bindox calls are the clients' rates summed, every client served", bad)

rat = {(r["kind"], r["size"], r["clients"]): r for r in d["ratios"]}
bad = ["%d ratios" % len(d["ratios"])] if len(d["ratios"]) != 4 else []
for k in kinds:
    for c in counts:
        r = rat.get((k, 64, c), {})
        if not pos(r, "bindox_over_uds"):
            bad.append("%s %d: bindox_over_uds %s" % (k, c, r.get("bindox_over_uds")))
        if ("binder" in methods) != pos(r, "bindox_over_binder"):
            bad.append("%s %d: bindox_over_binder %s" % (k, c, r.get("bindox_over_binder")))
check("JSON: ratios of bindox at every (kind, clients)", bad)

# Each point beyond the CPUs against the most clients within them: 1.
within = max(c for c in counts if c <= cpus)
got = {(b["kind"], b["size"], b["clients"], b["method"]): b for b in d["beyond_cpus"]}
want = {(k, 64, n, m) for k in kinds for m in methods}
bad = ["missing %s" % (w,) for w in sorted(want - got.keys())]
bad += ["unasked %s" % (w,) for w in sorted(got.keys() - want)]
if len(d["beyond_cpus"]) != len(got):
    bad.append("%d entries for %d points" % (len(d["beyond_cpus"]), len(got)))
for w, b in got.items():
    if b["against_clients"] != within:
        bad.append("%s against %s clients" % (w, b["against_clients"]))
    if not (pos(b, "ratio_min") and b["ratio_min"] <= b.get("ratio_median", 0) <= b.get("ratio_max", 0)):
        bad.append("%s: ratios %s" % (w, [b.get(k) for k in ("ratio_min", "ratio_median", "ratio_max")]))
check("JSON: beyond_cpus: %d-client points against %d client" % (n, within), bad)
PY
rc=$?
while IFS=$'\t' read -r verdict name why; do
	case $verdict in
	PASS) pass "$name" ;;
	FAIL) fail "$name" "$why" ;;
	esac
done <"$tmp/json.out"
[[ $rc -eq 0 ]] || fail "the JSON checks ran" "$(tail -n 3 "$tmp/json.out")"

# Refused before anything runs: exit status 2, the option and its value
# named, then the usage. The options before the refused one keep a run
# short if it is not refused.
quick=("$ipcbench" tput --methods uds --clients 1 --kinds call --sizes 64 --seconds 0.01 --warmup 0)
expect_exit "--rounds 0 refused" 2 '^ipcbench tput: --rounds 0: refused' \
	timeout 30 "${quick[@]}" --rounds 0
expect_exit "--rounds 16 refused (at most 15)" 2 '^ipcbench tput: --rounds 16: refused' \
	timeout 30 "${quick[@]}" --rounds 16
expect_exit "--sizes 4 refused (at least 8)" 2 '^ipcbench tput: --sizes 4: refused' \
	timeout 30 "${quick[@]}" --sizes 4
expect_exit "--kinds bogus refused" 2 '^ipcbench tput: --kinds bogus: refused' \
	timeout 30 "${quick[@]}" --kinds bogus
expect_exit "an argument left over refused" 2 '^ipcbench tput: unexpected argument extra' \
	timeout 30 "${quick[@]}" extra
expect_exit "--client-uid with uds refused" 2 '^ipcbench tput: --client-uid takes --methods bindox alone' \
	timeout 30 "${quick[@]}" --client-uid 1000

# Clients of another uid (bindox alone; the device opened to them for the
# run): their calls are answered and the JSON says whose they were.
mode=$(stat -c %a /dev/bindox)
chmod 666 /dev/bindox
expect_status "ipcbench tput --client-uid 1000: bindox calls" 0 \
	timeout 60 "$ipcbench" tput --methods bindox --kinds call --sizes 64 --clients 2 \
	--seconds 0.3 --warmup 0.1 --client-uid 1000 --json "$tmp/uid.json"
chmod "$mode" /dev/bindox
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
sys.exit(not (d["client_uid"] == 1000 and len(r) == 1 and r[0]["per_sec"] > 0 and
              r[0]["client_min_per_sec"] > 0))' "$tmp/uid.json" 2>"$tmp/uid.err"; then
	pass "JSON: client_uid 1000, every client served"
else
	fail "JSON: client_uid 1000, every client served" "$(head -c 400 "$tmp/uid.json" "$tmp/uid.err")"
fi

checks_summary
