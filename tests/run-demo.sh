#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-demo.sh [run-vm.sh options] [-- demo options]: install the
# dependencies, build everything and run the demo, the paper's camera and
# driver-assistance scenario (build/examples/camera-adas/camera-adas-demo,
# see examples/camera-adas/README.md), in the QEMU guest with the module
# loaded. Run as root. Examples:
#   tests/run-demo.sh                        10 s of frames per transport
#   tests/run-demo.sh -- --seconds 60        a longer run
#   tests/run-demo.sh --mem 4096 -- --4k     3840x2160 at 60 fps
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo=$repo/build/examples/camera-adas/camera-adas-demo

vm_opts=()
while [[ $# -gt 0 && $1 != -- ]]; do
	vm_opts+=("$1")
	shift
done
[[ $# -gt 0 ]] && shift	# the --

"$repo/tests/install-deps.sh"
"$repo/tests/vm/build.sh" all "$repo/build"
if [[ ! -x $demo ]]; then
	echo "run-demo: $demo is missing: the build did not produce the demo" >&2
	exit 1
fi
exec "$repo/tests/vm/run-vm.sh" ${vm_opts[@]+"${vm_opts[@]}"} -- "$demo" "$@"
