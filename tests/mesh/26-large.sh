#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Two nodes, one veth hop: an 8 MiB bundle (8457 blocks, far more than the
# serving rate limit's burst and the netlink socket buffer) is fetched and
# activated without the sender being penalised and without a restart.
. "$(dirname "$0")/lib.sh"

NODE_CHANNELS=$(printf '[channel site]\nhook = @HOOK@\nmax_size = 9M\n')
node_add a
node_add b
link a b
node_start a
node_start b
check "daemons answer on their control sockets" wait_up a b

mkpayload "$W/p1" 8388608
sign "$W/s1.mub" site 1.0.0 "$W/p1"
t0=$(now_ms)
check "inject 8 MiB at a" inject a "$W/s1.mub"
if wait_for 240 hooked_all site 1.0.0 activate; then
	ok "8 MiB bundle reached b and was activated"
	t1=$(last_hook_time site 1.0.0 activate)
	note "8 MiB over one hop: activated at b $(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%d", a*1000-b}') ms after inject"
else
	notok "8 MiB bundle reached b and was activated"
	note "b: $(grep -c 'stalled at' "$W/b/meshupd.log") stalls"
fi
for n in a b; do
	note "$n stats: $(ip netns exec "$NSP$n" "$MESHUPCTL" stats --json 2>&1 | tr -d '\n' | head -c 1500)"
done
grep -E "ignoring|stalled|received" "$W/b/meshupd.log" | head -20 | sed 's/^/# b: /'
check "b: no neighbour penalised for false adverts" \
	[ "$(grep -c 'does not send' "$W/b/meshupd.log")" -eq 0 ]
check "b: payload stored byte-exact" cmp -s "$W/p1" "$W/b/state/$(q b "ch('site')['active']['digest']").payload"
finish
