#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1200
#
# Partitions on a line of 6 nodes a-b-c | d-e-f, cut between c and d (netem
# loss 100% both ways: the links stay up, the other side just falls silent):
#  1. converged on 1.0.0, the mesh splits; 2.0.0 with a start_time in the
#     near future is injected on side A: side A stages it and activates it
#     at its start_time, not before; side B stays on 1.0.0. The sides
#     rejoin after start_time: side B fetches 2.0.0 and activates it on
#     install (its start_time has passed), every hook exactly once. 1.0.0 is
#     then deleted everywhere: 2.0.0 is itself the newest stable bundle whose
#     start_time has passed, so it is also the fallback (PROTOCOL.md 5).
#  2. split again; 3.0.0 injected on side A, 3.1.0 on side B: after the
#     rejoin the whole line runs 3.1.0, side B never ran 3.0.0.
#  3. split again; an experimental 4.0.0 whose end_time passes during the
#     split is injected on side A: side A activates it and reverts to 3.1.0
#     at end_time; after the rejoin side B holds 4.0.0 as its newest but
#     never activates it (active = newest held bundle with end_time > mesh
#     time: 3.1.0) and runs no hook at all.
. "$(dirname "$0")/lib.sh"

A="a b c"
B="d e f"
check "6 nodes" nodes_add a b c d e f -- clock=unsynced
check "5 links" links "a b" "b c" "c d" "d e" "e f"
for n in "${NODES[@]}"; do node_start "$n"; done
check "daemons answer" wait_up "${NODES[@]}"
note "setup: $SECONDS s"

# side_is SIDE WHAT VERSION: every node of SIDE has WHAT (active, newest) = V
side_is() {
	local n
	for n in $1; do [ "$($2 "$n" site)" = "$3" ] || return 1; done
}
# side_hooked SIDE VERSION REASON: every node of SIDE ran that hook
side_hooked() {
	local n
	for n in $1; do grep -q "^$n site $2 $3 " "$W/hooks.log" || return 1; done
}
# no_hook SIDE VERSION: no node of SIDE ran any hook for VERSION
no_hook() {
	local n
	for n in $1; do ! grep -q "^$n site $2 " "$W/hooks.log" || return 1; done
}
# hook_times SIDE VERSION REASON: min and max hook time over SIDE
hook_times() {
	local pat=${1// /|}
	awk -v v="$2" -v r="$3" -v p="^($pat)\$" '$1 ~ p && $2 == "site" && $3 == v && $4 == r {
		if (mn == "" || $5 < mn) mn = $5; if ($5 > mx) mx = $5 } END { print mn, mx }' "$W/hooks.log"
}
rel_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+d", (a - b) * 1000 }'; }

# ---- converge on 1.0.0
mkpayload "$W/p1" 12000
sign "$W/s1.mub" site 1.0.0 "$W/p1"
inject a "$W/s1.mub" >/dev/null
check "1.0.0 active everywhere" wait_for 300 hooked_all site 1.0.0 activate

# ---- 1: split; 2.0.0 due during the split, on side A only
link_cut c d
split_at=$(date +%s)
start=$((split_at + 60))
mkpayload "$W/p2" 12000
sign "$W/s2.mub" site 2.0.0 "$W/p2" --start "$start"
check "split; inject 2.0.0 (start in 60 s) at a" eval 'inject a "$W/s2.mub" >/dev/null'
check "side A stages 2.0.0 before its start" wait_for $((start - $(date +%s) - 3)) side_is "$A" newest 2.0.0
check "side A: no 2.0.0 hook before start_time" eval '[ "$(date +%s)" -lt "$start" ] && no_hook "$A" 2.0.0'
check "c: 1.0.0 still active, 2.0.0 newest, both held" eval '[ "$(active c site)" = 1.0.0 ] && [ "$(held c site)" = 2 ]'
check "side A activates 2.0.0 after start_time" wait_for 120 side_hooked "$A" 2.0.0 activate
read -r first last <<<"$(hook_times "$A" 2.0.0 activate)"
check "side A: no 2.0.0 hook before start_time (first $(rel_ms "$first" "$start") ms)" \
	awk -v f="$first" -v s="$start" 'BEGIN { exit !(f >= s) }'
check "side A: all 2.0.0 hooks within 20 s of start_time (last $(rel_ms "$last" "$start") ms)" \
	awk -v f="$last" -v s="$start" 'BEGIN { exit !(f < s + 20) }'
note "split: side A activated 2.0.0 $(rel_ms "$first" "$start")..$(rel_ms "$last" "$start") ms after its start_time"
sleep 3
check "side B: still on 1.0.0, never saw 2.0.0" eval 'side_is "$B" active 1.0.0 && side_is "$B" newest 1.0.0 && no_hook "$B" 2.0.0'

link_heal c d
rejoin=$(date +%s.%N)
if wait_for 300 side_hooked "$B" 2.0.0 activate; then
	ok "rejoin: side B activates 2.0.0"
	read -r first last <<<"$(hook_times "$B" 2.0.0 activate)"
	check "side B: 2.0.0 hooks after the rejoin" awk -v f="$first" -v s="$rejoin" 'BEGIN { exit !(f >= s) }'
	note "rejoin (start_time passed $(rel_ms "$rejoin" "$start") ms before): side B activated 2.0.0 $(rel_ms "$first" "$rejoin")..$(rel_ms "$last" "$rejoin") ms after the rejoin"
	lag_notes site 2.0.0 activate "$rejoin" "2.0.0 hooks relative to the rejoin"
else
	notok "rejoin: side B activates 2.0.0"
fi
sleep 2
check "2.0.0 active everywhere" all_active site 2.0.0
check "each node ran the 2.0.0 hook exactly once" exactly_once site 2.0.0 activate
check "each node ran the 1.0.0 hook exactly once" exactly_once site 1.0.0 activate
only_one() { local n; for n in "${NODES[@]}"; do [ "$(held "$n" site)" = 1 ] || return 1; done; }
check "1.0.0 deleted everywhere (2.0.0 is newest, active and fallback)" wait_for 30 only_one
check "f: 2.0.0 payload byte-exact" payload_exact f "$W/p2" "$W/s2.mub"

note "part 1 done: $SECONDS s"

# ---- 2: split; a different newer version on each side
link_cut c d
mkpayload "$W/p3" 12000
mkpayload "$W/p31" 12000
sign "$W/s3.mub" site 3.0.0 "$W/p3"
sign "$W/s31.mub" site 3.1.0 "$W/p31"
check "split; inject 3.0.0 at a" eval 'inject a "$W/s3.mub" >/dev/null'
check "inject 3.1.0 at f" eval 'inject f "$W/s31.mub" >/dev/null'
check "side A activates 3.0.0" wait_for 200 side_hooked "$A" 3.0.0 activate
check "side B activates 3.1.0" wait_for 200 side_hooked "$B" 3.1.0 activate
check "side A: no 3.1.0 during the split" no_hook "$A" 3.1.0
link_heal c d
rejoin=$(date +%s.%N)
if wait_for 300 hooked_all site 3.1.0 activate; then
	ok "rejoin: 3.1.0 reaches side A"
	read -r first last <<<"$(hook_times "$A" 3.1.0 activate)"
	note "rejoin: side A activated 3.1.0 $(rel_ms "$first" "$rejoin")..$(rel_ms "$last" "$rejoin") ms after the rejoin"
else
	notok "rejoin: 3.1.0 reaches side A"
fi
sleep 3
check "3.1.0 active everywhere" all_active site 3.1.0
check "each node ran the 3.1.0 hook exactly once" exactly_once site 3.1.0 activate
check "side B never ran 3.0.0" no_hook "$B" 3.0.0
check "a: 3.1.0 payload byte-exact" payload_exact a "$W/p31" "$W/s31.mub"

note "part 2 done: $SECONDS s"

# ---- 3: split; an experimental bundle that expires during the split
link_cut c d
end=$(($(date +%s) + 60))
mkpayload "$W/p4" 12000
sign "$W/s4.mub" site 4.0.0 "$W/p4" --end "$end"
check "split; inject experimental 4.0.0 (end in 60 s) at a" eval 'inject a "$W/s4.mub" >/dev/null'
check "side A activates 4.0.0" wait_for 55 side_hooked "$A" 4.0.0 activate
check "side A reverts to 3.1.0 after end_time" wait_for 120 side_hooked "$A" 3.1.0 revert
read -r first last <<<"$(hook_times "$A" 3.1.0 revert)"
check "side A: no revert before end_time" awk -v f="$first" -v s="$end" 'BEGIN { exit !(f >= s) }'
note "split: side A reverted to 3.1.0 $(rel_ms "$first" "$end")..$(rel_ms "$last" "$end") ms after end_time"
check "side B: never saw 4.0.0" eval 'side_is "$B" newest 3.1.0 && no_hook "$B" 4.0.0'
link_heal c d
rejoin=$(date +%s.%N)
t0=$(now_ms)
if wait_for 300 side_is "$B" newest 4.0.0; then
	ok "rejoin: side B fetches the expired 4.0.0"
	note "rejoin: side B held 4.0.0 $(($(now_ms) - t0)) ms or less after the rejoin"
else
	notok "rejoin: side B fetches the expired 4.0.0"
fi
sleep 3
check "3.1.0 still active everywhere" all_active site 3.1.0
check "side B ran no hook for 4.0.0 and no revert" eval 'no_hook "$B" 4.0.0 && ! grep -qE "^(d|e|f) site .* revert " "$W/hooks.log"'
check "side A: 4.0.0 activated once, reverted once" eval '[ "$(for n in $A; do hooks $n site 4.0.0 activate; hooks $n site 3.1.0 revert; done | sort -u)" = 1 ]'
check "side B: 3.1.0 hook still exactly once" exactly_once site 3.1.0 activate
note "part 3 done: $SECONDS s"
finish
