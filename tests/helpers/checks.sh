# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# checks.sh: sourced by shell tests that report one line per check.
#   pass NAME          prints "PASS: NAME"
#   fail NAME [WHY]    prints "FAIL: NAME: WHY"
#   checks_summary     prints Check's summary line
#                      ("N%: Checks: N, Failures: F, Errors: 0"), which
#                      tests/vm/run-tests.sh counts
# The counters are $checks and $failures.

checks=0
failures=0

pass() {
	checks=$((checks + 1))
	echo "PASS: $1"
}

fail() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "FAIL: $1${2:+: $2}"
}

checks_summary() {
	local pct=100
	[[ $checks -gt 0 ]] && pct=$(((checks - failures) * 100 / checks))
	echo "$pct%: Checks: $checks, Failures: $failures, Errors: 0"
}
