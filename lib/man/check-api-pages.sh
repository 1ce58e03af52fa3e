#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-api-pages.sh SOURCE_ROOT: the checked-in pages of lib/man/api/ are
# what gen-api-pages.py makes from the headers now (meson test
# "libbindox-man-api"). Skipped (77) without the kernel's kernel-doc
# (Debian: linux-kbuild-6.1, which linux-headers-amd64 brings).
# To update the pages after a header changed:
#   lib/man/gen-api-pages.py KERNEL_DOC lib/man/api lib/include/bindox/{buffer,conn,...}.h
set -euo pipefail

root=$1
kernel_doc=
for k in /usr/lib/linux-kbuild-*/scripts/kernel-doc; do
	[[ -x $k ]] && kernel_doc=$k && break
done
if [[ -z $kernel_doc ]]; then
	echo "SKIP: no kernel-doc (install linux-kbuild-6.1)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -t headers < <(find "$root/lib/include/bindox" -name '*.h' ! -name bindox.h | sort)
python3 "$root/lib/man/gen-api-pages.py" "$kernel_doc" "$tmp/api" "${headers[@]}"
if ! diff -ru "$root/lib/man/api" "$tmp/api"; then
	echo "lib/man/api/ differs from the headers: run lib/man/gen-api-pages.py (see above)"
	exit 1
fi
echo "$(find "$tmp/api" -name '*.3' | wc -l) pages match the headers ($kernel_doc)"
