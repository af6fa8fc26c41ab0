#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 840
#
# Malicious neighbour (issue 5): a line of five honest nodes a-b-c-d-e and an
# evil node x (no meshupd; tests/tools/mu-evil on raw sockets) linked to b, c
# and d. Baseline: 1.0.0 injected at a with x silent. Then x attacks while
# 2.0.0 spreads: adverts of versions that do not exist (also from random
# MACs) answered with forged and truncated manifests, junk blocks for the
# real bundle it claims to hold, a correctly signed older bundle 0.9.0
# (downgrade), a REQUEST flood at c and a beacon flood from random MACs at d.
# Asserts: every honest node activates 2.0.0 within 2x the baseline (floor
# 10 s; on the debug kernel, times the guest's own CPU slowdown under the
# floods, measured in the same run: see below), hooks ran only for 1.0.0
# and 2.0.0 (nothing x made, no downgrade),
# the honest nodes penalise x and ask it less and less, the module's
# neighbour table stays within its bound, and kernel memory and meshupd's
# RSS stay bounded under the floods.
. "$(dirname "$0")/lib.sh"

EVIL=$BUILD/tests/mu-evil
X=${NSP}x
EVIL_PIDS=()
NEIGH_MAX=256			# the module's default neighbour table size
SLAB_BOUND_KB=$((48 * 1024))	# Slab growth allowed during the floods
AVAIL_BOUND_KB=$((96 * 1024))	# MemAvailable drop allowed during the floods
AFTER_BOUND_KB=$((16 * 1024))	# Slab left over 10 s after the floods (stock)
RSS_BOUND_KB=$((16 * 1024))	# meshupd VmHWM under the floods
# Flood rates (frames/s): a TCG guest of the stock kernel takes 2000/s at c
# and d; under KASAN and lockdep the same guest saturates at about 240/s
# with every process starved, which measures the emulator, not meshup.
# There the floods are 100/s (b: 20/s): still ten times the module's
# admission rate for new neighbours, and every attack runs. Even so, an
# honest node that nobody attacks (a) installs and activates more than
# twice as slowly during the floods: the debug guest's CPU is the
# bottleneck. So there the convergence bound is 2x the baseline times the
# guest's slowdown, measured as the time of `meshupctl verify` of the same
# bundle before and during the floods (median of 3 each); both ratios are
# printed. Both kernels run this script (Documentation/testing.rst).
FLOOD_RATE=2000 LIGHT_RATE=100
if [ "${MESHUP_KERNEL:-}" = debug ]; then
	AFTER_BOUND_KB=$((80 * 1024))	# KASAN quarantine
	FLOOD_RATE=100 LIGHT_RATE=20
fi
# cpu_ms: median time of 3 runs of meshupctl verify on s1.mub (ms)
cpu_ms() {
	local i t0 ts=()
	for i in 1 2 3; do
		t0=$(now_ms)
		"$MESHUPCTL" verify --keys "$W/a/keys" "$W/s1.mub" >/dev/null 2>&1
		ts+=($(($(now_ms) - t0)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | sed -n 2p
}

evil_cleanup() {
	local p
	for p in "${EVIL_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${EVIL_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	ip netns del "$X" 2>/dev/null
	cleanup
}
trap evil_cleanup EXIT

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
vm() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$(cat "$W/$1/pid")/status"; }
# nlctl NODE CMD: a netlink read command of meshupctl in the node's namespace
nlctl() { ip netns exec "$NSP$1" "$MESHUPCTL" "$2" --json; }
neigh_count() { nlctl "$1" neighbors | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["neighbors"]))'; }
# drops NODE REASON: a drop counter summed over the node's interfaces
drops() {
	nlctl "$1" stats | "$PY" -c '
import json, sys
print(sum(i["drops"].get(sys.argv[1], 0) for i in json.load(sys.stdin)["interfaces"]))' "$2"
}
counter() {
	nlctl "$1" stats | "$PY" -c '
import json, sys
print(sum(i["counters"].get(sys.argv[1], 0) for i in json.load(sys.stdin)["interfaces"]))' "$2"
}
# evil IFACE ARGS...: one mu-evil on x's interface, output in $W/evil-IFACE.out
evil() {
	local ifc=$1
	shift
	ip netns exec "$X" "$EVIL" -i "$ifc" "$@" >"$W/evil-$ifc.out" 2>"$W/evil-$ifc.err" &
	EVIL_PIDS+=($!)
}

[ -x "$EVIL" ] || { notok "build/tests/mu-evil exists (make userspace)"; finish; }
for n in a b c d e; do node_add "$n" clock=unsynced; done
ip netns add "$X" || { notok "namespace for x"; finish; }
ip -n "$X" link set lo up
link a b; link b c; link c d; link d e
link x b; link x c; link x d
for n in a b c d e; do node_start "$n"; done
check "daemons answer" wait_up a b c d e
XMACS="$(mac_of x to-b) $(mac_of x to-c) $(mac_of x to-d)"
C_MAC=$(mac_of c to-x)

# ---- baseline: 1.0.0 with x silent
mkpayload "$W/p1" 300000
sign "$W/s1.mub" site 1.0.0 "$W/p1"
t0=$(now_ms)
inject a "$W/s1.mub"
if wait_for 300 hooked_all site 1.0.0 activate; then
	base=$(awk -v a="$(last_hook_time site 1.0.0 activate)" -v b="$t0" 'BEGIN { printf "%d", a * 1000 - b }')
	ok "baseline: 1.0.0 active on all honest nodes"
else
	notok "baseline: 1.0.0 active on all honest nodes"
	finish
fi
sleep 3
cpu0=$(cpu_ms)

# ---- attack: 2.0.0 spreads while x runs every attack
mkpayload "$W/p0" 20000
sign "$W/s0.mub" site 0.9.0 "$W/p0"
mkpayload "$W/p2" 300000
sign "$W/s2.mub" site 2.0.0 "$W/p2"
slab0=$(meminfo Slab) avail0=$(meminfo MemAvailable)
common=(--duration 600 --interval 5 --trusted-pub "$VEC/test-key.pub.pem"
	--fake-adverts --bad-blocks --replay "$W/s0.mub")
note "flood rates: c and d $FLOOD_RATE frames/s, b $LIGHT_RATE frames/s (kernel ${MESHUP_KERNEL:-?})"
evil to-b "${common[@]}" --random-macs --rate $LIGHT_RATE
evil to-c "${common[@]}" --req-flood "$C_MAC" --random-macs --rate $FLOOD_RATE
evil to-d "${common[@]}" --beacon-flood --rate $FLOOD_RATE --count $((20 * FLOOD_RATE))
sleep 2
cpu1=$(cpu_ms)
t1=$(now_ms)
inject a "$W/s2.mub"
slab_max=$slab0 avail_min=$avail0 nmax=0
sample() {
	local s a c
	s=$(meminfo Slab) a=$(meminfo MemAvailable)
	[ "$s" -gt "$slab_max" ] && slab_max=$s
	[ "$a" -lt "$avail_min" ] && avail_min=$a
	c=$(neigh_count d 2>/dev/null) && [ "${c:-0}" -gt "$nmax" ] && nmax=$c
	hooked_all site 2.0.0 activate
}
converged=0
end=$(($(date +%s) + 300))
while [ "$(date +%s)" -lt "$end" ]; do
	if sample; then converged=1; break; fi
	sleep 1
done
if [ $converged = 1 ]; then
	att=$(awk -v a="$(last_hook_time site 2.0.0 activate)" -v b="$t1" 'BEGIN { printf "%d", a * 1000 - b }')
	ok "attacked: 2.0.0 active on all honest nodes"
else
	att=999999
	notok "attacked: 2.0.0 active on all honest nodes"
fi
lag_notes site 1.0.0 activate "$(awk -v t="$t0" 'BEGIN { printf "%.3f", t / 1000 }')" "baseline hook times"
lag_notes site 2.0.0 activate "$(awk -v t="$t1" 'BEGIN { printf "%.3f", t / 1000 }')" "attacked hook times"
floor=$((base > 10000 ? base : 10000))
# the guest's CPU slowdown under the floods (at least 1)
slow=$(awk -v a="$cpu1" -v b="$cpu0" 'BEGIN { r = b > 0 ? a / b : 1; printf "%.2f", r < 1 ? 1 : r }')
note "guest CPU under the floods: meshupctl verify ${cpu0} ms before, ${cpu1} ms during: slowdown ${slow}"
note "convergence: baseline ${base} ms, attacked ${att} ms, ratio $(awk -v a="$att" -v b="$base" 'BEGIN { printf "%.2f", a / b }'), over the CPU slowdown $(awk -v a="$att" -v b="$base" -v s="$slow" 'BEGIN { printf "%.2f", a / b / s }')"
if [ "${MESHUP_KERNEL:-}" = debug ]; then
	limit=$(awk -v f="$floor" -v s="$slow" 'BEGIN { printf "%d", 2 * f * s }')
	check "attacked convergence within 2x baseline x CPU slowdown ${slow} (max(baseline, 10 s); limit ${limit} ms)" [ "$att" -le "$limit" ]
else
	check "attacked convergence within 2x baseline (max(baseline, 10 s); limit $((2 * floor)) ms)" [ "$att" -le $((2 * floor)) ]
fi

# keep attacking a while to watch the back-off, sampling memory
end=$(($(date +%s) + 40))
while [ "$(date +%s)" -lt "$end" ]; do sample >/dev/null; sleep 1; done
rss_c=$(vm c VmRSS) hwm_c=$(vm c VmHWM) rss_d=$(vm d VmRSS) hwm_d=$(vm d VmHWM)
for n in b c d; do
	note "$n drops during the attack: rate_limited $(drops "$n" rate_limited) delivery $(drops "$n" delivery) no_helper $(drops "$n" no_helper); delivered $(counter "$n" delivered) rx_request $(counter "$n" rx_request) rx_beacon $(counter "$n" rx_beacon)"
done
for p in "${EVIL_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
for p in "${EVIL_PIDS[@]}"; do wait "$p" 2>/dev/null; done
EVIL_PIDS=()
sleep 10
slab1=$(meminfo Slab) avail1=$(meminfo MemAvailable)

for f in "$W"/evil-*.out; do
	i=${f##*/evil-}
	i=${i%.out}
	note "x $i: $(grep -v '^reqs\|^fake' "$f" | tr '\n' ' ')"
	grep '^reqs' "$f" | while read -r _ mac counts; do
		note "x $i: REQUESTs from $mac per 5 s: $counts"
	done
done

# ---- outcomes
check "every honest node: 2.0.0 active" all_active site 2.0.0
check "each hook ran exactly once (2.0.0)" exactly_once site 2.0.0 activate
check "e: payload 2.0.0 byte-exact" holds_payload e "$W/p2"
bad_hooks=$(awk '$3 != "1.0.0" && $3 != "2.0.0"' "$W/hooks.log")
check "no hook ran for anything x made or replayed" [ -z "$bad_hooks" ]
[ -n "$bad_hooks" ] && note "unexpected hooks: $bad_hooks"
check "no hook ran for a revert (no downgrade)" [ -z "$(awk '$4 != "activate"' "$W/hooks.log")" ]
for n in b c d; do
	pen=0
	for m in $XMACS; do
		pen=$((pen + $(grep -c "ignoring neighbour $m" "$W/$n/meshupd.log")))
	done
	note "$n: $pen penalties of x, $(grep -c '^.*rejected ' "$W/$n/meshupd.log") objects rejected"
	check "$n penalises x" [ "$pen" -gt 0 ]
done
# back-off: the REQUESTs honest nodes send x fall over time (first three
# 5 s intervals of the attack against the last three)
early=0 late=0
for f in "$W"/evil-*.out; do
	el=$(grep '^reqs' "$f" | awk '{ for (i = 3; i <= NF; i++) { if (i <= 5) e += $i; else if (i > NF - 3) l += $i } } END { print e + 0, l + 0 }')
	early=$((early + ${el% *})) late=$((late + ${el#* }))
done
note "REQUESTs to x from honest nodes: first 15 s $early, last 15 s $late"
check "honest nodes ask x less and less" [ "$late" -lt "$early" ]

note "module neighbour table of d under the beacon flood: at most $nmax entries (bound $NEIGH_MAX)"
check "neighbour table within its bound" [ "$nmax" -le "$NEIGH_MAX" ]
note "kernel memory (kB): Slab before $slab0, max during $slab_max, after $slab1; MemAvailable before $avail0, min during $avail_min, after $avail1"
check "Slab growth during the floods < $SLAB_BOUND_KB kB" [ $((slab_max - slab0)) -lt "$SLAB_BOUND_KB" ]
check "MemAvailable drop during the floods < $AVAIL_BOUND_KB kB" [ $((avail0 - avail_min)) -lt "$AVAIL_BOUND_KB" ]
check "Slab after the floods within $AFTER_BOUND_KB kB of before" [ $((slab1 - slab0)) -lt "$AFTER_BOUND_KB" ]
note "meshupd under the floods (kB): c VmRSS $rss_c VmHWM $hwm_c, d VmRSS $rss_d VmHWM $hwm_d"
check "meshupd VmHWM under the floods < $RSS_BOUND_KB kB" [ "$(( hwm_c > hwm_d ? hwm_c : hwm_d ))" -lt "$RSS_BOUND_KB" ]
finish
