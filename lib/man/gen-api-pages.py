#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# gen-api-pages.py KERNEL_DOC OUTDIR HEADER...: one man page (section 3)
# per function, typedef and struct that the public headers document in
# kernel-doc, made with the kernel's own scripts/kernel-doc -man (Debian:
# /usr/lib/linux-kbuild-6.1/scripts/kernel-doc), and OUTDIR/meson.build
# listing them. The pages are checked into
# lib/man/api/ so that packages build without the kernel's scripts; the
# meson test "libbindox-man-api" regenerates them and fails on any
# difference, so they follow the headers.
import os
import re
import subprocess
import sys

TH = '.TH "{name}" 3 "" "libbindox" "libbindox Manual"\n'
SEE_ALSO = ".SH SEE ALSO\n.BR libbindox (3)\n"
SYNOPSIS = (".SH SYNOPSIS\n.B #include <bindox/bindox.h>\n.PP\n"
            "Link with \\fI\\-lbindox\\fP (pkg\\-config bindox).\n.PP\n")


def pages(text):
    """Splits kernel-doc's output at .TH: (name, body) pairs."""
    page = None
    for line in text.splitlines(keepends=True):
        if line.startswith(".TH "):
            if page:
                yield page
            fields = re.findall(r'"([^"]*)"', line)
            # Functions: .TH "NAME" 9 "NAME" ...; structs: .TH "Kernel API" 9 "struct NAME".
            name = fields[1].split()[-1]
            page = [name, ""]
        elif page:
            page[1] += line
    if page:
        yield page


def main():
    kernel_doc, outdir, headers = sys.argv[1], sys.argv[2], sys.argv[3:]
    env = dict(os.environ, KBUILD_BUILD_TIMESTAMP="2026-01-01")
    out = subprocess.run([kernel_doc, "-man", "-no-doc-sections"] + headers, env=env,
                         check=True, capture_output=True, text=True).stdout
    os.makedirs(outdir, exist_ok=True)
    names = []
    for name, body in pages(out):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            continue
        names.append(name)
        with open(os.path.join(outdir, name + ".3"), "w") as f:
            f.write('.\\" SPDX-License-Identifier: LGPL-2.1-or-later\n')
            f.write('.\\" Made by lib/man/gen-api-pages.py from the headers: do not edit.\n')
            body = body.replace(".SH SYNOPSIS\n", SYNOPSIS, 1)
            # whatis wants "NAME \- text": no "struct " before a struct's name.
            body = body.replace(".SH NAME\nstruct ", ".SH NAME\n", 1)
            f.write(TH.format(name=name) + body.rstrip("\n") + "\n" + SEE_ALSO)
    with open(os.path.join(outdir, "meson.build"), "w") as f:
        f.write("# SPDX-License-Identifier: LGPL-2.1-or-later\n")
        f.write("# Made by lib/man/gen-api-pages.py: do not edit.\n")
        f.write("libbindox_api_pages = files(\n")
        f.write("".join("  '%s.3',\n" % n for n in sorted(names)))
        f.write(")\n")


main()
