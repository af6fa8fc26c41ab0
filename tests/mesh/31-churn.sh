#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1200
#
# Churn (1): a line a - b - c. While b fetches a 3 MiB bundle, its helper is
# killed (SIGKILL) and the module is removed and inserted again under every
# running helper (a and c must notice, survive and register again by
# themselves). Then b is restarted: it resumes from its staging area
# (tmpfs) and fetches only the blocks it lacked. Proven by b's own count
# ("resumed N of M blocks") and, independently, by the module's count of
# BLOCK frames b received since the reload. Payload byte-exact, every hook
# exactly once.
# Churn (2): after a second version converged, a node added later with an
# empty state (fresh namespace) catches up with the newest version only.
. "$(dirname "$0")/lib.sh"

NODE_CHANNELS=$(printf '[channel site]\nhook = @HOOK@\nmax_size = 4M\n')
SIZE=3145728
for n in a b c; do node_add "$n"; done
link a b
link b c
# a's link to b carries the blocks: slowed so that the kill lands mid-way
ip netns exec "$NSP"a tc qdisc add dev to-b root netem rate 2mbit ||
	notok "netem rate on a to-b"
for n in a b c; do node_start "$n"; done
check "daemons answer" wait_up a b c

# helpers of this script
xfer() { # NODE FIELD: the first transfer's FIELD on channel site, or -1
	q "$1" "ch('site')['transfers'][0]['$2'] if ch('site').get('transfers') else -1"
}
registered() { q "$1" "s['registered'] or sys.exit(1)" >/dev/null; }
reregistered() { # NODE: registered again after the reload (log and status)
	[ "$(grep -c 'registered with the meshup module' "$W/$1/meshupd.log")" -ge 2 ] &&
		registered "$1"
}
rx_blocks() { # BLOCK frames the module accepted in NODE's namespace
	ip netns exec "$NSP$1" "$MESHUPCTL" stats --json 2>/dev/null | "$PY" -c '
import json, sys
print(sum(i["counters"].get("rx_block", 0) for i in json.load(sys.stdin)["interfaces"]))'
}
payload_of() { echo "$W/$1/state/$(q "$1" "ch('site')['active']['digest']").payload"; }

mkpayload "$W/p1" $SIZE
sign "$W/s1.mub" site 1.0.0 "$W/p1"
B=$("$MESHUPCTL" inspect --json "$W/s1.mub" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["blocks"])')
t0=$(now_ms)
check "inject 3 MiB at a" inject a "$W/s1.mub"

# (1) kill b once it holds a fifth of the blocks, well before the end
k=-1
end=$(($(date +%s) + 300))
while [ "$(date +%s)" -lt "$end" ]; do
	k=$(xfer b blocks)
	[ "$k" -ge $((B / 5)) ] 2>/dev/null && break
	sleep 0.2
done
kill -9 "$(cat "$W/b/pid")"
wait "$(cat "$W/b/pid")" 2>/dev/null
rm -f "$W/b/pid"
note "b killed holding at least $k of $B blocks ($(($(now_ms) - t0)) ms after inject)"
check "b was caught mid-transfer" [ "$k" -ge $((B / 5)) -a "$k" -lt "$B" ]
staged=$(ls "$W/b/staging" 2>/dev/null | tr '\n' ' ')
note "b's staging after the kill: $staged"

# the module goes away under a and c, and comes back
check "rmmod meshup with helpers running" rmmod meshup
sleep 2
check "insmod meshup again" insmod "$MESHUP_KO"
check "a registered again by itself" wait_for 60 reregistered a
check "c registered again by itself" wait_for 60 reregistered c
check "a and c still running" kill -0 "$(cat "$W/a/pid")" "$(cat "$W/c/pid")"
grep -h 'module went away\|registered with' "$W/a/meshupd.log" | sed 's/^/# a: /' 
rx0=$(rx_blocks b)

t1=$(now_ms)
node_start b
check "b restarted" wait_up b
if wait_for 400 hooked_all site 1.0.0 activate; then
	ok "1.0.0 active on a, b, c after b's crash and the module reload"
	note "b: 1.0.0 activated $(elapsed "$(grep ' site 1.0.0 activate ' "$W/b/hook.log" | awk '{print $5}' | head -n1)" "$t1") ms after its restart"
	note "line a-b-c: 1.0.0 ($SIZE bytes) on all $(elapsed "$(last_hook_time site 1.0.0 activate)" "$t0") ms after inject (kill, reload and restart included)"
else
	notok "1.0.0 active on a, b, c after b's crash and the module reload"
fi
rx1=$(rx_blocks b)
line=$(grep -m1 -o 'resumed [0-9]* of [0-9]* blocks' "$W/b/meshupd.log")
resumed=$(echo "$line" | awk '{print $2}')
of=$(echo "$line" | awk '{print $4}')
fetched=$(grep -o 'received site 1.0.0.*' "$W/b/meshupd.log" | tail -n1)
note "b after restart: $line; $fetched; module: $((rx1 - rx0)) BLOCK frames received since the reload (b held $k before the kill)"
check "b resumed at least what it held before the kill" [ "${resumed:-0}" -ge "$k" -a "$k" -gt 0 ]
check "b's resumed count refers to the whole bundle" [ "${of:-0}" = "$B" ]
# the blocks b lacked, plus slack for blocks asked twice (timeouts)
lacked=$((B - ${resumed:-0}))
slack=$((32 + lacked / 20))
check "b received no more than the blocks it lacked (+$slack): $((rx1 - rx0)) <= $lacked + $slack" \
	[ $((rx1 - rx0)) -le $((lacked + slack)) ]
check "b received at least the blocks it lacked" [ $((rx1 - rx0)) -ge "$lacked" ]
for n in a b c; do
	check "$n: payload byte-exact" cmp -s "$W/p1" "$(payload_of "$n")"
done
check "b: staging empty after the install" [ -z "$(ls "$W/b/staging")" ]

# (2) a second version, then a late node
mkpayload "$W/p2" 200000
sign "$W/s2.mub" site 2.0.0 "$W/p2"
check "inject 2.0.0 at a" inject a "$W/s2.mub"
check "2.0.0 active on a, b, c" wait_for 300 hooked_all site 2.0.0 activate
sleep 2
check "each hook ran exactly once (1.0.0)" exactly_once site 1.0.0 activate
check "each hook ran exactly once (2.0.0)" exactly_once site 2.0.0 activate

node_add d
link c d
t2=$(now_ms)
node_start d
check "late node d answers" wait_up d
if wait_for 300 hooked_all site 2.0.0 activate; then
	ok "late node d caught up with 2.0.0"
	note "late node d: 2.0.0 active $(elapsed "$(grep ' site 2.0.0 activate ' "$W/d/hook.log" | awk '{print $5}' | head -n1)" "$t2") ms after its start"
else
	notok "late node d caught up with 2.0.0"
fi
sleep 2
check "d: payload byte-exact" cmp -s "$W/p2" "$(payload_of d)"
check "d: never ran the hook for 1.0.0" [ "$(hooks d site 1.0.0 activate)" = 0 ]
check "each hook ran exactly once (2.0.0, with d)" exactly_once site 2.0.0 activate
check "d holds only the newest" eq 1 held d site
check "module loaded at the end" [ -d /sys/module/meshup ]
finish
