#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The size sweep of ipcbench rtt (bench/run-rtt.sh --sizes): a table and a plot.

plot-rtt-sizes.py SWEEP.json [OUT.png]

Prints each method's p50 per size with its ratio against the UNIX socket,
and the crossover: the smallest size from which bindox-buffer's p50 stays
below bindox-inline's (over the sizes where both ran). With OUT.png, draws
p50 latency against message size (log-log), one line per method, the band
around each line being the range of the per-round medians.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import size_label  # noqa: E402


def p50_table(sweep):
    """{method: {size: entry}} of the methods that ran, in the run's order."""
    table, order = {}, []
    for s in sweep["sizes"]:
        for m in s["methods"]:
            if m["name"] not in order:
                order.append(m["name"])
            if "p50_us" in m:
                table.setdefault(m["name"], {})[s["size"]] = m
    return table, order


def crossover(table, a="bindox-buffer", b="bindox-inline"):
    """Smallest size from which a's p50 stays below b's, or None."""
    both = sorted(set(table.get(a, {})) & set(table.get(b, {})))
    found = None
    for size in reversed(both):
        if table[a][size]["p50_us"] < table[b][size]["p50_us"]:
            found = size
        else:
            break
    return found, both


def print_table(sweep, table, order):
    base = sweep.get("ratios_against", "uds")
    sizes = [s["size"] for s in sweep["sizes"]]
    print("p50 round trip, us (x: against %s at the same size)" % base)
    print("%-14s" % "method" + "".join("%18s" % size_label(s) for s in sizes))
    for name in order:
        cells = []
        for s in sweep["sizes"]:
            m = next(m for m in s["methods"] if m["name"] == name)
            if "p50_us" in m:
                ratio = m.get("vs_" + base, {}).get("p50")
                cells.append("%10.1f" % m["p50_us"] + (" %5.2fx" % ratio if ratio else " " * 7))
            elif "not_possible" in m:
                cells.append("not possible")
            else:
                cells.append("FAILED")
        print("%-14s" % name + "".join("%18s" % c for c in cells))


def plot(sweep, table, order, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5))
    for name in order:
        rows = sorted(table.get(name, {}).items())
        if not rows:
            continue
        xs = [s for s, _ in rows]
        line, = ax.plot(xs, [m["p50_us"] for _, m in rows], marker="o", label=name)
        ax.fill_between(xs, [m["round_p50_min_us"] for _, m in rows],
                        [m["round_p50_max_us"] for _, m in rows],
                        color=line.get_color(), alpha=0.15, linewidth=0)
    sizes = [s["size"] for s in sweep["sizes"]]
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(sizes)
    ax.set_xticklabels([size_label(s) for s in sizes])
    ax.set_xlabel("message size (request and reply)")
    ax.set_ylabel("round trip p50, us (log)")
    pin = "client and server on CPU 0" if sweep.get("same_cpu") else "unpinned"
    ax.set_title("ipcbench rtt: request/reply round trip against size\n"
                 "kernel %s, %s; bands: range of the per-round medians"
                 % (sweep.get("kernel", "?"), pin), fontsize=9)
    ax.grid(which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[2])
    with open(sys.argv[1]) as f:
        sweep = json.load(f)
    table, order = p50_table(sweep)
    print_table(sweep, table, order)
    size, both = crossover(table)
    if not both:
        print("crossover: bindox-buffer and bindox-inline did not both run at any size")
    elif size is None:
        print("crossover: bindox-buffer is not faster than bindox-inline at the largest "
              "size both ran (%s)" % size_label(both[-1]))
    else:
        print("crossover: bindox-buffer's p50 is below bindox-inline's from %s on "
              "(sizes where both ran: %s)" % (size_label(size), ", ".join(map(size_label, both))))
    if len(sys.argv) == 3:
        plot(sweep, table, order, sys.argv[2])
        print("plot: %s" % sys.argv[2])


if __name__ == "__main__":
    main()
