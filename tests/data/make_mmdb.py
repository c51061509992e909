#!/usr/bin/env python3
"""make_mmdb.py: writes a tiny MaxMind DB (format 2.0, IPv4, 24-bit
records) for tests, so ASN lookups can be tested without a real database.

    make_mmdb.py OUT.mmdb NETWORK/LEN=ASN,CC,ORG [...]

Each network gets {autonomous_system_number, autonomous_system_organization,
country: {iso_code}} as GeoLite2-ASN and GeoLite2-Country databases do.
"""
import ipaddress
import struct
import sys
import time


def ctrl(kind, size):
    """The control bytes of a field of type kind and size (MMDB spec)."""
    out = b""
    if size < 29:
        s, extra = size, b""
    elif size < 285:
        s, extra = 29, bytes([size - 29])
    else:
        s, extra = 30, struct.pack(">H", size - 285)
    if kind <= 7:
        out = bytes([(kind << 5) | s])
    else:
        out = bytes([s, kind - 7])
    return out + extra


def enc(v):
    if isinstance(v, dict):
        body = b"".join(enc(k) + enc(x) for k, x in v.items())
        return ctrl(7, len(v)) + body
    if isinstance(v, list):
        return ctrl(11, len(v)) + b"".join(enc(x) for x in v)
    if isinstance(v, str):
        b = v.encode()
        return ctrl(2, len(b)) + b
    if isinstance(v, tuple):          # (kind, int): uint16, uint32, uint64
        kind, n = v
        b = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
        return ctrl(kind, len(b)) + b
    raise TypeError(v)


def u16(n):
    return (5, n)


def u32(n):
    return (6, n)


def u64(n):
    return (9, n)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out, specs = argv[1], argv[2:]
    data = b""
    nodes = [[None, None]]
    for spec in specs:
        net, _, rest = spec.partition("=")
        asn, cc, org = rest.split(",", 2)
        record = {"autonomous_system_number": u32(int(asn)),
                  "autonomous_system_organization": org,
                  "country": {"iso_code": cc}}
        offset = len(data)
        data += enc(record)
        n = ipaddress.ip_network(net)
        bits = int(n.network_address)
        node = 0
        for i in range(n.prefixlen):
            bit = (bits >> (31 - i)) & 1
            if i == n.prefixlen - 1:
                nodes[node][bit] = ("data", offset)
                break
            nxt = nodes[node][bit]
            if nxt is None:
                nodes.append([None, None])
                nxt = ("node", len(nodes) - 1)
                nodes[node][bit] = nxt
            node = nxt[1]
    count = len(nodes)

    def value(r):
        if r is None:
            return count
        if r[0] == "node":
            return r[1]
        return count + 16 + r[1]

    tree = b"".join(value(l).to_bytes(3, "big") + value(r).to_bytes(3, "big")
                    for l, r in nodes)
    meta = {"node_count": u32(count), "record_size": u16(24),
            "ip_version": u16(4), "database_type": "accessprobe-test-ASN",
            "languages": ["en"], "binary_format_major_version": u16(2),
            "binary_format_minor_version": u16(0),
            "build_epoch": u64(int(time.time())),
            "description": {"en": "accessprobe test database"}}
    with open(out, "wb") as f:
        f.write(tree + b"\0" * 16 + data + b"\xab\xcd\xefMaxMind.com" +
                enc(meta))


if __name__ == "__main__":
    main(sys.argv)
