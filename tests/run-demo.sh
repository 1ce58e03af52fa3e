#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-demo.sh [run-vm.sh options]: install the dependencies, build
# everything and run the demo (build/tests/demo/bindox-demo) in the QEMU
# guest with the module loaded, e.g. "sudo tests/run-demo.sh --serial".
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo=$repo/build/tests/demo/bindox-demo

"$repo/tests/install-deps.sh"
"$repo/tests/vm/build.sh" all "$repo/build"
if [[ ! -x $demo ]]; then
	echo "run-demo: $demo is missing: the build did not produce the demo" >&2
	exit 1
fi
exec "$repo/tests/vm/run-vm.sh" "$@" -- "$demo"
