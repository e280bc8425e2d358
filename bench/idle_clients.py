#!/usr/bin/env python3
"""Holds N idle TCP connections to HOST:PORT, spread over source addresses 127.0.0.1..127.0.0.S
(so a per-address limit is not what is measured), prints "ready <n>" once all are connected,
then holds them until STOPFILE exists or HOLD seconds have passed (bounded), and closes them.

    idle_clients.py PORT N SOURCES STOPFILE HOLD
"""
import os, socket, sys, time

port, n, sources, stopfile, hold = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
socks = []
deadline = time.monotonic() + 120
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((f"127.0.0.{1 + i % sources}", 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    socks.append(s)
    if time.monotonic() > deadline:
        print(f"gave up after {len(socks)} connections", file=sys.stderr)
        break
print(f"ready {len(socks)}", flush=True)
end = time.monotonic() + hold
while time.monotonic() < end and not os.path.exists(stopfile):
    time.sleep(0.2)
for s in socks:
    s.close()
