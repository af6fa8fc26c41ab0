#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 840
#
# Loss and disorder on a 5x5 grid: a 30 KB bundle spreads from a corner
# once over clean links (the reference time), then every link, both ways,
# gets netem with 20% random loss, a 10 ms delay that 25% of frames skip (so
# frames really overtake each other) and 10% duplication, and a newer 30 KB
# bundle is injected at the same corner: every node activates it exactly
# once, the opposite corner holds it byte for byte. Prints both times and
# their ratio.
. "$(dirname "$0")/lib.sh"

S=5
BYTES=30000
NETEM="loss 20% delay 10ms reorder 25% 50% duplicate 10%"
pairs=()
names=()
for r in $(seq 0 $((S - 1))); do
	for c in $(seq 0 $((S - 1))); do
		names+=("g$r$c")
		[ "$c" -gt 0 ] && pairs+=("g$r$((c - 1)) g$r$c")
		[ "$r" -gt 0 ] && pairs+=("g$((r - 1))$c g$r$c")
	done
done
check "$((S * S)) nodes" nodes_add "${names[@]}" -- clock=unsynced
check "${#pairs[@]} links" links "${pairs[@]}"
note "setup: $SECONDS s"
for n in "${NODES[@]}"; do node_start "$n"; done
check "all $((S * S)) daemons answer" wait_up "${NODES[@]}"
note "daemons up: $SECONDS s"
far=g$((S - 1))$((S - 1))

mkpayload "$W/p1" $BYTES
sign "$W/s1.mub" site 1.0.0 "$W/p1"
if spread g00 "$W/s1.mub" site 1.0.0 400; then
	ok "lossless: 1.0.0 reached all $((S * S)) nodes"
	clean=$SPREAD_MS
	note "lossless: $BYTES bytes active on all $((S * S)) nodes $clean ms after inject"
else
	notok "lossless: 1.0.0 reached all $((S * S)) nodes"
	for n in "${NODES[@]}"; do note "$n: active $(active "$n" site)"; done
	note "checks done: $SECONDS s"
finish
fi

note "lossless phase done: $SECONDS s"
check "netem ($NETEM) on all $((2 * ${#LINK_PAIRS[@]})) link ends" netem_links $NETEM
mkpayload "$W/p2" $BYTES
sign "$W/s2.mub" site 2.0.0 "$W/p2"
if spread g00 "$W/s2.mub" site 2.0.0 500; then
	ok "lossy: 2.0.0 reached all $((S * S)) nodes"
	lossy=$SPREAD_MS
	note "lossy: $BYTES bytes active on all $((S * S)) nodes $lossy ms after inject"
else
	notok "lossy: 2.0.0 reached all $((S * S)) nodes"
	for n in "${NODES[@]}"; do note "$n: active $(active "$n" site) newest $(newest "$n" site)"; done
fi
note "netem counters of the first row: $(netem_stats g00 g01 g02 g03 g04) ($SECONDS s)"
sleep 2
check "every node active on 2.0.0" all_active site 2.0.0
check "each 1.0.0 hook ran exactly once" exactly_once site 1.0.0 activate
check "each 2.0.0 hook ran exactly once" exactly_once site 2.0.0 activate
check "$far: 2.0.0 payload byte-exact" payload_exact "$far" "$W/p2" "$W/s2.mub"
if [ -n "${lossy:-}" ]; then
	note "5x5 grid, $BYTES bytes: lossless $clean ms, lossy $lossy ms, ratio $(awk -v a="$lossy" -v b="$clean" 'BEGIN { printf "%.2f", a / b }')"
fi
note "checks done: $SECONDS s"
finish
