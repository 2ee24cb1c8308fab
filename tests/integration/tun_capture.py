#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# tun_capture.py - a tun device (no link-layer header) whose other end is
# this process: what the kernel sends out of it is read here, byte for
# byte, and checked as IGMP and MLD queries.  test_gm_links.sh's helper.
#
#   capture NAME OUT READY STOP      create tun NAME (carrier up while it
#                                    runs), touch READY, write each packet
#                                    sent out of it to OUT (hex, one a line)
#                                    until the file STOP exists (60 s at
#                                    most)
#   check OUT SRC4 SRC6              "PASS what" / "FAIL what: why" lines
#                                    about the IGMP and MLD queries in OUT
import fcntl
import os
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def capture(name, out, ready, stop):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    open(ready, "w").close()
    end = time.monotonic() + 60
    with open(out, "w") as f:
        while time.monotonic() < end and not os.path.exists(stop):
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                f.write(os.read(fd, 65536).hex() + "\n")
                f.flush()
    os.close(fd)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def igmp_query(p, src4):
    """Why p is not an IGMP general query from src4 as RFC 3376 wants, or None."""
    if len(p) < 20 or p[0] >> 4 != 4:
        return "not IPv4"
    ihl = (p[0] & 15) * 4
    if p[9] != 2:
        return "not IGMP"
    if p[8] != 1:
        return "TTL %d" % p[8]
    if ihl < 24 or p[20:24] != b"\x94\x04\x00\x00":
        return "no Router Alert"
    if socket.inet_ntop(socket.AF_INET, p[12:16]) != src4:
        return "source %s" % socket.inet_ntop(socket.AF_INET, p[12:16])
    if socket.inet_ntop(socket.AF_INET, p[16:20]) != "224.0.0.1":
        return "destination"
    m = p[ihl:]
    if len(m) < 12 or m[0] != 0x11 or m[4:8] != b"\0\0\0\0":
        return "not an IGMPv3 general query"
    if csum(m) != 0xFFFF:
        return "bad checksum"
    return None


def mld_query(p, src6):
    """Why p is not an MLDv2 general query from src6, or None."""
    if len(p) < 48 or p[0] >> 4 != 6:
        return "not IPv6"
    if p[6] != 0:
        return "no Hop-by-Hop header"
    if p[7] != 1:
        return "hop limit %d" % p[7]
    src, dst = p[8:24], p[24:40]
    if socket.inet_ntop(socket.AF_INET6, src) != src6:
        return "source %s" % socket.inet_ntop(socket.AF_INET6, src)
    if socket.inet_ntop(socket.AF_INET6, dst) != "ff02::1":
        return "destination"
    hbh = p[40:48]
    if hbh[0] != 58 or hbh[1] != 0 or b"\x05\x02\x00\x00" not in hbh:
        return "no Router Alert"
    m = p[48:]
    if len(m) < 28 or m[0] != 130 or m[8:24] != b"\0" * 16:
        return "not an MLDv2 general query"
    pseudo = src + dst + struct.pack("!I3xB", len(m), 58)
    if csum(pseudo + m) != 0xFFFF:
        return "bad checksum"
    return None


def check(out, src4, src6):
    pk = [bytes.fromhex(ln) for ln in open(out).read().split()]
    for what, fn, src in (("IGMP", igmp_query, src4), ("MLD", mld_query, src6)):
        why = [fn(p, src) for p in pk]
        good = why.count(None)
        ok = good >= 2
        print("%s %s: %d general queries out of the tun device (of %d packets)%s"
              % ("PASS" if ok else "FAIL", what, good, len(pk),
                 "" if ok else ": " + ", ".join(sorted(set(w for w in why if w)))))


if __name__ == "__main__":
    {"capture": capture, "check": check}[sys.argv[1]](*sys.argv[2:])
