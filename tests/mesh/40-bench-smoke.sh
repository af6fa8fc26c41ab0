#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# Smoke test of the benchmark (make bench): every part of bench/guest.sh
# at BENCH_SCALE=small (4-node lines, 256 KiB, 3 s of upkeep on 3 nodes, a 2x2 grid;
# no alfred: it syncs every 10 s),
# then bench/report.py over the results.  Checks that each figure and each
# baseline was measured (a number, not "-"), not how good it is.
set -u
TOP=${MESHUP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MESHUP_BUILD:-$TOP/build}
R=$(mktemp -d /tmp/meshup-bench-smoke.XXXXXX)
trap 'rm -rf "$R"' EXIT
FAILS=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; FAILS=$((FAILS + 1)); }

PKG="libnl-genl-3.0 libnl-3.0 openssl json-c inih"
# shellcheck disable=SC2046
if cc -O2 -I"$TOP/include/uapi" -I"$TOP/userspace/lib" $(pkg-config --cflags $PKG) \
	-o "$R/muparams" "$TOP/bench/muparams.c" "$BUILD/libmeshup.a" $(pkg-config --libs $PKG) 2>"$R/cc.err"; then
	ok "bench smoke: muparams builds"
else
	notok "bench smoke: muparams builds ($(head -c 200 "$R/cc.err"))"
fi

: >"$R/results.txt"
for p in baselines latency link cut upkeep scale; do
	start=$(date +%s)
	limit=120
	[ $p = upkeep ] && limit=150
	BENCH_SCALE=small VM_RES=$R MUPARAMS=$R/muparams timeout -k 5 $limit \
		bash "$TOP/bench/guest.sh" "$p" >"$R/$p.log" 2>&1 </dev/null
	rc=$?
	if [ $rc = 0 ]; then
		ok "bench smoke: part $p ran ($(($(date +%s) - start)) s)"
	else
		notok "bench smoke: part $p ran (status $rc)"
		tail -n 15 "$R/$p.log" >&2
	fi
	[ -d /sys/module/meshup ] || insmod "$MESHUP_KO"
done

measured() { # key: a number in results.txt
	awk -v k="$1" '$1 == k && $2 ~ /^[0-9.]+$/ { f = 1 } END { exit !f }' "$R/results.txt"
}
for k in http_t1 http_tN tcp_t lat_t link_t link_rss_hwm_kb cut_t \
	up_line_per_int up_bridge_per_int scale_t scale_frames_per_node; do
	if measured "$k"; then
		ok "bench smoke: $k measured ($(awk -v k="$k" '$1 == k { print $2 }' "$R/results.txt"))"
	else
		notok "bench smoke: $k measured ($(grep "^note-$k " "$R/results.txt" | cut -d' ' -f2- || echo missing))"
	fi
done
if BENCH_NO_DOC=1 python3 "$TOP/bench/report.py" "$R" >"$R/report.txt" 2>&1 &&
	grep -q '^1 latency' "$R/report.txt"; then
	ok "bench smoke: report renders"
else
	notok "bench smoke: report renders ($(tail -n 3 "$R/report.txt" | tr '\n' ' '))"
fi
[ "$FAILS" -eq 0 ]
