#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# set-version.sh VERSION "CHANGE" [TREE]: gives the source tree TREE (default:
# this repository) the version VERSION everywhere it is written: meson's
# project version (the library, bindoxd, bindoxctl, bindox.pc), the driver's
# MODULE_VERSION (/sys/module/bindox/version), dkms.conf's PACKAGE_VERSION
# (/usr/src/bindox-VERSION), the RPM spec's Version and a new entry on top
# of debian/changelog and of the spec's %changelog that says CHANGE.
# check-deb.sh fails when these disagree; check-installed.sh uses this
# script to build the newer packages of its upgrade test. VERSION is
# digits and dots (e.g. 0.2.0), as all five places accept it.
set -euo pipefail

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

[[ $# -eq 2 || $# -eq 3 ]] || die "usage: ${0##*/} VERSION CHANGE [TREE]"
version=$1
change=$2
tree=${3:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
[[ $version =~ ^[0-9]+(\.[0-9]+)*$ ]] || die "$version: not digits and dots"
[[ -n $change && $change != *$'\n'* ]] || die "CHANGE must be one line"
for f in meson.build module/main.c dkms.conf rpm/bindox.spec debian/changelog; do
	[[ -f $tree/$f ]] || die "$tree/$f is missing"
done

# replace FILE SED_S_EXPR: the substitution must hit a line of FILE (sed
# writes the lines it substituted to stdout), or the format moved.
replace() {
	[[ -n $(sed -i "$2w /dev/stdout" "$tree/$1") ]] ||
		die "$1: no version line found (its format moved?)"
}

replace meson.build "0,/^\( *version: *'\)[^']*'/s//\1$version'/"
replace module/main.c "s/^MODULE_VERSION(\"[^\"]*\");/MODULE_VERSION(\"$version\");/"
replace dkms.conf "s/^PACKAGE_VERSION=\"[^\"]*\"/PACKAGE_VERSION=\"$version\"/"
replace rpm/bindox.spec "s/^\(Version:[[:space:]]*\).*/\1$version/"

maintainer=$(sed -n 's/^ -- \(.*>\)  .*/\1/p' "$tree/debian/changelog" | head -n1)
[[ -n $maintainer ]] || die "debian/changelog: no maintainer line"
{
	printf 'bindox (%s) unstable; urgency=medium\n\n  * %s\n\n -- %s  %s\n\n' \
		"$version" "$change" "$maintainer" "$(LC_ALL=C date -R)"
	cat "$tree/debian/changelog"
} >"$tree/debian/changelog.new"
mv "$tree/debian/changelog.new" "$tree/debian/changelog"

# RPM's changelog entry: "* Day Mon DD YYYY NAME <MAIL> - VERSION-1".
spec_entry="* $(LC_ALL=C date '+%a %b %d %Y') $maintainer - $version-1\n- $change\n"
sed -i "/^%changelog$/a $spec_entry" "$tree/rpm/bindox.spec"
