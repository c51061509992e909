#!/usr/bin/env python3
"""badcollector.py: a collector that answers badly, for the uploader's
tests: misbehaviour no real collector produces on purpose, but a captive
portal, a proxy or a broken server does.

    badcollector.py --port N --hits FILE

The first path segment picks the behaviour, for every request under it:
  /html/       200 with an HTML login page
  /malformed/  200 with broken JSON
  /drip/       200 whose body comes one byte a second (for 100 s at most)
  /redirect/   301 to http://127.0.0.1:1/elsewhere
  /busy/       503 with Retry-After: 1
  /refuse-one/ a working collector that refuses the first submission (400)
  /health/     200
Every request's path is appended to FILE. Listens on 127.0.0.1 only; ends
on SIGTERM or after --lifetime seconds.
"""

import argparse
import http.server
import json
import os
import sys
import threading
import time

state = {"refused": False}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="application/json", extra=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.send(200, "{}")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(min(n, 16 * 1024 * 1024))
        with lock, open(self.server.hits, "a") as f:
            f.write(self.path + "\n")
        mode = self.path.strip("/").split("/")[0]
        if mode == "html":
            self.send(200, "<!DOCTYPE html><html><head><title>Wi-Fi login</title></head>"
                      "<body>Please log in</body></html>", "text/html")
        elif mode == "malformed":
            self.send(200, '{"report_id": "20261120T000000Z_webconn')
        elif mode == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1)
        elif mode == "redirect":
            self.send(301, "", "text/plain", [("Location", "http://127.0.0.1:1/elsewhere")])
        elif mode == "busy":
            self.send(503, '{"error":"busy"}', extra=[("Retry-After", "1")])
        elif mode == "refuse-one":
            if self.path.endswith("/report"):
                self.send(200, json.dumps({"report_id": "20261120T080000Z_webconnectivity_KZ_"
                                           "65550_n9_AAAAbbbbCCCCdddd"}))
                return
            with lock:
                first = not state["refused"]
                state["refused"] = True
            if first:
                self.send(400, '{"error":"no such thing here"}')
            else:
                self.send(200, json.dumps({"measurement_uid": "20261120080000.000000_KZ_"
                                           "webconnectivity_0123456789abcdef"}))
        else:
            self.send(404, '{"error":"unknown"}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--hits", required=True)
    ap.add_argument("--lifetime", type=int, default=600)
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.hits = args.hits
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
