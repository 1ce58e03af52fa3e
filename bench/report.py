#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Report of an ipcbench run (bench/run): latest.json, a table, the plots.

report.py --machine MACHINE.json --results RESULTS.jsonl --out DIR [--command TEXT]
          [--json FILE]

Writes DIR/latest.json (or FILE) ({"machine", "results", "targets", ...}), prints the
tables and the issue's targets, and draws DIR/fig4-latency.png,
fig5-memory.png, fig6-cpu.png (the paper's figures 4-6: paper workload) and
DIR/small-messages.png.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

METHOD_ORDER = ["bindox", "tcp", "udp", "uds", "grpc", "memfd", "binder", "iceoryx"]
MiB = 1024 * 1024


def size_label(n):
    for unit, shift in (("G", 30), ("M", 20), ("K", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return "%d%s" % (n >> shift, unit)
    return str(n)


def method_key(m):
    return METHOD_ORDER.index(m) if m in METHOD_ORDER else len(METHOD_ORDER)


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ok(r):
    return "error" not in r


def by(results, workload):
    rows = [r for r in results if r["workload"] == workload]
    rows.sort(key=lambda r: (r["size_bytes"], method_key(r["method"])))
    return rows


def print_paper(rows):
    print("\nPaper workload (client writes the buffer and passes it, server writes it and passes it back)")
    print("%-5s %-8s %6s %9s %9s %9s %9s %9s %8s %9s %8s %6s" % (
        "size", "method", "iters", "mean ms", "p50 ms", "p99 ms", "xfer p50", "writes",
        "cpu s/it", "flt/it", "peak MiB", "xbuf"))
    spread = []
    for r in rows:
        if not ok(r):
            print("%-5s %-8s FAILED: %s" % (size_label(r["size_bytes"]), r["method"], r["error"]))
            continue
        n = r["iterations"]
        print("%-5s %-8s %6d %9.1f %9.1f %9.1f %9.2f %9.1f %8.3f %9.0f %8.0f %6.2f" % (
            size_label(r["size_bytes"]), r["method"], n, r["iter_ms"]["mean"],
            r["iter_ms"]["p50"], r["iter_ms"]["p99"], r["transfer_ms"]["p50"],
            r["writes_ms"]["sum_p50"], r["cpu_s"] / n, r["minor_faults"] / n,
            r["peak_mem_bytes"] / MiB, r["peak_mem_bytes"] / r["size_bytes"]))
        spread.append(r)
    print_transfer_spread(spread)


def print_transfer_spread(rows):
    """The spread of the transfer part over a run's iterations."""
    rows = [r for r in rows if "stddev" in r["transfer_ms"]]
    if not rows:
        return
    print("\nTransfer part (iteration minus both writes), ms, over each run's iterations")
    print("%-5s %-8s %6s %8s %8s %8s %8s %8s %8s %8s %8s" % (
        "size", "method", "iters", "min", "p25", "p50", "p75", "p90", "max", "mean", "sd"))
    for r in rows:
        t = r["transfer_ms"]
        print("%-5s %-8s %6d %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f" % (
            size_label(r["size_bytes"]), r["method"], r["iterations"], t["min"], t["p25"],
            t["p50"], t["p75"], t["p90"], t["max"], t["mean"], t["stddev"]))


def print_small(rows):
    print("\nSmall messages (round trip: request and reply of the size)")
    print("%-5s %-8s %7s %10s %10s %10s %10s" % (
        "size", "method", "iters", "p50 us", "p99 us", "mean us", "cpu us/rt"))
    for r in rows:
        if not ok(r):
            print("%-5s %-8s FAILED: %s" % (size_label(r["size_bytes"]), r["method"], r["error"]))
            continue
        n = r["iterations"]
        print("%-5s %-8s %7d %10.1f %10.1f %10.1f %10.1f" % (
            size_label(r["size_bytes"]), r["method"], n, r["iter_ms"]["p50"] * 1000,
            r["iter_ms"]["p99"] * 1000, r["iter_ms"]["mean"] * 1000, r["cpu_s"] / n * 1e6))


def targets(rows):
    """The issue's targets, as ratios within this run, at the smallest paper size."""
    good = [r for r in rows if ok(r)]
    if not good:
        return []
    size = min(r["size_bytes"] for r in good)
    at = {r["method"]: r for r in good if r["size_bytes"] == size}
    b = at.get("bindox")
    out = []

    def add(name, value, limit, better, detail):
        if value is None or limit is None:
            passed = None
        else:
            passed = value >= limit if better == "higher" else value <= limit
        out.append({"target": name, "size_bytes": size, "value": value, "limit": limit,
                    "passed": passed, "detail": detail})

    for peer in ("tcp", "uds"):
        p = at.get(peer)
        v = None
        if b and p and b["transfer_ms"]["p50"] > 0:
            v = p["transfer_ms"]["p50"] / b["transfer_ms"]["p50"]
        add("transfer %s/bindox" % peer, v, 20.0, "higher",
            "p50 transfer part (iteration minus both writes); at least 20x smaller than %s" % peer)
    # Moves against bare handoffs (issue 13), at every paper size.
    for s in sorted({r["size_bytes"] for r in good}):
        at_s = {r["method"]: r for r in good if r["size_bytes"] == s}
        for peer, limit in (("memfd", 1.25), ("iceoryx", 1.5)):
            add_handoff(out, at_s.get("bindox"), at_s.get(peer), peer, s, limit)
    # The floor: the two writes alone, as measured in Bindox's own
    # iterations (iteration = writes + transfer).
    own = b["writes_ms"]["sum_p50"] if b else None
    v = b["iter_ms"]["p50"] / own if b and own else None
    add("iteration bindox/floor", v, 1.1, "lower",
        "p50 iteration over the p50 of its own two writes alone (%.1f ms)" % own
        if own else "no floor")
    # For comparison, not a target: against the cheapest writes of any
    # method. Every method does the same writes, so this adds the spread of
    # the writes between runs (several percent in the VM) to the ratio.
    floor = min((r["writes_ms"]["sum_p50"] for r in at.values()), default=None)
    v = b["iter_ms"]["p50"] / floor if b and floor else None
    add("iteration bindox/cheapest writes", v, None, "info",
        "p50 iteration over the cheapest p50 of the two writes of any method "
        "(%.1f ms); for comparison only" % floor if floor else "-")
    v = b["peak_mem_bytes"] / size if b else None
    add("peak memory bindox/buffer", v, 1.1, "lower",
        "peak memory of client and server over the buffer size (%s)" %
        (b["peak_mem_source"] if b else "-"))
    return out


def add_handoff(out, b, p, peer, size, limit):
    """Bindox's transfer part over @peer's at @size, from the p50s; the
    spread is the ratio of the quartiles (best and worst pairing)."""
    v = lo = hi = None
    if b and p and p["transfer_ms"]["p50"] > 0:
        bt, pt = b["transfer_ms"], p["transfer_ms"]
        v = bt["p50"] / pt["p50"]
        if "p25" in bt and "p25" in pt and pt["p25"] > 0 and pt["p75"] > 0:
            lo, hi = bt["p25"] / pt["p75"], bt["p75"] / pt["p25"]
    detail = "p50 transfer part over %s's; at most %.2fx" % (peer, limit)
    if b and p:
        bt, pt = b["transfer_ms"], p["transfer_ms"]
        detail += " (bindox p50 %.2f ms, sd %s; %s p50 %.2f ms, sd %s" % (
            bt["p50"], "%.2f" % bt["stddev"] if "stddev" in bt else "-", peer, pt["p50"],
            "%.2f" % pt["stddev"] if "stddev" in pt else "-")
        detail += "; quartile ratio %.2f-%.2f)" % (lo, hi) if lo is not None else ")"
    out.append({"target": "transfer bindox/%s" % peer, "size_bytes": size, "value": v,
                "limit": limit, "passed": None if v is None else v <= limit,
                "basis": "p50", "spread": {"quartile_ratio_low": lo, "quartile_ratio_high": hi},
                "detail": detail})


def print_targets(ts):
    if not ts:
        return
    print("\nTargets (issues 3 and 13; at %s unless a size is given):" %
          size_label(ts[0]["size_bytes"]))
    for t in ts:
        if t["limit"] is None:
            state, limit = "info", "no limit"
        else:
            state = "n/a " if t["passed"] is None else ("PASS" if t["passed"] else "FAIL")
            limit = "limit %.2f" % t["limit"]
        val = "-" if t["value"] is None else "%.2f" % t["value"]
        name = t["target"]
        if t["size_bytes"] != ts[0]["size_bytes"] or "spread" in t:
            name = "%s at %s" % (name, size_label(t["size_bytes"]))
        print("  %s  %-33s %8s  (%s) %s" % (state, name, val, limit, t["detail"]))


def plot(rows, out_dir, machine):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: python3-matplotlib missing: no plots", file=sys.stderr)
        return []
    made = []
    emu = " (emulated CPU: QEMU TCG)" if machine.get("emulated") else ""
    where = "%s, kernel %s%s" % (machine.get("cpu", "?"), machine.get("kernel", "?"), emu)

    def grouped(rows, value, ylabel, title, fname, log=False, hline=None):
        rows = [r for r in rows if ok(r)]
        if not rows:
            return
        sizes = sorted({r["size_bytes"] for r in rows})
        methods = sorted({r["method"] for r in rows}, key=method_key)
        fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(sizes) * len(methods) / 4 + 4), 4.5))
        width = 0.8 / len(methods)
        for i, m in enumerate(methods):
            xs, ys = [], []
            for j, s in enumerate(sizes):
                r = next((r for r in rows if r["method"] == m and r["size_bytes"] == s), None)
                if r is not None:
                    xs.append(j + (i - (len(methods) - 1) / 2) * width)
                    ys.append(value(r))
            ax.bar(xs, ys, width, label=m)
        if hline:
            for j, s in enumerate(sizes):
                ax.hlines(hline(s), j - 0.45, j + 0.45, colors="k", linestyles="dashed",
                          label="buffer size" if j == 0 else None)
        ax.set_xticks(range(len(sizes)))
        ax.set_xticklabels([size_label(s) for s in sizes])
        ax.set_xlabel("message size")
        ax.set_ylabel(ylabel)
        if log:
            ax.set_yscale("log")
        ax.set_title(title + "\n" + where, fontsize=9)
        ax.legend(fontsize=8, ncol=2)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        path = os.path.join(out_dir, fname)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        made.append(path)

    paper = [r for r in rows if r["workload"] == "paper"]
    small = [r for r in rows if r["workload"] == "small"]
    grouped(paper, lambda r: r["iter_ms"]["mean"], "mean iteration time, ms (log)",
            "Fig. 4: latency of a message transfer iteration (both writes included)",
            "fig4-latency.png", log=True)
    grouped(paper, lambda r: max(r["transfer_ms"]["p50"], 1e-3), "transfer part p50, ms (log)",
            "Transfer part: iteration minus the two writes", "fig4b-transfer.png", log=True)
    grouped(paper, lambda r: r["peak_mem_bytes"] / MiB, "peak memory, MiB",
            "Fig. 5: peak memory of client and server together", "fig5-memory.png",
            hline=lambda s: s / MiB)
    grouped(paper, lambda r: r["cpu_s"] / r["iterations"], "CPU s per iteration (user+sys)",
            "Fig. 6: CPU of client and server together", "fig6-cpu.png")
    grouped(small, lambda r: r["iter_ms"]["p50"] * 1000, "round trip p50, us (log)",
            "Small messages: request/reply round trip", "small-messages.png", log=True)
    return made


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--machine", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--command", default="")
    ap.add_argument("--json", help="where the JSON goes (default: OUT/latest.json)")
    a = ap.parse_args()
    with open(a.machine) as f:
        machine = json.load(f)
    results = load(a.results)
    paper, small = by(results, "paper"), by(results, "small")
    ts = targets(paper)
    commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)),
                             "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    doc = {
        "machine": machine,
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": a.command,
        "commit": commit or "unknown",
        "notes": "iter_ms: client's iteration (its write, passing, server's write, passing back); "
                 "transfer_ms: iteration minus both writes, with its spread over the iterations "
                 "(min, p25, p50, p75, p90, p99, max, mean, population stddev); targets "
                 "compare p50s, their spread is the ratio of the quartiles; cpu_s: user+sys of client and "
                 "server over all timed iterations; minor_faults: both, over all timed "
                 "iterations; peak_mem_bytes: memory cgroup memory.peak of both (PSS sum when "
                 "no cgroup; see peak_mem_source)",
        "results": paper + small,
        "targets": ts,
    }
    os.makedirs(a.out, exist_ok=True)
    path = a.json or os.path.join(a.out, "latest.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("machine: %s, kernel %s, %d CPUs, %s%s" % (
        machine.get("cpu"), machine.get("kernel"), machine.get("cpus", 0),
        machine.get("virtualization"), " (emulated)" if machine.get("emulated") else ""))
    if paper:
        print_paper(paper)
    if small:
        print_small(small)
    print_targets(ts)
    for p in plot(results, a.out, machine):
        print("plot: %s" % p)
    print("results: %s" % path)
    return 0 if all(ok(r) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
