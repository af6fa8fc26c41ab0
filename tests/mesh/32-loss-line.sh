#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 840
#
# Loss and disorder on a line of 10 nodes: a 50 KB bundle spreads end to
# end once over clean links (the reference time), then every link, both
# ways, gets netem with 20% random loss, a 10 ms delay that 25% of frames
# skip (so frames really overtake each other) and 10% duplication, and a
# newer 50 KB bundle is injected: every node activates it exactly once, the
# far end holds it byte for byte. Prints both times and their ratio.
. "$(dirname "$0")/lib.sh"

N=10
BYTES=50000
NETEM="loss 20% delay 10ms reorder 25% 50% duplicate 10%"
pairs=()
names=()
for i in $(seq 0 $((N - 1))); do
	names+=("n$i")
	[ "$i" -gt 0 ] && pairs+=("n$((i - 1)) n$i")
done
check "$N nodes" nodes_add "${names[@]}" -- clock=unsynced
check "${#pairs[@]} links" links "${pairs[@]}"
note "setup: $SECONDS s"
for n in "${NODES[@]}"; do node_start "$n"; done
check "all $N daemons answer" wait_up "${NODES[@]}"
note "daemons up: $SECONDS s"
far=n$((N - 1))

mkpayload "$W/p1" $BYTES
sign "$W/s1.mub" site 1.0.0 "$W/p1"
if spread n0 "$W/s1.mub" site 1.0.0 400; then
	ok "lossless: 1.0.0 reached all $N nodes"
	clean=$SPREAD_MS
	note "lossless: $BYTES bytes active on all $N nodes $clean ms after inject"
else
	notok "lossless: 1.0.0 reached all $N nodes"
	for n in "${NODES[@]}"; do note "$n: active $(active "$n" site)"; done
	note "checks done: $SECONDS s"
finish
fi

note "lossless phase done: $SECONDS s"
check "netem ($NETEM) on all $((2 * (N - 1))) link ends" netem_links $NETEM
mkpayload "$W/p2" $BYTES
sign "$W/s2.mub" site 2.0.0 "$W/p2"
if spread n0 "$W/s2.mub" site 2.0.0 600; then
	ok "lossy: 2.0.0 reached all $N nodes"
	lossy=$SPREAD_MS
	note "lossy: $BYTES bytes active on all $N nodes $lossy ms after inject"
else
	notok "lossy: 2.0.0 reached all $N nodes"
	for n in "${NODES[@]}"; do note "$n: active $(active "$n" site) newest $(newest "$n" site)"; done
fi
note "netem counters: $(netem_stats) ($SECONDS s)"
sleep 2
check "every node active on 2.0.0" all_active site 2.0.0
check "each 1.0.0 hook ran exactly once" exactly_once site 1.0.0 activate
check "each 2.0.0 hook ran exactly once" exactly_once site 2.0.0 activate
check "$far: 2.0.0 payload byte-exact" payload_exact "$far" "$W/p2" "$W/s2.mub"
if [ -n "${lossy:-}" ]; then
	note "line of $N, $BYTES bytes: lossless $clean ms, lossy $lossy ms, ratio $(awk -v a="$lossy" -v b="$clean" 'BEGIN { printf "%.2f", a / b }')"
fi
note "checks done: $SECONDS s"
finish
