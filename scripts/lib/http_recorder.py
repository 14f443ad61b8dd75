#!/usr/bin/env python3
"""A small HTTP server on 127.0.0.1 that answers 200 to every request and records each one (method,
path, body) as one JSON line, as a healthchecks-style ping endpoint would receive them.

    http_recorder.py PORT_FILE LOG_FILE     (writes the port it listens on to PORT_FILE)
"""
import http.server
import json
import sys


class Recorder(http.server.BaseHTTPRequestHandler):
    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        with open(sys.argv[2], "a") as log:
            log.write(json.dumps({"method": self.command, "path": self.path, "body": body}) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    do_GET = do_POST = do_HEAD = handle_any

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
