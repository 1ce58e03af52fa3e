# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# bpftrace-output.sh: sourced by the tests that run a bench/*.bt script
# under bpftrace, to read what it printed on exit from $tmp/bpftrace.out.
#   hist_total NAME        the sum of the counts of histogram @NAME, or of
#                          all its keys' ("@NAME[key]:") if it has keys
#   map_count NAME KEY     the count of @NAME[KEY] ("@call[answered]: 12"),
#                          0 if it was not printed

hist_total() {
	awk -v name="@$1" '
		# "@NAME:" or "@NAME[key, with spaces]:" opens a histogram of
		# NAME; any other "@" line closes it.
		/^@/ {
			rest = substr($0, length(name) + 1)
			on = index($0, name) == 1 && rest ~ /^(\[.*\])?:[ \t]*$/
			next
		}
		# "[64, 128)   8 |@@@   |": the count is the word before the bar.
		on && /^\[/ { split($0, part, "|"); n = split(part[1], w, " "); total += w[n]; next }
		on && NF == 0 { on = 0 }
		END { print total + 0 }' "$tmp/bpftrace.out"
}

map_count() {
	awk -v key="@$1[$2]:" '
		index($0, key) == 1 { n = $NF }
		END { print n + 0 }' "$tmp/bpftrace.out"
}
