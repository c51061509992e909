#!/usr/bin/env python3
"""badserver.py: misbehaving servers for the censorship lab (stdlib only).

Only what nginx cannot do:

  --http IP:PORT     plain HTTP, chosen by the Host header:
      drip.lab.test     headers, then one body byte per second (up to 300 s)
      endless.lab.test  a fast body that never ends (until the client closes;
                        at most 60 s or 2 GiB per connection)
      headers.lab.test  a flood of ~5,000 response headers (~500 KB)
      stall.lab.test    600 KiB of body at once, then silence (a page whose
                        tail never comes; at most 60 s)
      abrupt.lab.test   Content-Length 100000, 1,000 bytes of it, then the
                        connection closes (over TLS: without close_notify)
      eofbody.lab.test  a page without Content-Length or chunks, ended by
                        closing the connection (over TLS: without
                        close_notify, as many servers do)
      anything else     404
  --https IP:PORT    the same behind TLS (--cert, --key: the lab CA's leaf
                     for those names); the handshake has 10 s
    and, on any of these names, the path /hostile-control: a test helper
    whose reply is valid but hostile (a 62-deep unknown key, an address
    field of the wrong type) for the probe's --control
  --silent IP:PORT   accepts TCP, reads and discards, never writes a byte
                     (until the client closes, at most 120 s)

Every connection is bounded in time; at most 256 are served at once (more are
closed at once). Runs in the lab's "world" namespace only.
"""

import argparse
import os
import socket
import ssl
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import labutil  # noqa: E402  (next to this script)

MAX_CONNS = 256
DRIP_SECONDS = 300
ENDLESS_SECONDS = 60
ENDLESS_MAX_BYTES = 2 << 30
SILENT_SECONDS = 120
STALL_BYTES = 600 * 1024
STALL_SECONDS = 60
HEADER_READ_TIMEOUT = 10.0
HEADER_MAX = 16384
FLOOD_HEADERS = 5000

_slots = threading.BoundedSemaphore(MAX_CONNS)
_log_lock = threading.Lock()


def log(msg):
    with _log_lock:
        sys.stderr.write("%s badserver: %s\n" % (time.strftime("%H:%M:%S"), msg))
        sys.stderr.flush()


def parse_addr(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("expected IP:PORT, got %r" % text)
    return host, int(port)


def read_request(conn):
    """Reads one request (its body too, so closing does not reset the
    connection); returns (Host lowercase without port, path), or None."""
    conn.settimeout(HEADER_READ_TIMEOUT)
    buf = b""
    while b"\r\n\r\n" not in buf and b"\n\n" not in buf:
        if len(buf) > HEADER_MAX:
            return None
        chunk = conn.recv(4096)
        if not chunk:
            return None
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\n")
    first = lines[0].split()
    path = first[1].decode("latin-1") if len(first) > 1 else ""
    host, length = "", 0
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        name = name.strip().lower()
        if sep and name == b"host" and not host:
            host = value.strip().decode("latin-1").lower()
        elif sep and name == b"content-length" and value.strip().isdigit():
            length = min(int(value.strip()), HEADER_MAX)
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        body += chunk
    if host.startswith("["):
        return host.split("]")[0] + "]", path
    return host.split(":")[0], path


def serve_drip(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                 b"Content-Length: 100000\r\nConnection: close\r\n\r\n"
                 b"<html><head><title>Drip</title></head><body>")
    deadline = time.monotonic() + DRIP_SECONDS
    while time.monotonic() < deadline:
        conn.sendall(b".")
        time.sleep(1.0)


def serve_endless(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 b"Connection: close\r\n\r\n")
    block = b"A" * 65536
    sent = 0
    deadline = time.monotonic() + ENDLESS_SECONDS
    conn.settimeout(10.0)
    while sent < ENDLESS_MAX_BYTES and time.monotonic() < deadline:
        conn.sendall(block)
        sent += len(block)


def serve_stall(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (2 * STALL_BYTES))
    conn.settimeout(10.0)
    conn.sendall(b"S" * STALL_BYTES)
    # The rest never comes: wait until the client gives up.
    deadline = time.monotonic() + STALL_SECONDS
    while time.monotonic() < deadline:
        conn.settimeout(deadline - time.monotonic())
        try:
            if not conn.recv(4096):
                return
        except socket.timeout:
            return


def serve_header_flood(conn):
    parts = [b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"]
    filler = b"f" * 90
    for i in range(FLOOD_HEADERS):
        parts.append(b"X-Flood-%05d: %s\r\n" % (i, filler))
    parts.append(b"Content-Length: 3\r\nConnection: close\r\n\r\nok\n")
    conn.settimeout(20.0)
    conn.sendall(b"".join(parts))


# Accepted by the probe's parser (dns is there, unknown keys are ignored),
# and 65 levels deep once inside a record: test_keys.control must keep
# only what the probe reads.
HOSTILE_CONTROL = (b'{"dns":{"failure":null,"addrs":[]},"x":' + b"[" * 62 + b"]" * 62 +
                   b',"x_probe_address":{"a":1},"quic_handshake":{"x":[[[1]]]}}')


def serve_hostile_control(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                 % (len(HOSTILE_CONTROL), HOSTILE_CONTROL))


ABRUPT_LENGTH = 100000
ABRUPT_SENT = 1000


def serve_abrupt(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 b"Content-Length: %d\r\n\r\n" % ABRUPT_LENGTH + b"A" * ABRUPT_SENT)
    # handle() closes the socket: a TCP FIN, and over TLS no close_notify.


def serve_eofbody(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                 b"Connection: close\r\n\r\n"
                 b"<html><head><title>Ended by the close</title></head>"
                 b"<body>" + b"e" * 20000 + b"</body></html>\n")


def serve_http(conn, peer):
    req = read_request(conn)
    host, path = req if req else (None, "")
    log("http %s:%d host=%r path=%r" % (peer[0], peer[1], host, path[:64]))
    if host and path == "/hostile-control":
        serve_hostile_control(conn)
    elif host == "drip.lab.test":
        serve_drip(conn)
    elif host == "endless.lab.test":
        serve_endless(conn)
    elif host == "headers.lab.test":
        serve_header_flood(conn)
    elif host == "stall.lab.test":
        serve_stall(conn)
    elif host == "abrupt.lab.test":
        serve_abrupt(conn)
    elif host == "eofbody.lab.test":
        serve_eofbody(conn)
    else:
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 10\r\nConnection: close\r\n\r\nnot found\n")


def serve_silent(conn, peer):
    log("silent %s:%d" % peer[:2])
    deadline = time.monotonic() + SILENT_SECONDS
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        conn.settimeout(left)
        if not conn.recv(65536):
            return


def handle(conn, peer, mode, tls):
    try:
        if tls:
            conn.settimeout(HEADER_READ_TIMEOUT)
            conn = tls.wrap_socket(conn, server_side=True)
        if mode == "http":
            serve_http(conn, peer)
        else:
            serve_silent(conn, peer)
    except (OSError, socket.timeout, ssl.SSLError):
        pass  # the client went away or timed out: that is the point
    finally:
        try:
            conn.close()
        finally:
            _slots.release()


def accept_loop(lsock, mode, tls):
    while True:
        try:
            conn, peer = lsock.accept()
        except OSError as e:
            log("accept: %s" % e)
            time.sleep(0.1)
            continue
        if not _slots.acquire(blocking=False):
            conn.close()
            continue
        t = threading.Thread(target=handle, args=(conn, peer, mode, tls), daemon=True)
        t.start()


def listen(addr):
    s = socket.socket(socket.AF_INET6 if ":" in addr[0] else socket.AF_INET,
                      socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr)
    s.listen(1024)
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--http", type=parse_addr, action="append", default=[])
    ap.add_argument("--https", type=parse_addr, action="append", default=[])
    ap.add_argument("--cert", help="PEM certificate for --https")
    ap.add_argument("--key", help="PEM key for --https")
    ap.add_argument("--silent", type=parse_addr, action="append", default=[])
    ap.add_argument("--pidfile")
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--daemon", action="store_true")
    args = ap.parse_args()
    if not args.http and not args.https and not args.silent:
        ap.error("nothing to serve: give --http, --https and/or --silent")
    if args.https and not (args.cert and args.key):
        ap.error("--https needs --cert and --key")
    tls = None
    if args.https:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.cert, args.key)
        tls.set_alpn_protocols(["http/1.1"])
    socks = []
    try:
        for a in args.http:
            socks.append((listen(a), "http", None))
        for a in args.https:
            socks.append((listen(a), "http", tls))
        for a in args.silent:
            socks.append((listen(a), "silent", None))
    except OSError as e:
        print("badserver.py: cannot listen: %s" % e, file=sys.stderr)
        return 1
    labutil.start_server(ap, args)
    log("serving %s" % ", ".join("%s%s %s:%d" % (m, "s" if t else "", *s.getsockname()[:2])
                                  for s, m, t in socks))
    threads = [threading.Thread(target=accept_loop, args=(s, m, t), daemon=True)
               for s, m, t in socks]
    for t in threads:
        t.start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
