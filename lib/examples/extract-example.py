#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# extract-example.py PAGE OUT: the example program exactly as man prints
# PAGE (libbindox(3)): renders it with groff (man's formatter, UTF-8) and
# copies the lines from the program's SPDX line to "/* end of
# bindox-example.c */" without the page's indentation. The meson test
# "libbindox-man-example" compares the result with bindox-example.c beside
# this script, which the tests compile and run and libbindox-dev ships.
import subprocess
import sys

page, out = sys.argv[1], sys.argv[2]
text = subprocess.run(["groff", "-man", "-Tutf8", "-P-cbou", "-rLL=200n", page], check=True,
                      capture_output=True, text=True).stdout
lines = text.splitlines()
first = next(i for i, l in enumerate(lines) if l.lstrip().startswith("/* SPDX-License-Identifier:"))
last = next(i for i, l in enumerate(lines) if l.strip() == "/* end of bindox-example.c */")
program = lines[first:last + 1]
indent = min(len(l) - len(l.lstrip()) for l in program if l.strip())
with open(out, "w") as f:
    f.write("\n".join(l[indent:].rstrip() for l in program) + "\n")
