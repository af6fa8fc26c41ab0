#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# Scheduled activation and revert on 4 nodes in a line:
#  - a bundle whose start_time is in the future is staged everywhere, no hook
#    runs before start_time (exact), all run soon after it;
#  - an experimental bundle reverts everywhere after its end_time (exact: no
#    revert before it);
#  - a node joining after the end gets the fallback (and never runs the
#    experimental one).
. "$(dirname "$0")/lib.sh"

for n in a b c d; do node_add "$n" clock=unsynced; done
link a b; link b c; link c d
for n in a b c d; do node_start "$n"; done
check "daemons answer" wait_up a b c d

mkpayload "$W/p1" 3000
sign "$W/s1.mub" site 1.0.0 "$W/p1"
inject a "$W/s1.mub" >/dev/null
check "1.0.0 active everywhere" wait_for 200 hooked_all site 1.0.0 activate

# ---- start_time in the future
start=$(($(date +%s) + 45))
mkpayload "$W/p2" 20000
sign "$W/s2.mub" site 2.0.0 "$W/p2" --start "$start"
check "inject 2.0.0 (start in 45 s) at a" inject a "$W/s2.mub"
staged() { local n; for n in a b c d; do [ "$(newest "$n" site)" = 2.0.0 ] || return 1; done; }
check "2.0.0 staged at every node before its start" wait_for 40 staged
none_early() { # still before start, and no hook ran for 2.0.0 anywhere
	[ "$(date +%s)" -lt "$start" ] && ! grep -q " site 2.0.0 " "$W/hooks.log"
}
check "no node activated 2.0.0 before start_time" none_early
check "1.0.0 still active at d" [ "$(active d site)" = 1.0.0 ]
check "2.0.0 activated everywhere after start_time" wait_for 120 hooked_all site 2.0.0 activate
first=$(first_hook_time site 2.0.0 activate)
last=$(last_hook_time site 2.0.0 activate)
check "no 2.0.0 hook ran before start_time (first at $first, start $start)" awk -v f="$first" -v s="$start" 'BEGIN{exit !(f >= s)}'
note "scheduled activation: first hook $(awk -v f="$first" -v s="$start" 'BEGIN{printf "%d", (f-s)*1000}') ms, last $(awk -v f="$last" -v s="$start" 'BEGIN{printf "%d", (f-s)*1000}') ms after start_time"
lag_notes site 2.0.0 activate "$start" "scheduled activation per node"
check "all activated within 5 s of start_time" awk -v f="$last" -v s="$start" 'BEGIN{exit !(f < s + 5)}'
check "each node ran the 2.0.0 hook exactly once" exactly_once site 2.0.0 activate

# ---- experimental bundle: revert after end_time
now=$(date +%s)
end=$((now + 50))
mkpayload "$W/p3" 4000
sign "$W/s3.mub" site 3.0.0 "$W/p3" --end "$end"
check "inject experimental 3.0.0 (end in 50 s)" inject a "$W/s3.mub"
check "3.0.0 activated everywhere" wait_for 45 hooked_all site 3.0.0 activate
check "2.0.0 kept as fallback at d" eq 2.0.0 fallback d site
check "reverted to 2.0.0 everywhere after end_time" wait_for 120 hooked_all site 2.0.0 revert
firstr=$(first_hook_time site 2.0.0 revert)
lastr=$(last_hook_time site 2.0.0 revert)
check "no revert before end_time" awk -v f="$firstr" -v s="$end" 'BEGIN{exit !(f >= s)}'
note "revert: first $(awk -v f="$firstr" -v s="$end" 'BEGIN{printf "%d", (f-s)*1000}') ms, last $(awk -v f="$lastr" -v s="$end" 'BEGIN{printf "%d", (f-s)*1000}') ms after end_time"
check "each node reverted exactly once" exactly_once site 2.0.0 revert

# ---- late joiner
node_add e clock=unsynced
link d e
node_start e
wait_up e
check "late node e activates the fallback 2.0.0" wait_for 200 eq 2.0.0 active e site
check "e holds newest 3.0.0 (expired) and 2.0.0" wait_for 60 eq 3.0.0 newest e site
sleep 2
check "e ran the 2.0.0 hook once and never 3.0.0" [ "$(hooks e site 2.0.0 activate)$(hooks e site 3.0.0 activate)" = 10 ]
finish
