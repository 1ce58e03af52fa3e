#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Plot of an ipcbench tput run: calls (or messages) per second against clients.

plot-tput.py THROUGHPUT.json OUT.png

One panel for calls and one for one-way messages; in each, one line per
method and message size (solid 64 B, dashed larger; with --rounds, the
median round, and the range of the rounds shaded), a log scale for the
rate, and a mark at the guest's CPU count, beyond which clients outnumber
CPUs.
"""
import json
import sys

COLOURS = {"bindox": "tab:blue", "uds": "tab:orange", "binder": "tab:green"}
LINESTYLES = ["-", "--", ":", "-."]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        run = json.load(f)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot-tput: python3-matplotlib missing: no plot", file=sys.stderr)
        return 1

    rows = [r for r in run["results"] if "error" not in r]
    kinds = [k for k in ("call", "oneway") if any(r["kind"] == k for r in rows)]
    sizes = sorted({r["size"] for r in rows})
    methods = [m["name"] for m in run["methods"]]
    fig, axes = plt.subplots(1, len(kinds), figsize=(6.5 * len(kinds), 4.8), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        for m in methods:
            for i, size in enumerate(sizes):
                pts = sorted((r["clients"], r["per_sec"], r.get("rounds_min_per_sec"),
                              r.get("rounds_max_per_sec")) for r in rows
                             if r["kind"] == kind and r["method"] == m and r["size"] == size)
                if not pts:
                    continue
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o",
                        color=COLOURS.get(m), linestyle=LINESTYLES[i % len(LINESTYLES)],
                        label="%s %d B" % (m, size))
                if run.get("rounds", 1) > 1:
                    # The range of the rounds around each median.
                    ax.fill_between([p[0] for p in pts], [max(p[2], 1) for p in pts],
                                    [p[3] for p in pts], color=COLOURS.get(m), alpha=0.08)
        ax.axvline(run["cpus_online"], color="grey", linewidth=0.8, linestyle=":")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        clients = sorted({r["clients"] for r in rows})
        ax.set_xticks(clients)
        ax.set_xticklabels([str(c) for c in clients])
        ax.set_xlabel("client processes (dotted: %d CPUs)" % run["cpus_online"])
        ax.set_ylabel("calls per second" if kind == "call" else
                      "messages received per second")
        ax.set_title("%s, one server with a worker pool" %
                     ("request/reply calls" if kind == "call" else "one-way messages"))
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("ipcbench tput, kernel %s, %d CPUs, %.2f s per point, %d round(s)" % (
        run["kernel"], run["cpus_online"], run["seconds"], run.get("rounds", 1)))
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)
    print("plot-tput: %s" % sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
