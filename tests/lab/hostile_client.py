#!/usr/bin/env python3
"""hostile_client.py: the hostile client of the hostile suite (hostile.py),
run inside the lab's probe namespace. Each attack is one subcommand; it
prints what it saw as one JSON object, for hostile.py to judge.

    hostile_client.py ATTACK '{"helper": "198.19.0.60:80", ...}'

Raw sockets, so that requests can be as wrong as an attacker makes them.
Every wait is bounded; every socket is closed before it returns.
"""

import json
import re
import selectors
import socket
import sys
import threading
import time


def host_port(text):
    h, _, p = text.rpartition(":")
    return h.strip("[]"), int(p)


def connect(helper, src=None, timeout=5.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if src:
        s.bind((src, 0))
    s.connect(host_port(helper))
    return s


def recv_until(s, deadline):
    """The next bytes from s, or b"" when it closed, failed or the deadline
    passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        return b""
    s.settimeout(left)
    try:
        return s.recv(65536)
    except (socket.timeout, OSError):
        return b""


def read_response(s, deadline):
    """One HTTP response from s (Content-Length or close delimited):
    {status, headers (lower-case names), body, raw, interim}; None when the
    connection closed or timed out first."""
    buf = b""
    interim = []
    while True:
        while b"\r\n\r\n" not in buf:
            chunk = recv_until(s, deadline)
            if not chunk:
                return None
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        try:
            status = int(parts[1])
        except (IndexError, ValueError):
            return {"status": None, "raw": head.decode("latin-1")}
        headers = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            headers.setdefault(k.strip().lower(), v.strip())
        if 100 <= status < 200:
            interim.append(status)
            buf = rest
            continue
        break
    n = int(headers.get("content-length", "0") or 0)
    while len(rest) < n:
        chunk = recv_until(s, deadline)
        if not chunk:
            break
        rest += chunk
    body = rest[:n].decode("utf-8", "replace")
    return {"status": status, "headers": headers, "body": body, "interim": interim,
            "extra": len(rest) - n}


def request(helper, method="GET", body=None, headers=None, src=None, timeout=10.0,
            raw=None):
    """Sends one request (or raw bytes) on a new connection; the response
    and the seconds it took, or status None and why."""
    t0 = time.monotonic()
    try:
        s = connect(helper, src, timeout)
    except OSError as e:
        return {"status": None, "error": "connect: %s" % e, "elapsed": time.monotonic() - t0}
    try:
        if raw is None:
            data = body.encode() if isinstance(body, str) else (body or b"")
            h = {"Host": helper, "Connection": "close"}
            if body is not None:
                h["Content-Type"] = "application/json"
                h["Content-Length"] = str(len(data))
            h.update(headers or {})
            raw = ("%s / HTTP/1.1\r\n" % method).encode() + b"".join(
                ("%s: %s\r\n" % (k, v)).encode() for k, v in h.items()) + b"\r\n" + data
        try:
            s.sendall(raw)
        except OSError as e:
            pass  # the answer may still be there (an early 413)
        r = read_response(s, t0 + timeout)
    finally:
        s.close()
    if r is None:
        return {"status": None, "error": "no answer", "elapsed": time.monotonic() - t0}
    r["elapsed"] = time.monotonic() - t0
    return r


def post(helper, payload, **kw):
    return request(helper, "POST", json.dumps(payload), **kw)


def body_json(r):
    try:
        return json.loads(r.get("body") or "")
    except ValueError:
        return None


# ------------------------------------------------------------- attacks --

def a_limit_trip(a):
    """Fills the connection cap with idle connections, asks, closes them
    all, asks again until served; then fills it again and waits past the
    eviction age."""
    out = {}
    conns = []
    srcs = a["srcs"]
    for i in range(a["n"]):
        conns.append(connect(a["helper"], srcs[i % len(srcs)]))
    time.sleep(0.3)
    out["at_cap"] = request(a["helper"], src=srcs[-1], timeout=5)
    for s in conns:
        s.close()
    conns = []
    t0 = time.monotonic()
    tries = []
    while time.monotonic() - t0 < 5:
        r = request(a["helper"], src=srcs[0], timeout=1.0)
        tries.append(r.get("status"))
        if r.get("status") == 200:
            break
    out["recovery"] = time.monotonic() - t0
    out["recovery_tries"] = tries
    if a.get("evict"):
        for i in range(a["n"]):
            conns.append(connect(a["helper"], srcs[i % len(srcs)]))
        time.sleep(a["evict"])
        out["after_idle"] = request(a["helper"], src=srcs[0], timeout=5)
        for s in conns:
            s.close()
    return out


def a_slowloris(a):
    """n connections that each send one byte of a request head now and
    then; meanwhile a real client asks every second. How the server dealt
    with each slow connection, and how long each real request took."""
    sel = selectors.DefaultSelector()
    slow = []
    t_start = time.monotonic()
    fate = {"refused_at_once": 0, "closed_by_server": 0, "still_open": 0,
            "connect_failed": 0}
    closed_after = []
    for i in range(a["n"]):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((a["src"], 0))
        try:
            s.connect(host_port(a["helper"]))
        except BlockingIOError:
            pass
        except OSError:
            fate["connect_failed"] += 1
            s.close()
            continue
        slow.append({"s": s, "t": time.monotonic(), "sent": 0, "open": True})
        sel.register(s, selectors.EVENT_READ, slow[-1])
    head = b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: "

    real = []

    def asker():
        time.sleep(a.get("real_delay", 1.0))
        end = t_start + a["duration"] - 1
        while time.monotonic() < end:
            hdrs = a.get("real_headers") or {}
            r = post(a["helper"], {"http_request": a["real_url"]}, src=a["real_src"],
                     timeout=15, headers=hdrs)
            real.append({"status": r.get("status"), "elapsed": r["elapsed"],
                         "error": r.get("error")})
            time.sleep(a.get("real_every", 1.0))

    t = threading.Thread(target=asker)
    t.start()
    next_drip = time.monotonic()
    while time.monotonic() - t_start < a["duration"]:
        if time.monotonic() >= next_drip:
            for c in slow:
                if not c["open"]:
                    continue
                try:
                    piece = head[c["sent"]:c["sent"] + 1] if c["sent"] < len(head) else b"x"
                    c["s"].send(piece)
                    c["sent"] += 1
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    pass  # reported below, when the read side says so
            next_drip = time.monotonic() + a["drip"]
        for key, _ in sel.select(timeout=0.1):
            c = key.data
            try:
                data = c["s"].recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data and not data.startswith(b"HTTP/1.1 503"):
                continue
            age = time.monotonic() - c["t"]
            if data and age < 1.5:
                fate["refused_at_once"] += 1
            else:
                fate["closed_by_server"] += 1
                closed_after.append(round(age, 2))
            c["open"] = False
            sel.unregister(c["s"])
            c["s"].close()
    t.join(60)
    for c in slow:
        if c["open"]:
            fate["still_open"] += 1
            sel.unregister(c["s"])
            c["s"].close()
    closed_after.sort()
    fate["closed_after_min"] = closed_after[0] if closed_after else None
    fate["closed_after_max"] = closed_after[-1] if closed_after else None
    return {"slow": fate, "real": real}


def a_abandon(a):
    """n slow requests, each abandoned after a moment; then another
    client's request. Then the same client holds n slow requests while
    the other asks (fairness)."""
    out = {}
    socks = []
    body = json.dumps({"http_request": a["slow_url"]}).encode()
    raw = (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\n\r\n" % len(body)) + body
    for _ in range(a["n"]):
        s = connect(a["helper"], a["src"])
        s.sendall(raw)
        socks.append(s)
    time.sleep(a["abandon_after"])
    for s in socks:
        s.close()
    time.sleep(a["then_wait"])
    out["victim"] = post(a["helper"], {"http_request": a["fast_url"]}, src=a["victim"],
                         timeout=15)

    held = [None] * a["hold"]

    def hold(i):
        held[i] = post(a["helper"], {"http_request": a["slow_url"]}, src=a["src"], timeout=30)

    ts = [threading.Thread(target=hold, args=(i,)) for i in range(a["hold"])]
    for t in ts:
        t.start()
        time.sleep(0.05)
    time.sleep(0.5)
    out["victim_while_held"] = post(a["helper"], {"http_request": a["fast_url"]},
                                    src=a["victim"], timeout=15)
    for t in ts:
        t.join(40)
    out["held"] = held
    return out


def a_raw(a):
    """Each raw request on its own connection: every answer."""
    out = {}
    for name, spec in a["requests"].items():
        raw = spec["raw"].encode("latin-1")
        if spec.get("stream_body"):
            out[name] = stream(a["helper"], raw, spec["stream_body"], spec.get("timeout", 5))
        else:
            r = request(a["helper"], raw=raw, src=a.get("src"), timeout=spec.get("timeout", 5))
            if spec.get("all"):
                r["responses"] = count_responses(a["helper"], raw, a.get("src"))
            out[name] = r
    return out


def stream(helper, head, total, timeout):
    """Sends head, then a body of total bytes as fast as the server reads
    it, while watching for its answer: how much went out before it."""
    s = connect(helper, None, timeout)
    s.sendall(head)
    s.setblocking(False)
    sent, t0, answer = 0, time.monotonic(), b""
    chunk = b"x" * 65536
    while time.monotonic() - t0 < timeout and sent < total:
        try:
            data = s.recv(65536)
            if not data:
                break
            answer += data
            if b"\r\n\r\n" in answer:
                break
        except BlockingIOError:
            pass
        except OSError:
            break
        try:
            sent += s.send(chunk[:min(len(chunk), total - sent)])
        except BlockingIOError:
            time.sleep(0.01)
        except OSError:
            break
    s.setblocking(True)
    s.settimeout(2)
    try:
        while b"\r\n\r\n" not in answer:
            data = s.recv(65536)
            if not data:
                break
            answer += data
    except OSError:
        pass
    s.close()
    first = answer.split(b"\r\n", 1)[0].decode("latin-1")
    return {"first_line": first, "sent": sent, "elapsed": time.monotonic() - t0,
            "has_100": b" 100 " in answer.split(b"\r\n", 1)[0]}


def count_responses(helper, raw, src):
    """Every status line the server sends back for raw on one connection."""
    s = connect(helper, src, 5)
    s.sendall(raw)
    data = b""
    deadline = time.monotonic() + 3
    while True:
        chunk = recv_until(s, min(deadline, time.monotonic() + 1.0))
        if not chunk:
            break
        data += chunk
    s.close()
    # a status line may follow the previous body directly: find them all
    return [m.decode("latin-1") for m in re.findall(rb"HTTP/1\.[01] \d{3}", data)]


def a_posts(a):
    """Each POST (or GET) of the list, one after another: the answers."""
    out = []
    for spec in a["requests"]:
        if spec.get("method") == "GET":
            r = request(a["helper"], "GET", headers=spec.get("headers"),
                        src=spec.get("src"), timeout=spec.get("timeout", 20))
        else:
            r = post(a["helper"], spec["body"], headers=spec.get("headers"),
                     src=spec.get("src"), timeout=spec.get("timeout", 20))
        out.append({"status": r.get("status"), "json": body_json(r), "error": r.get("error"),
                    "headers": r.get("headers")})
    return out


def a_many(a):
    """n requests of a few kinds, as fast as answered: how many of each
    status came back."""
    kinds = [
        ("GET", None, None),
        ("POST", '{"http_request": 1}', None),
        ("POST", '{"http_request": "http://127.0.0.1/", "tcp_connect": ["127.0.0.1:1"]}', None),
        ("PUT", "x", None),
        ("POST", None, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 999999\r\n\r\n"),
    ]
    statuses = {}
    t0 = time.monotonic()
    for i in range(a["n"]):
        method, body, raw = kinds[i % len(kinds)]
        r = request(a["helper"], method, body, timeout=10,
                    raw=raw.encode() if raw else None)
        k = str(r.get("status"))
        statuses[k] = statuses.get(k, 0) + 1
    return {"statuses": statuses, "elapsed": time.monotonic() - t0}


ATTACKS = {name[2:]: fn for name, fn in globals().items() if name.startswith("a_")}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ATTACKS:
        print(__doc__.strip(), file=sys.stderr)
        print("attacks: %s" % ", ".join(sorted(ATTACKS)), file=sys.stderr)
        return 2
    print(json.dumps(ATTACKS[sys.argv[1]](json.loads(sys.argv[2]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
