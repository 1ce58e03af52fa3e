#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-example.sh PAGE EXAMPLE: the program PAGE (libbindox(3)) prints is
# EXAMPLE byte for byte (meson test "libbindox-man-example"); the tests
# compile EXAMPLE and run it in the VM (tests/integration/test-man-example).
# Skipped (77) without groff (Debian: groff-base).
set -euo pipefail

if ! command -v groff >/dev/null; then
	echo "SKIP: no groff (install groff-base)"
	exit 77
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
python3 "$(dirname "$0")/extract-example.py" "$1" "$tmp"
if ! diff -u "$2" "$tmp"; then
	echo "the example printed by $1 differs from $2 (above)"
	exit 1
fi
echo "$1 prints $2 exactly ($(wc -l <"$tmp") lines)"
