#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# A trusted neighbour turns bad (issue 5): a line a - b - c, and x (no
# meshupd: tests/tools/mu-evil on raw sockets) linked to b and c. The
# honest links are limited to 2 Mbit/s (netem) and x's are not, so x is
# the fastest source. 1.0.0 is injected at a while x serves the same bundle
# correctly: b and c take blocks from x, which is what makes a neighbour
# trusted. Then 2.0.0 is injected at a while x serves it too, correctly for
# its first $TURN blocks on each link and with junk from then on.
# x is faster than the inject at a, so b takes 2.0.0 from x first (and a
# itself may start fetching it from b, or hold a bundle before its inject
# runs). c may take 1.0.0 from x or from b, so whether c trusts x is left
# open; b always does.
# Asserts: x served 1.0.0 blocks, and junk for 2.0.0 after it turned; a, b
# and c activate 2.0.0 within 300 s, byte-exact, each hook once; b
# penalises x, and no transfer stalls (until the 60 s stall timeout): a
# neighbour that never served b joins as a source once no source that is
# not penalised holds the first block b lacks, and a bundle injected while
# it was being fetched ends that transfer; no junk reached a store (no
# staging left, nothing moved aside as corrupt); and the junk x can send is
# bounded: at most two windows of junk blocks per penalty, because a
# penalised neighbour is not asked.
. "$(dirname "$0")/lib.sh"

EVIL=$BUILD/tests/mu-evil
X=${NSP}x
EVIL_PIDS=()
SIZE=300000
TURN=40			# good blocks x serves on each link before it turns

evil_stop() {
	local p
	for p in "${EVIL_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${EVIL_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	EVIL_PIDS=()
}
evil_cleanup() {
	evil_stop
	ip netns del "$X" 2>/dev/null
	cleanup
}
trap evil_cleanup EXIT

# evil TAG IFACE ARGS...: one mu-evil on x's interface, output in $W/evil-TAG-IFACE.out
evil() {
	local tag=$1 ifc=$2
	shift 2
	ip netns exec "$X" "$EVIL" -i "$ifc" --duration 600 --interval 5 "$@" \
		>"$W/evil-$tag-$ifc.out" 2>"$W/evil-$tag-$ifc.err" &
	EVIL_PIDS+=($!)
}
# evil_sum TAG NAME: a counter of mu-evil's output summed over x's links
evil_sum() {
	cat "$W"/evil-"$1"-*.out 2>/dev/null | awk -v k="$2" '$1 == k { s += $2 } END { print s + 0 }'
}
# penalties NODE: how often the node's log says it ignores one of x's MACs
penalties() {
	local m n=0
	for m in $XMACS; do
		n=$((n + $(grep -c "ignoring neighbour $m" "$W/$1/meshupd.log")))
	done
	echo $n
}
# inject_or_held NODE FILE: x is faster than meshupctl inject, and a may
# hold the bundle (fetched from b) before the inject runs
inject_or_held() {
	local out
	out=$(inject "$1" "$2" 2>&1) || [[ $out == *"already held"* ]]
}

[ -x "$EVIL" ] || { notok "build/tests/mu-evil exists (make userspace)"; finish; }
for n in a b c; do node_add "$n" clock=unsynced; done
ip netns add "$X" || { notok "namespace for x"; finish; }
ip -n "$X" link set lo up
link a b; link b c
link x b; link x c
for pair in "a b" "b a" "b c" "c b"; do
	set -- $pair
	ip netns exec "$NSP$1" tc qdisc add dev "to-$2" root netem rate 2mbit ||
		notok "netem rate on $1 to-$2"
done
for n in a b c; do node_start "$n"; done
check "daemons answer" wait_up a b c
XMACS="$(mac_of x to-b) $(mac_of x to-c)"

# ---- 1.0.0: x serves it correctly, and so earns trust
mkpayload "$W/p1" $SIZE
sign "$W/s1.mub" site 1.0.0 "$W/p1"
mkpayload "$W/p2" $SIZE
sign "$W/s2.mub" site 2.0.0 "$W/p2"
evil good to-b --replay "$W/s1.mub"
evil good to-c --replay "$W/s1.mub"
sleep 1
t0=$(now_ms)
check "inject 1.0.0 at a (or a has it already, from x through b)" inject_or_held a "$W/s1.mub"
if wait_for 300 hooked_all site 1.0.0 activate; then
	ok "1.0.0 active on a, b and c"
	base=$(elapsed "$(last_hook_time site 1.0.0 activate)" "$t0")
else
	notok "1.0.0 active on a, b and c"
	base=
fi
evil_stop
good=$(evil_sum good replay_blocks)
note "x served $good blocks of 1.0.0 (b: $(grep '^replay_blocks' "$W/evil-good-to-b.out"), c: $(grep '^replay_blocks' "$W/evil-good-to-c.out"))"
check "x served blocks of 1.0.0 (so b or c trusts it)" [ "$good" -gt 0 ]
pen1_b=$(penalties b) pen1_c=$(penalties c)

# ---- 2.0.0: x serves $TURN good blocks per link, then junk
evil turn to-b --replay "$W/s2.mub" --turn-after $TURN
evil turn to-c --replay "$W/s2.mub" --turn-after $TURN
sleep 1
t1=$(now_ms)
check "inject 2.0.0 at a (or a has it already, from x through b)" inject_or_held a "$W/s2.mub"
if wait_for 300 hooked_all site 2.0.0 activate; then
	ok "2.0.0 active on a, b and c despite x turning"
	att=$(elapsed "$(last_hook_time site 2.0.0 activate)" "$t1")
	note "line of 3, $SIZE bytes: 1.0.0 (x honest) everywhere after ${base:-?} ms, 2.0.0 (x turns) after $att ms"
else
	notok "2.0.0 active on a, b and c despite x turning"
fi
sleep 5
evil_stop
for f in "$W"/evil-turn-*.out; do
	i=${f##*/evil-turn-}
	note "x ${i%.out}: $(grep -E '^(requests_received|replay_manifests|replay_blocks|bad_blocks|turned_s) ' "$f" | tr '\n' ' ')"
done
junk=$(evil_sum turn bad_blocks)
nblocks=$("$MESHUPCTL" inspect --json "$W/s2.mub" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["blocks"])')
check "x turned: it sent junk blocks of 2.0.0" [ "$junk" -gt 0 ]
note "penalties of x for 2.0.0: b $(($(penalties b) - pen1_b)), c $(($(penalties c) - pen1_c))"
check "b penalises x after its junk" [ $(($(penalties b) - pen1_b)) -gt 0 ]
for n in a b c; do
	check "$n: no transfer stalled (another source took over)" \
		[ "$(grep -c 'stalled at' "$W/$n/meshupd.log")" = 0 ]
done
for n in b c; do
	check "$n: 2.0.0 payload byte-exact" holds_payload "$n" "$W/p2"
	check "$n: no staging left, nothing moved aside" \
		eval '[ -z "$(ls "$W/$n/staging")" ] && ! ls "$W/$n/state" | grep -q corrupt'
done
note "junk blocks x sent: $junk (the bundle has $nblocks blocks)"
# a neighbour under a penalty is not asked: what junk arrives is what was
# asked before the first junk block of an episode came, a window (32
# blocks, WIN_SRC in fetch.c), or two where a slow guest timed the first
# out and asked again before the answers came (seen: 90 blocks for 3
# penalties on the debug kernel)
pen_b=$(($(penalties b) - pen1_b)) pen_c=$(($(penalties c) - pen1_c))
for n in b c; do
	j=$(awk '$1 == "bad_blocks" { print $2 }' "$W/evil-turn-to-$n.out")
	if [ "$n" = b ]; then p=$pen_b; else p=$pen_c; fi
	check "$n: x's junk at most two windows per penalty ($j blocks, $p penalties)" \
		[ "${j:-0}" -le $((64 * p)) ]
done
check "each hook ran exactly once (1.0.0)" exactly_once site 1.0.0 activate
check "each hook ran exactly once (2.0.0)" exactly_once site 2.0.0 activate
check "no hook ran for a revert" [ -z "$(awk '$4 != "activate"' "$W/hooks.log")" ]
finish
