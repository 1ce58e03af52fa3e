#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# policy-dtd.sh XMLLINT POLICY_DIR: the vendor default and the examples are
# valid against the DTD, and the example domain files against the domains'
# DTD; documents the DTDs refuse are refused.
set -eu
xmllint=$1
dir=$2
dtd=$dir/bindox-policy.dtd

"$xmllint" --noout --nonet --dtdvalid "$dtd" "$dir"/00-default.xml "$dir"/examples/*.xml
echo "valid: 00-default.xml $(cd "$dir/examples" && echo *.xml)"

# The DTD is no rubber stamp: an unknown element and a missing domain fail.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '<bindox-policy><policy domain="a"><permit call="x"/></policy></bindox-policy>\n' >"$tmp/element.xml"
printf '<bindox-policy><policy user="0"><allow call="x"/></policy></bindox-policy>\n' >"$tmp/domain.xml"
for f in "$tmp"/element.xml "$tmp"/domain.xml; do
	if "$xmllint" --noout --nonet --dtdvalid "$dtd" "$f" 2>/dev/null; then
		echo "FAIL: the DTD accepts $(basename "$f")"
		exit 1
	fi
done
echo "invalid as expected: element.xml domain.xml"

# The domain files' DTD: the example is valid, a bad remove= is not.
dtd=$dir/bindox-domains.dtd
"$xmllint" --noout --nonet --dtdvalid "$dtd" "$dir"/examples/domains.d/*.xml
echo "valid: $(cd "$dir/examples/domains.d" && echo *.xml)"
printf '<bindox-domains><domain name="a" remove="later"/></bindox-domains>\n' >"$tmp/remove.xml"
printf '<bindox-domains><domain user="0"/></bindox-domains>\n' >"$tmp/name.xml"
for f in "$tmp"/remove.xml "$tmp"/name.xml; do
	if "$xmllint" --noout --nonet --dtdvalid "$dtd" "$f" 2>/dev/null; then
		echo "FAIL: the domains DTD accepts $(basename "$f")"
		exit 1
	fi
done
echo "invalid as expected: remove.xml name.xml"
