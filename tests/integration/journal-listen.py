#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# journal-listen.py SOCKET OUT: stands in for systemd-journald's native
# socket (/run/systemd/journal/socket in the test VM, where no journald
# runs): receives every datagram sd_journal_send(3) sends, decodes the
# native protocol (systemd's JOURNAL_NATIVE_PROTOCOL: "NAME=value\n", or
# "NAME\n", a little-endian 64-bit size and the value, then "\n") and
# appends each entry to OUT as one JSON object per line. Runs until killed.
import json
import os
import socket
import struct
import sys


def decode(data):
    fields = {}
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            name, value = line.split(b"=", 1)
            i = nl + 1
        else:
            name = line
            (size,) = struct.unpack_from("<Q", data, nl + 1)
            start = nl + 1 + 8
            value = data[start:start + size]
            i = start + size + 1
        fields[name.decode()] = value.decode(errors="replace")
    return fields


def main():
    path, out = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    with open(out, "a", buffering=1) as f:
        print(json.dumps({"LISTENING": "1"}), file=f)
        while True:
            data = sock.recv(1 << 20)
            print(json.dumps(decode(data)), file=f)


main()
