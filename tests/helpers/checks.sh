# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# checks.sh: sourced by shell tests that report one line per check.
#   pass NAME          prints "PASS: NAME"
#   fail NAME [WHY]    prints "FAIL: NAME: WHY"
#   checks_summary     prints Check's summary line
#                      ("N%: Checks: N, Failures: F, Errors: 0"), which
#                      tests/vm/run-tests.sh counts
#   setup_failed WHY   fail "setup" WHY, the summary, exit status 1
#   wait_until SECS CMD...     retries CMD every 0.1 s until it succeeds;
#                              status 1 if it did not within SECS
#   check NAME SECS CMD...     a check: CMD succeeds within SECS
#   expect NAME REGEX CMD...   a check: CMD's output (stdout and stderr)
#                              matches the extended REGEX
#   expect_status NAME STATUS CMD...
#                              a check: CMD exits with STATUS; its output
#                              stays in $tmp/last.out ($tmp: the sourcing
#                              test's folder) for the checks that follow
#   kill_and_reap PID...       SIGKILL each PID, then wait for every child
#                              of the shell (for cleanup traps)
#   expect_exit NAME STATUS REGEX CMD...
#                              a check: CMD exits with STATUS and its
#                              output (stdout and stderr) matches REGEX
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

expect_status() {
	local name=$1 want=$2 rc=0
	shift 2
	# shellcheck disable=SC2154  # $tmp is the sourcing test's
	"$@" >"$tmp/last.out" 2>&1 || rc=$?
	if [[ $rc -eq $want ]]; then
		pass "$name"
	else
		fail "$name" "'$*' exited with $rc, not $want: $(head -c 800 "$tmp/last.out")"
	fi
}

expect_exit() {
	local name=$1 want=$2 regex=$3 out rc=0
	shift 3
	out=$("$@" 2>&1) || rc=$?
	if [[ $rc -ne $want ]]; then
		fail "$name" "'$*' exited with $rc, not $want: $(head -c 800 <<<"$out")"
	elif ! grep -Eq -- "$regex" <<<"$out"; then
		fail "$name" "output of '$*' does not match /$regex/: $(head -c 800 <<<"$out")"
	else
		pass "$name"
	fi
}

checks_summary() {
	local pct=100
	[[ $checks -gt 0 ]] && pct=$(((checks - failures) * 100 / checks))
	echo "$pct%: Checks: $checks, Failures: $failures, Errors: 0"
}

setup_failed() {
	fail setup "$1"
	checks_summary
	exit 1
}

wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[[ $SECONDS -lt $deadline ]] || return 1
		sleep 0.1
	done
}

check() {
	local name=$1 secs=$2
	shift 2
	if wait_until "$secs" "$@"; then
		pass "$name"
	else
		fail "$name" "'$*' did not succeed within $secs s"
	fi
}

expect() {
	local name=$1 regex=$2 out
	shift 2
	out=$("$@" 2>&1)
	if grep -Eq -- "$regex" <<<"$out"; then
		pass "$name"
	else
		fail "$name" "output of '$*' does not match /$regex/: $(head -c 800 <<<"$out")"
	fi
}

kill_and_reap() {
	local pid
	for pid in "$@"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
