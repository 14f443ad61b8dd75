#!/usr/bin/env python3
"""A small fault-injecting HTTP proxy for tests, on 127.0.0.1 in front of one upstream (moto_server).

Usage: faultproxy.py UPSTREAM_PORT DIR
  Listens on a free port and writes it to DIR/proxy.port. Reads DIR/proxy.control before each request:
  one line "MODE COUNT [METHOD]". The next COUNT requests (-1: all) whose method matches (any when
  omitted) get the fault, then it passes requests on again. Rewriting the file resets the count.
  Modes:
    pass      forward to the upstream
    500, 503  answer with that status and an S3 error body (503 is SlowDown)
    reset     close the connection with a TCP reset before answering
    stall     read the request and never answer (until the client gives up)
    cut       forward, then cut the answer half way through its body
    slow      forward a second late (a slow server, so what happens while a request waits can be seen)
  Every request is logged to DIR/proxy.log: monotonic seconds, method, path, Range header, what was done.
It handles one request per connection and answers "Connection: close", as moto_server does. It runs for at
most --max-seconds (default 1800) and then exits by itself.
"""
import asyncio
import os
import socket
import struct
import sys
import time

UPSTREAM = int(sys.argv[1])
DIR = sys.argv[2]
MAX_SECONDS = 1800
CONTROL = os.path.join(DIR, "proxy.control")
LOG = os.path.join(DIR, "proxy.log")

state = {"stamp": None, "mode": "pass", "remaining": 0, "method": None}


def decide(method):
    try:
        st = os.stat(CONTROL)
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    except FileNotFoundError:
        stamp = None
    if stamp != state["stamp"]:
        state["stamp"] = stamp
        parts = open(CONTROL).read().split() if stamp else ["pass", "0"]
        state["mode"] = parts[0]
        state["remaining"] = int(parts[1]) if len(parts) > 1 else -1
        state["method"] = parts[2] if len(parts) > 2 else None
    if state["mode"] == "pass" or state["remaining"] == 0:
        return "pass"
    if state["method"] and state["method"] != method:
        return "pass"
    if state["remaining"] > 0:
        state["remaining"] -= 1
    return state["mode"]


def log(method, path, rng, action):
    with open(LOG, "a") as f:
        f.write(f"{time.monotonic():.4f} {method} {path} range={rng or '-'} {action}\n")


async def read_request(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return head, body, method, path, headers


def error_response(status):
    code, reason = ("SlowDown", "Service Unavailable") if status == 503 else ("InternalError", "Internal Server Error")
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
            f"<Message>injected by faultproxy</Message></Error>").encode()
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n").encode() + body


def reset(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def handle(reader, writer):
    try:
        head, body, method, path, headers = await read_request(reader)
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        writer.close()
        return
    action = decide(method)
    log(method, path, headers.get("range"), action)
    try:
        if action in ("500", "503"):
            writer.write(error_response(int(action)))
            await writer.drain()
            writer.close()
            return
        if action == "reset":
            reset(writer)
            return
        if action == "stall":
            try:
                await asyncio.wait_for(reader.read(), timeout=600)
            except asyncio.TimeoutError:
                pass
            writer.close()
            return
        if action == "slow":
            await asyncio.sleep(1.0)
        up_r, up_w = await asyncio.open_connection("127.0.0.1", UPSTREAM)
        up_w.write(head + body)
        await up_w.drain()
        answer = await up_r.read()
        up_w.close()
        if action == "cut":
            split = answer.find(b"\r\n\r\n") + 4
            cut_at = split + max(1, (len(answer) - split) // 2)
            writer.write(answer[:cut_at])
            await writer.drain()
            reset(writer)
            return
        writer.write(answer)
        await writer.drain()
        writer.close()
    except (ConnectionError, OSError):
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    with open(os.path.join(DIR, "proxy.port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(DIR, "proxy.port.tmp"), os.path.join(DIR, "proxy.port"))
    async with server:
        await asyncio.wait_for(server.serve_forever(), timeout=MAX_SECONDS)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except asyncio.TimeoutError:
        pass
