#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# A line of 10 nodes: a bundle injected at one end reaches every node, each
# hook runs exactly once; prints the propagation time.
. "$(dirname "$0")/lib.sh"

N=10
for i in $(seq 0 $((N - 1))); do
	node_add "n$i" clock=unsynced
	[ "$i" -gt 0 ] && link "n$((i - 1))" "n$i"
done
for i in $(seq 0 $((N - 1))); do node_start "n$i"; done
check "all $N daemons answer" wait_up $(printf 'n%d ' $(seq 0 $((N - 1))))

mkpayload "$W/p" 50000
sign "$W/s.mub" site 1.0.0 "$W/p"
t0=$(now_ms)
check "inject at n0" inject n0 "$W/s.mub"
if wait_for 400 hooked_all site 1.0.0 activate; then
	ok "bundle reached all $N nodes of the line"
	t1=$(last_hook_time site 1.0.0 activate)
	note "line of $N nodes: 50000-byte bundle active everywhere $(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%d", a*1000-b}') ms after inject"
else
	notok "bundle reached all $N nodes of the line"
	for i in $(seq 0 $((N - 1))); do note "n$i: active $(active "n$i" site)"; done
fi
sleep 2
check "each hook ran exactly once" exactly_once site 1.0.0 activate
check "n$((N - 1)): payload byte-exact" cmp -s "$W/p" "$(ls "$W/n$((N - 1))"/state/*.payload | head -n1)"
finish
