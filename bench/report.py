#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turns bench/guest.sh results into the table (terminal), the wave plot
(gnuplot PNG) and Documentation/performance.rst.

    report.py RESULT_DIR

RESULT_DIR/results.txt has "key value" lines; "note-KEY text" and
"crash-PART text" lines say why a figure is missing.  Every figure printed
is a value from that file or a ratio of two of them; a missing input makes
the row say "not measured" with the reason.
"""
import os
import subprocess
import sys

R = sys.argv[1]
TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
V, NOTES, CRASH = {}, {}, {}
with open(os.path.join(R, "results.txt")) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition(" ")
        if k.startswith("note-"):
            NOTES[k[5:]] = v
        elif k.startswith("crash-"):
            CRASH[k[6:]] = v
        else:
            V[k] = v

PART_OF = {"lat": "latency", "alfred": "baselines", "http": "baselines", "tcp": "baselines",
           "link": "link", "cut": "cut", "up": "upkeep", "scale": "scale"}


def num(k):
    v = V.get(k)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def why(*keys):
    for k in keys:
        if k in NOTES:
            return NOTES[k]
    for k in keys:
        part = PART_OF.get(k.split("_")[0])
        if part in CRASH:
            return "guest crashed in part '%s': %s" % (part, CRASH[part])
    for k in keys:
        if num(k) is None:
            part = PART_OF.get(k.split("_")[0], "?")
            if "time_" + part not in V:
                return "part '%s' not run" % part
            return "%s not measured" % k
    return ""


rows = []   # (figure, meshup, baseline, ratio, goal, verdict)


def row(fig, m, b, ratio, goal, ok, *need):
    missing = [k for k in need if num(k) is None]
    if missing:
        if callable(b):
            try:
                b = b()
            except (TypeError, ZeroDivisionError):
                b = "-"
        rows.append((fig, "not measured", b or "-", "-", goal, why(*missing)))
    else:
        rows.append((fig, m(), b() if callable(b) else b, ratio() if ratio else "-", goal,
                     ok() if ok else ""))


def verdict(good, miss_txt):
    return "met" if good else "MISSED: " + miss_txt


# 1. latency
def lat_ph(): return num("lat_t") / num("lat_hops")
def alf_ph(): return num("alfred_t") / num("alfred_hops")


row("1 latency, 4 KiB over a %s-hop line, s/hop" % V.get("lat_hops", "20"),
    lambda: "%.2f s/hop (%.1f s)" % (lat_ph(), num("lat_t")),
    (lambda: "alfred/batman-adv %.2f s/hop (%.1f s over %d hops, warm%s)" % (
        alf_ph(), num("alfred_t"), num("alfred_hops"),
        "; cold start %s s" % V["alfred_cold_t"] if "alfred_cold_t" in V else "")) if num("alfred_t") else
    "alfred: " + why("alfred_t"),
    (lambda: "%.2f against warm alfred%s" % (lat_ph() / alf_ph(), (
        ", %.3f against cold" % (num("lat_t") / num("alfred_cold_t"))) if num("alfred_cold_t") else ""))
    if num("alfred_t") else None,
    "<= 0.3 s/hop (Trickle paper: 1.5-2.7)",
    lambda: verdict(lat_ph() <= 0.3, "%.2fx the goal" % (lat_ph() / 0.3)),
    "lat_t", "lat_hops")


# 2. link efficiency
def thr_m(): return num("link_bytes") / num("link_t")
def thr_t(): return num("tcp_bytes") / num("tcp_t")


row("2 link efficiency, %s over 1 veth hop" % ("8 MiB" if V.get("bench_scale") != "small" else "256 KiB"),
    lambda: "%.2f MB/s (%.1f s)" % (thr_m() / 1e6, num("link_t")),
    (lambda: "TCP (socat) %.2f MB/s (%.2f s)" % (thr_t() / 1e6, num("tcp_t"))) if num("tcp_t") else
    "TCP: " + why("tcp_t"),
    (lambda: "%.2f" % (thr_m() / thr_t())) if num("tcp_t") else None,
    ">= 0.5 of TCP",
    (lambda: verdict(thr_m() / thr_t() >= 0.5, "%.2f of TCP, %.1fx below the goal" % (
        thr_m() / thr_t(), 0.5 / (thr_m() / thr_t())))) if num("tcp_t") else None,
    "link_t", "link_bytes")


# 3. cut-through; T(1 hop) from figure 2, or else the first hop of this line
T1KEY = "link_t" if num("link_t") else "cut_t1"
def cut_r(): return num("cut_t") / num(T1KEY)
def http_r(): return num("http_tN") / num("http_t1")


row("3 cut-through, T(%s hops)/T(1 hop)" % V.get("cut_hops", "10"),
    lambda: "%.2f (%.1f s / %.1f s%s)" % (cut_r(), num("cut_t"), num(T1KEY),
                                          "" if T1KEY == "link_t" else
                                          ", T(1) = hop 1 of this line: figure 2 missing"),
    (lambda: "HTTP mirror chain %.2f (%.1f s / %.1f s)" % (
        http_r(), num("http_tN"), num("http_t1"))) if num("http_tN") and num("http_t1") else
    "HTTP chain: " + why("http_tN", "http_t1"),
    (lambda: "%.2f" % (cut_r() / http_r())) if num("http_tN") and num("http_t1") else None,
    "<= 2.0",
    lambda: verdict(cut_r() <= 2.0, "%.2f, %.1fx the goal" % (cut_r(), cut_r() / 2.0)),
    "cut_t", T1KEY)

# 4. upkeep
DEF_IMAX = 100 * (1 << 13) / 1000.0   # s


def up(k): return num("up_%s_per_int" % k)


def up_n(k): return num("up_%s_n" % k) or 20


# a veth link is a broadcast domain of 2 interfaces (each with its own
# Trickle timer); the bridge is one domain of all nodes
row("4 upkeep, beacons/node/interval, line of %d" % up_n("line"),
    lambda: "%.3f per node (%.1f/node/h at defaults); %.2f per link" % (
        up("line"), up("line") * 3600 / DEF_IMAX, up("line") * up_n("line") / (up_n("line") - 1)),
    "-", None, "<= k+1 = 3 per interval per broadcast domain (a link)",
    lambda: verdict(up("line") * up_n("line") / (up_n("line") - 1) <= 3,
                    "%.2f per link" % (up("line") * up_n("line") / (up_n("line") - 1))),
    "up_line_per_int")
row("4 upkeep, beacons/node/interval, %d nodes on one bridge" % up_n("bridge"),
    lambda: "%.3f per node (%.1f/node/h at defaults); %.2f per domain" % (
        up("bridge"), up("bridge") * 3600 / DEF_IMAX, up("bridge") * up_n("bridge")),
    (lambda: "the line: %.3f per node" % up("line")) if up("line") is not None else
    "line: " + why("up_line_per_int"),
    (lambda: "%.2f" % (up("bridge") / up("line"))) if up("line") else None,
    "<= the line per node; <= k+1 = 3 per interval in the domain",
    lambda: verdict((up("line") is None or up("bridge") <= up("line")) and
                    up("bridge") * up_n("bridge") <= 3,
                    "%.2f per node (line %s), %.2f in the domain" % (
                        up("bridge"), "%.3f" % up("line") if up("line") else "-",
                        up("bridge") * up_n("bridge"))),
    "up_bridge_per_int")

# 5. footprint
row("5 meshup.ko text+data", lambda: "%.1f KiB" % ((num("ko_text") + num("ko_data")) / 1024),
    "-", None, "< 40 KiB",
    lambda: verdict(num("ko_text") + num("ko_data") < 40 * 1024, "over by %.1f KiB" % (
        (num("ko_text") + num("ko_data")) / 1024 - 40)), "ko_text", "ko_data")
row("5 meshupd stripped", lambda: "%.1f KiB" % (num("meshupd_stripped") / 1024), "-", None,
    "< 150 KiB", lambda: verdict(num("meshupd_stripped") < 150 * 1024, "over by %.1f KiB" % (
        num("meshupd_stripped") / 1024 - 150)), "meshupd_stripped")
# the peak on the receiving node of the 1-hop transfer, or else on hop 1 of
# the 10-hop line (which receives the 8 MiB and serves it on)
HWM = "link_rss_hwm_kb" if num("link_rss_hwm_kb") else "cut_rss_hwm_kb"
row("5 meshupd RSS idle / peak during the 8 MiB transfer",
    lambda: "%d KiB / %d KiB%s" % (num("link_rss_idle_kb"), num(HWM), "" if HWM == "link_rss_hwm_kb"
                                   else " (peak: hop 1 of the 10-hop line)"), "-", None,
    "(routers: 32 MB RAM)", None, "link_rss_idle_kb", HWM)

# 6. scale
row("6 scale, %s nodes (grid), 256 KiB" % V.get("scale_nodes", "100"),
    lambda: "%.1f s to all active; %.0f frames sent per node" % (
        num("scale_t"), num("scale_frames_per_node")),
    "-", None, "(converges)", None, "scale_t", "scale_frames_per_node")

# ---- terminal table: one block per figure (fits 80 columns)
print()
print("-" * 79)
for fig, m, b, ratio, goal, ok in rows:
    print(fig)
    print("    meshup:   %s" % m)
    if b and b != "-":
        print("    baseline: %s" % b)
    print("    ratio %s; goal %s -> %s" % (ratio, goal, ok or "-"))
print()
for p, t in CRASH.items():
    print("crash in part %s: %s" % (p, t))
PARTS = [p for p in ("baselines", "latency", "link", "cut", "upkeep", "scale") if "time_" + p in V]
TIMES = ", ".join("%s %s s (%s in the guest)" % (p, V["time_" + p], V.get("guest_" + p, "?"))
                  for p in PARTS)
LOAD = "host load average (1/5/15 min) %s at the start, %s at the end" % (
    V.get("load_start", "?"), V.get("load_end", "?"))
print("bench: per part (boot included): %s" % TIMES)
print("bench: %s" % LOAD)
print("bench: total %s s (%s)" % (V.get("time_total", "?"), V.get("bench_scale", "full")))

# ---- wave plot
png = None
wm, wh = os.path.join(R, "wave-meshup.dat"), os.path.join(R, "wave-http.dat")
series = []
for path, name in ((wm, "meshup"), (wh, "HTTP chain")):
    if os.path.exists(path) and os.path.getsize(path) > 0:
        pts = sorted((float(t), int(h)) for h, t in (l.split() for l in open(path) if l.strip()))
        out = os.path.join(R, "wave-%s.cum" % ("meshup" if name == "meshup" else "http"))
        with open(out, "w") as f:
            for i, (t, h) in enumerate(pts):
                f.write("%.3f %d %d\n" % (t, i + 1, h))
        series.append((out, name))
if series:
    png = os.path.join(R, "wave.png")
    plots = ", ".join("'%s' using 1:2 with steps lw 2 title '%s (nodes complete)', "
                      "'%s' using 1:3 with points pt 7 title '%s (hop of each)'" % (p, n, p, n)
                      for p, n in series)
    gp = ("set terminal png size 900,500\nset output '%s'\nset xlabel 'seconds after inject'\n"
          "set ylabel 'nodes complete / hop distance'\nset key below\nset grid\n"
          "set title 'Propagation wave, 8 MiB over a 10-hop line'\nplot %s\n" % (png, plots))
    try:
        subprocess.run(["gnuplot"], input=gp.encode(), check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print("bench: gnuplot failed: %s" % e)
        png = None

# ---- Documentation/performance.rst
if os.environ.get("BENCH_NO_DOC") == "1" or V.get("bench_scale") == "small":
    sys.exit(0)
doc = os.path.join(TOP, "Documentation", "performance.rst")
head_path = os.path.join(TOP, "bench", "performance-head.rst")
text = open(head_path).read()
text += "\nResults of the last run\n=======================\n\n"
text += "Run of %s on %s; the whole run took %s s (%.1f min).  Per part, boot included: %s; %s.\n\n" % (
    V.get("bench_date", "?"), V.get("bench_host", "?"), V.get("time_total", "?"),
    (num("time_total") or 0) / 60, TIMES, LOAD)


def cell(s):
    return str(s).replace("|", "/")


hdr = ("figure", "meshup", "baseline", "ratio", "goal", "verdict")
text += ".. list-table::\n   :header-rows: 1\n\n"
for r in [hdr] + rows:
    text += "   * - " + cell(r[0]) + "\n" + "".join("     - %s\n" % cell(c) for c in r[1:])
text += "\n"
if CRASH:
    text += "Parts that crashed the guest (their figures are missing above):\n\n"
    for p, t in CRASH.items():
        text += "- ``%s``: %s\n" % (p, t)
    text += "\n"
if png:
    dst = os.path.join(TOP, "Documentation", "performance-wave.png")
    subprocess.run(["cp", png, dst])
    text += ".. image:: performance-wave.png\n   :alt: nodes complete over time, meshup and the HTTP chain\n\n"
text += "Raw values of the run (``build/bench/results.txt``)::\n\n"
text += "".join("    %s %s\n" % (k, v) for k, v in V.items())
text += "".join("    note-%s %s\n" % (k, v) for k, v in NOTES.items())
tail = os.path.join(TOP, "bench", "performance-tail.rst")
if os.path.exists(tail):
    text += "\n" + open(tail).read()
with open(doc, "w") as f:
    f.write(text)
print("bench: wrote %s" % os.path.relpath(doc, TOP))
