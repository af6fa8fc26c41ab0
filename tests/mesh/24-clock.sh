#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
#
# Mesh time: a line a - b - c where only a has a synced clock; b's clock is
# three years behind, c's three years ahead (MESHUP_TEST_CLOCK_OFFSET,
# test only). b and c take the median of their neighbours' time (quality 1)
# and activate a scheduled bundle on time: not before start_time (exact),
# soon after it.
. "$(dirname "$0")/lib.sh"

Y3=$((3 * 365 * 86400))
node_add a clock=synced
node_add b clock=unsynced
node_add c clock=unsynced
link a b; link b c
node_start a
node_start b MESHUP_TEST_CLOCK_OFFSET=-$Y3
node_start c MESHUP_TEST_CLOCK_OFFSET=$Y3
check "daemons answer" wait_up a b c
derived() { # node: quality 1 and within 3 s of the real clock
	q "$1" "s['clock_quality'] == 1 and abs(s['mesh_time_ms'] - s['real_time_ms']) < 1000 or sys.exit(1)"
}
check "b derives mesh time from a (quality 1)" wait_for 120 derived b
check "c derives mesh time through b (quality 1)" wait_for 120 derived c
note "mesh time minus real time: b $(q b "s['mesh_time_ms'] - s['real_time_ms']") ms, c $(q c "s['mesh_time_ms'] - s['real_time_ms']") ms"

start=$(($(date +%s) + 40))
mkpayload "$W/p" 3000
sign "$W/s.mub" site 1.0.0 "$W/p" --start "$start"
check "inject at a (start in 40 s)" inject a "$W/s.mub"
staged() { local n; for n in a b c; do [ "$(newest "$n" site)" = 1.0.0 ] || return 1; done; }
check "staged at every node" wait_for 35 staged
none_early() { [ "$(date +%s)" -lt "$start" ] && [ ! -s "$W/hooks.log" ]; }
check "none active before start_time" none_early
check "activated everywhere after start_time" wait_for 120 hooked_all site 1.0.0 activate
first=$(first_hook_time site 1.0.0 activate)
last=$(last_hook_time site 1.0.0 activate)
check "no hook before start_time (first $first, start $start)" awk -v f="$first" -v s="$start" 'BEGIN{exit !(f >= s)}'
check "all within 5 s of start_time" awk -v f="$last" -v s="$start" 'BEGIN{exit !(f < s + 5)}'
lag_notes site 1.0.0 activate "$start" "wrong clocks, hook time after start_time per node"
note "wrong clocks: first hook $(awk -v f="$first" -v s="$start" 'BEGIN{printf "%d", (f-s)*1000}') ms, last $(awk -v f="$last" -v s="$start" 'BEGIN{printf "%d", (f-s)*1000}') ms after start_time"
finish
