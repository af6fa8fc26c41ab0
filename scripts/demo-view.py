#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The live view and final table of the demo (scripts/demo-guest.sh).

Reads, under --dir (the mesh directory of tests/mesh/lib.sh):
  edges               "a b" node numbers per veth link (hop distances)
  n<i>/sock           the node's control socket ({"cmd":"status"})
  n<i>/meshupd.log    the daemon's log, each line prefixed with the time
  n<i>/monitor.log    `meshupctl monitor` of the node, likewise
  t0                  the time of the inject (written after view.ready)
Draws per node its hop distance and a progress bar (redrawn in place with
ANSI on a terminal, a plain line every 2 s otherwise) and the latest
neighbour events; ends with the table of accepted/verified/installed/
activated times and the line "demo: X/N nodes at V in T s".  Exit status 0
only if every node activated the version.
"""
import argparse
import json
import os
import re
import socket
import sys
import time
from collections import deque

ap = argparse.ArgumentParser()
ap.add_argument("--dir", required=True)
ap.add_argument("--nodes", type=int, required=True)
ap.add_argument("--version", required=True)
ap.add_argument("--timeout", type=float, default=300)
ap.add_argument("--topology", default="")
ap.add_argument("--size", type=int, default=0)
ap.add_argument("--loss", default="0")
ap.add_argument("--tty", default="0")
ap.add_argument("--columns", type=int, default=80)
ap.add_argument("--channel", default="site")
A = ap.parse_args()
D, N, V, CH = A.dir, A.nodes, A.version, A.channel
TTY = A.tty == "1"
names = ["n%d" % i for i in range(N)]

# hop distance from n0 (the injecting node)
adj = {i: [] for i in range(N)}
with open(os.path.join(D, "edges")) as f:
    for line in f:
        a, b = map(int, line.split())
        adj[a].append(b)
        adj[b].append(a)
hop = {0: 0}
todo = deque([0])
while todo:
    a = todo.popleft()
    for b in adj[a]:
        if b not in hop:
            hop[b] = hop[a] + 1
            todo.append(b)
order = sorted(range(N), key=lambda i: (hop.get(i, 99), i))

EVENTS = ("accepted", "received", "installed", "activated")
ev_re = re.compile(r"^(\d+\.\d+) meshupd: \w+: (accepted|received|installed|activated)"
                   r"(?: injected)? (\S+) (\S+)")
times = {i: {} for i in range(N)}      # node -> event -> time
logpos = {}
mon = deque(maxlen=6)
monpos = {}
neigh_events = 0


def read_new(path, posd):
    try:
        with open(path) as f:
            f.seek(posd.get(path, 0))
            data = f.read()
            # keep a partial last line for the next round
            cut = data.rfind("\n") + 1
            posd[path] = posd.get(path, 0) + len(data[:cut].encode())
            return data[:cut].splitlines()
    except OSError:
        return []


def scan_logs():
    global neigh_events
    for i in range(N):
        for line in read_new(os.path.join(D, names[i], "meshupd.log"), logpos):
            m = ev_re.match(line)
            # the version may come as "1.0.1/<digest prefix>"
            if m and m.group(3) == CH and m.group(4).split("/")[0] == V:
                times[i].setdefault(m.group(2), float(m.group(1)))
        for line in read_new(os.path.join(D, names[i], "monitor.log"), monpos):
            parts = line.split(" ", 2)
            if len(parts) == 3 and "neigh" in parts[2]:
                neigh_events += 1
                mon.append((float(parts[0]), names[i], parts[2]))


def status(i):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(os.path.join(D, names[i], "sock"))
        s.sendall(b'{"cmd":"status"}\n')
        buf = b""
        while not buf.endswith(b"\n"):
            c = s.recv(65536)
            if not c:
                break
            buf += c
        return json.loads(buf)
    except (OSError, ValueError):
        return None
    finally:
        s.close()


def progress(i):
    """fraction 0..1 of the bundle held verified, and a short state word"""
    if "activated" in times[i]:
        return 1.0, "active " + V
    st = status(i)
    if not st:
        return 0.0, "no answer"
    for c in st.get("channels", []):
        if c.get("name") != CH:
            continue
        act = c.get("active") or {}
        new = c.get("newest") or {}
        if act.get("version") == V:
            return 1.0, "active " + V
        if new.get("version") == V:
            return 1.0, "installed"
        for t in c.get("transfers", []):
            if t.get("of"):
                return t.get("blocks", 0) / t["of"], "fetching"
        return 0.0, "waiting" if not act else "at " + act.get("version", "?")
    return 0.0, "?"


def bar(frac, width):
    full = int(frac * width + 1e-9)
    return "#" * full + "." * (width - full)


open(os.path.join(D, "view.ready"), "w").close()
while not os.path.exists(os.path.join(D, "t0")):
    time.sleep(0.05)
t0 = float(open(os.path.join(D, "t0")).read())
hdr = "meshup demo: %d nodes (%s), channel %s %s, %d-byte payload, loss %s%%" % (
    N, A.topology, CH, V, A.size, A.loss)
print(hdr, flush=True)
width = max(10, min(40, A.columns - 40))
drawn = 0
last_plain = 0.0
deadline = t0 + A.timeout
while True:
    scan_logs()
    now = time.time()
    prog = {i: progress(i) for i in range(N)}
    done = sum(1 for i in range(N) if "activated" in times[i])
    if TTY:
        out = []
        if drawn:
            out.append("\x1b[%dA" % drawn)
        out.append("\x1b[J  t = %6.1f s   %d/%d active\n" % (now - t0, done, N))
        for i in order:
            f, word = prog[i]
            out.append("  %-4s hop %2s [%s] %3d%%  %s\n" % (
                names[i], hop.get(i, "?"), bar(f, width), int(f * 100), word))
        out.append("  neighbour events (meshupctl monitor, %d so far):\n" % neigh_events)
        ev = list(mon)
        for t, n, text in ev:
            out.append("    %+7.2f s %-4s %s\n" % (t - t0, n, text[:max(20, A.columns - 24)]))
        for _ in range(mon.maxlen - len(ev)):
            out.append("\n")
        drawn = N + 2 + mon.maxlen
        sys.stdout.write("".join(out))
        sys.stdout.flush()
    elif now - last_plain >= 2 or done == N:
        last_plain = now
        print("t=%.1fs %d/%d active | %s" % (now - t0, done, N, " ".join(
            "%s:%d%%" % (names[i], int(prog[i][0] * 100)) for i in order)), flush=True)
        for t, n, text in list(mon):
            print("  %+7.2f s %-4s %s" % (t - t0, n, text[:100]), flush=True)
        mon.clear()
    if done == N or now > deadline:
        break
    time.sleep(0.25 if TTY else 0.5)

# ---- the table
time.sleep(0.5)
scan_logs()
print()
print("  node  hop  accepted  verified  installed  activated   (s after inject)")
fmt = lambda i, e: ("%8.2f" % (times[i][e] - t0)) if e in times[i] else "       -"
for i in order:
    print("  %-4s  %3s  %s  %s   %s   %s" % (names[i], hop.get(i, "?"), fmt(i, "accepted"),
          fmt(i, "received"), fmt(i, "installed"), fmt(i, "activated")))
done = [i for i in range(N) if "activated" in times[i]]
last = max((times[i]["activated"] for i in done), default=t0)
print("  (accepted: manifest and signature checked; verified: every block checked"
      " against the Merkle root; installed: stored atomically; activated: hook ran)")
print()
if len(done) == N:
    print("demo: %d/%d nodes at %s in %.1f s" % (len(done), N, V, last - t0), flush=True)
    sys.exit(0)
missing = " ".join(names[i] for i in range(N) if i not in done)
print("demo: %d/%d nodes at %s in %.1f s (not converged: %s)" % (
    len(done), N, V, time.time() - t0, missing), flush=True)
sys.exit(1)
