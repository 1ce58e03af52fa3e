# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# lib.sh: sourced by check-deb.sh and check-rpm.sh (NAME below).
#   pkg_repo, pkg_version   the repository and meson's project version
#   pass, fail              tests/helpers/checks.sh
#   pkg_die MSG             the check cannot go on: report, FAIL: NAME, exit 1
#   pkg_need TOOL...        pkg_die unless every TOOL is on PATH
#   pkg_workdir             make $pkg_work, a new directory under
#                           ${TMPDIR:-/tmp}, removed at exit when nothing
#                           failed and kept (with its logs) otherwise;
#                           pkg_cleanup_hook, if defined, runs first
#   pkg_expect LABEL PATH...  pass if every PATH is a line of stdin (a
#                           package's file list), else fail naming the others;
#                           feed it with < <(...), not a pipe (the counters)
#   pkg_finish              the closing lines; exit status 1 on failures

pkg_name=${0##*/}
pkg_name=${pkg_name%.sh}
pkg_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/helpers/checks.sh
. "$pkg_repo/tests/helpers/checks.sh"

pkg_die() {
	failures=$((failures + 1))
	echo "$pkg_name: $*" >&2
	echo "FAIL: $pkg_name"
	exit 1
}

pkg_need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || pkg_die "$tool missing (tests/install-deps.sh)"
	done
}

pkg_need git
git -C "$pkg_repo" rev-parse --verify -q HEAD >/dev/null ||
	pkg_die "$pkg_repo is not a git checkout with a HEAD"
pkg_version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" "$pkg_repo/meson.build" | head -n1)
[[ -n $pkg_version ]] || pkg_die "no version in $pkg_repo/meson.build"

pkg_exit() {
	if declare -F pkg_cleanup_hook >/dev/null; then
		pkg_cleanup_hook
	fi
	if [[ $failures -eq 0 ]]; then
		rm -rf "$pkg_work"
	else
		echo "$pkg_name: logs kept in $pkg_work"
	fi
}

pkg_workdir() {
	pkg_work=$(mktemp -d "${TMPDIR:-/tmp}/bindox-$pkg_name.XXXXXX") ||
		pkg_die "cannot make a work directory"
	trap pkg_exit EXIT
}

pkg_expect() {
	local label=$1 listing missing=() f
	shift
	listing=$(cat)
	for f in "$@"; do
		grep -qxF "$f" <<<"$listing" || missing+=("$f")
	done
	if [[ ${#missing[@]} -eq 0 ]]; then
		pass "$label ($# paths)"
	else
		fail "$label" "missing ${missing[*]}"
	fi
}

pkg_finish() {
	echo "$pkg_name: $((checks - failures)) of $checks checks passed"
	if [[ $failures -eq 0 ]]; then
		echo "PASS: $pkg_name"
	else
		echo "FAIL: $pkg_name"
		exit 1
	fi
}
