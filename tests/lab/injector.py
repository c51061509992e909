#!/usr/bin/env python3
"""injector.py: the censor's HTTP blockpage injector for the lab (stdlib only).

Runs in the lab's "isp" namespace. It watches the probe-facing link
(AF_PACKET, ingress only) for plain-HTTP requests to a censored address whose
Host header names a censored site, and answers them itself with a forged TCP
segment: source address and port of the real server, sequence number taken
from the request's acknowledgement number, the blockpage as payload, FIN on
the last segment. An iptables string-match rule in the same namespace drops
the request, so the real server never sees it (lab.sh sets both up).

This is how on-path HTTP injection looks from the client: the connection to
the right address works, and a response arrives that the server never sent.

    injector.py --iface probe0 --target 198.19.0.47:80 --host inject.lab.test \
        --page blockpage.html [--location URL] --pidfile F --log F --daemon

With --location the answer is a 302 to URL carrying the page (as the
Kazakh redirects to the national CA's instructions on qca.kz were), else a
200 with the page.

Bounded: at most --max-injections answers, then it exits; it also exits after
--lifetime seconds. Sends only to the address that sent the request (inside
the lab), never elsewhere.
"""

import argparse
import os
import random
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import labutil  # noqa: E402  (next to this script)

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
MSS = 1400


def log(msg):
    sys.stderr.write("%s injector: %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def segment(src, dst, sport, dport, seq, ack, flags, payload):
    """One IPv4+TCP packet, checksums filled in."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, flags, 65535, 0, 0) + payload
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    c = csum(pseudo + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    total = 20 + len(tcp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, random.randrange(1, 65535), 0x4000,
                     64, socket.IPPROTO_TCP, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def host_of(payload):
    """The Host header of an HTTP request head, lower-cased, without port."""
    head = payload.split(b"\r\n\r\n", 1)[0]
    lines = head.split(b"\r\n")
    if not lines or b" HTTP/1." not in lines[0]:
        return None
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if sep and name.strip().lower() == b"host":
            return value.strip().lower().split(b":")[0].decode("latin-1")
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--target", action="append", required=True,
                    help="censored IP:PORT (repeatable)")
    ap.add_argument("--host", action="append", required=True,
                    help="censored Host name (repeatable)")
    ap.add_argument("--page", required=True, help="HTML file sent as the blockpage")
    ap.add_argument("--location", help="answer 302 to this URL (with the page)")
    ap.add_argument("--max-injections", type=int, default=100000)
    ap.add_argument("--lifetime", type=float, default=86400.0)
    ap.add_argument("--pidfile")
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--daemon", action="store_true")
    args = ap.parse_args()

    targets = set()
    for t in args.target:
        ip, _, port = t.rpartition(":")
        targets.add((socket.inet_aton(ip), int(port)))
    hosts = {h.lower() for h in args.host}
    with open(args.page, "rb") as f:
        body = f.read()
    status = (b"HTTP/1.1 302 Found\r\nLocation: %s\r\n" % args.location.encode()
              if args.location else b"HTTP/1.1 200 OK\r\n")
    response = (status +
                b"Content-Type: text/html; charset=utf-8\r\n"
                b"Content-Length: %d\r\n"
                b"Connection: close\r\n\r\n" % len(body)) + body

    try:
        sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
        sniff.bind((args.iface, ETH_P_IP))
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    except OSError as e:
        print("injector.py: cannot open raw sockets on %s: %s" % (args.iface, e), file=sys.stderr)
        return 1
    labutil.start_server(ap, args)
    log("watching %s for Host %s to %s" % (args.iface, ",".join(sorted(hosts)),
                                            ",".join(args.target)))
    sniff.settimeout(1.0)
    deadline = time.monotonic() + args.lifetime
    injected = 0
    while injected < args.max_injections and time.monotonic() < deadline:
        try:
            pkt, addr = sniff.recvfrom(65535)
        except socket.timeout:
            continue
        except OSError as e:
            log("recv: %s" % e)
            time.sleep(0.1)
            continue
        if addr[2] == PACKET_OUTGOING or len(pkt) < 40 or pkt[0] >> 4 != 4:
            continue
        ihl = (pkt[0] & 0x0F) * 4
        if pkt[9] != socket.IPPROTO_TCP or len(pkt) < ihl + 20:
            continue
        total = struct.unpack("!H", pkt[2:4])[0]
        src, dst = pkt[12:16], pkt[16:20]
        sport, dport, seq, ack, off = struct.unpack("!HHIIB", pkt[ihl:ihl + 13])
        if (dst, dport) not in targets:
            continue
        payload = pkt[ihl + (off >> 4) * 4:total]
        if not payload:
            continue
        host = host_of(payload)
        if host not in hosts:
            continue
        rseq, rack = ack, seq + len(payload)
        chunks = [response[i:i + MSS] for i in range(0, len(response), MSS)]
        for i, chunk in enumerate(chunks):
            flags = 0x18 | (0x01 if i == len(chunks) - 1 else 0)  # PSH|ACK, FIN last
            raw.sendto(segment(dst, src, dport, sport, rseq, rack, flags, chunk),
                       (socket.inet_ntoa(src), 0))
            rseq += len(chunk)
        injected += 1
        log("injected a blockpage for %s to %s:%d" % (host, socket.inet_ntoa(src), sport))
    log("stopping after %d injections" % injected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
