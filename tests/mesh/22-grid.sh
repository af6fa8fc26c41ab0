#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# A 5x5 grid: a bundle injected at a corner reaches all 25 nodes, each hook
# runs exactly once; prints the propagation time.
. "$(dirname "$0")/lib.sh"

S=5
for r in $(seq 0 $((S - 1))); do
	for c in $(seq 0 $((S - 1))); do
		node_add "g$r$c" clock=unsynced
		[ "$c" -gt 0 ] && link "g$r$((c - 1))" "g$r$c"
		[ "$r" -gt 0 ] && link "g$((r - 1))$c" "g$r$c"
	done
done
for n in "${NODES[@]}"; do node_start "$n"; done
check "all 25 daemons answer" wait_up "${NODES[@]}"

mkpayload "$W/p" 50000
sign "$W/s.mub" site 1.0.0 "$W/p"
t0=$(now_ms)
check "inject at g00" inject g00 "$W/s.mub"
if wait_for 700 hooked_all site 1.0.0 activate; then
	ok "bundle reached all 25 nodes of the grid"
	t1=$(last_hook_time site 1.0.0 activate)
	note "5x5 grid: 50000-byte bundle active everywhere $(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%d", a*1000-b}') ms after inject"
else
	notok "bundle reached all 25 nodes of the grid"
	for n in "${NODES[@]}"; do note "$n: active $(active "$n" site)"; done
fi
sleep 2
check "each hook ran exactly once" exactly_once site 1.0.0 activate
check "g44: payload byte-exact" cmp -s "$W/p" "$(ls "$W/g44"/state/*.payload | head -n1)"
finish
