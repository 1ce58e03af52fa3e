#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ctl-completion.sh COMPLETION_FILE POLICY_DIR: bindoxctl's bash completion
# (meson test "bindoxctl-completion"): commands, options, check's actions,
# domain's subcommands and options, verify's XML files and folders.
set -uo pipefail

# shellcheck source=../bindoxctl.bash-completion
. "$1"
policy=$2
# shellcheck source=../../tests/helpers/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tests/helpers/checks.sh"

# complete NAME WANT WORD...: completing the last WORD of "bindoxctl WORD..."
# offers exactly WANT (space-separated, sorted).
complete_is() {
	local name=$1 want=$2 got
	shift 2
	COMP_WORDS=(bindoxctl "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_bindoxctl
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
	if [[ $got == "$want" ]]; then
		pass "$name"
	else
		fail "$name" "'bindoxctl $*' offers '$got', not '$want'"
	fi
}

complete_is commands "check domain domains list reload show status verify" ""
complete_is commands-prefix "show status" s
complete_is options "--address --help --json --version" --
complete_is after-option "domain domains" --json dom
complete_is domain-subcommands "add remove" domain ""
complete_is domain-add-options "--group --limit --mode --owner" domain add x --
complete_is domain-add-owner "root" domain add x --owner roo
complete_is domain-remove-force "--force" domain remove --f
complete_is after-address "reload" --address unix:path=/x re
complete_is check-actions "call" check host 0 0 c
complete_is check-uid-nothing "" check host ""
cd "$policy" || exit 1
complete_is verify-xml "00-default.xml" verify 00
complete_is verify-folders "examples" verify ex
complete_is verify-inside "examples/40-host-services.xml examples/50-camera-adas.xml examples/60-lockdown.xml examples/domains.d" \
	verify policy.xml examples/

checks_summary
[[ $failures -eq 0 ]]
