#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1200
#
# Churn (3): a line a - b - c - d, links limited to 2 Mbit/s (netem) so
# that a 1 MB bundle takes a while. A first bundle propagates undisturbed
# (the baseline); while a second one propagates, nodes are switched off and
# on at random moments, from the inject until every node has it (at most
# CHURN_S seconds): the helper killed with SIGKILL and started again, or
# every link of the node set down and up again, or both; several nodes may
# be off at once. The sequence comes from a seeded
# RANDOM (MESHUP_SEED=N repeats a run; the seed is printed). Afterwards every
# node converges on the second bundle, byte-exact, each hook exactly once,
# and no staging is left behind.
#
# A node that has begun installing the second bundle is no longer killed
# (links may still go down): a hook interrupted by SIGKILL is run again by
# design (at least once across crashes), which is not what this test is
# about.
. "$(dirname "$0")/lib.sh"

SEED=${MESHUP_SEED:-$(($(date +%s) % 100000))}
RANDOM=$SEED
CHURN_S=${CHURN_S:-60}
SIZE=1000000
ALL="a b c d"
for n in $ALL; do node_add "$n"; done
link a b
link b c
link c d
for pair in "a b" "b a" "b c" "c b" "c d" "d c"; do
	set -- $pair
	ip netns exec "$NSP$1" tc qdisc add dev "to-$2" root netem rate 2mbit ||
		notok "netem rate on $1 to-$2"
done
for n in $ALL; do node_start "$n"; done
check "daemons answer" wait_up $ALL
note "seed $SEED (MESHUP_SEED=$SEED repeats this run), churn for $CHURN_S s"

payload_of() { echo "$W/$1/state/$(q "$1" "ch('site')['active']['digest']").payload"; }
declare -A LINKS	# node -> its veth ends, looked up once
for n in $ALL; do
	LINKS[$n]=$(ip -n "$NSP$n" -o link show | awk -F': ' '$2 ~ /^to-/ { sub(/@.*/, "", $2); print $2 }')
done
set_links() { # NODE up|down: one ip process for all of them
	local l
	for l in ${LINKS[$1]}; do echo "link set $l $2"; done | ip -n "$NSP$1" -batch -
}

# baseline: no churn
mkpayload "$W/p1" $SIZE
sign "$W/s1.mub" site 1.0.0 "$W/p1"
t0=$(now_ms)
check "inject 1.0.0 at a" inject a "$W/s1.mub"
if wait_for 300 hooked_all site 1.0.0 activate; then
	ok "1.0.0 reached every node (no churn)"
	base=$(elapsed "$(last_hook_time site 1.0.0 activate)" "$t0")
	note "line of 4, $SIZE bytes, no churn: active everywhere $base ms after inject"
else
	notok "1.0.0 reached every node (no churn)"
fi

# with churn
mkpayload "$W/p2" $SIZE
sign "$W/s2.mub" site 2.0.0 "$W/p2"
dg2=$("$MESHUPCTL" inspect --json "$W/s2.mub" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["digest"])')
declare -A off_until how
kills=0
downs=0
switch_off() { # NODE KIND SECONDS
	local n=$1 p
	case $2 in
	kill | both)
		read -r p <"$W/$n/pid"
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		rm -f "$W/$n/pid"
		kills=$((kills + 1))
		;;
	esac
	case $2 in
	link | both)
		set_links "$n" down
		downs=$((downs + 1))
		;;
	esac
	how[$n]=$2
	off_until[$n]=$((EPOCHSECONDS + $3))
	echo "# churn +$(($(now_ms) - t1)) ms: $n off ($2, $3 s)"
}
switch_on() {
	local n=$1
	case ${how[$n]} in link | both) set_links "$n" up ;; esac
	case ${how[$n]} in kill | both) node_start "$n" ;; esac
	echo "# churn +$(($(now_ms) - t1)) ms: $n on"
	unset "off_until[$n]" "how[$n]"
}
installing() { compgen -G "$W/$1/state/$dg2*" >/dev/null; }

# The loop forks little (bash builtins for the clock and the files): in the
# debug guest beside other guests a process start costs about a second, and
# a round of a dozen of them let a whole propagation pass with one or two
# switch-offs. The first three rounds switch a node off for sure (the
# propagation over three 2 Mbit/s hops of 1 MB takes far longer), later
# ones three times in four.
t1=$(now_ms)
check "inject 2.0.0 at a" inject a "$W/s2.mub"
end=$((EPOCHSECONDS + CHURN_S))
while [ "$EPOCHSECONDS" -lt "$end" ] && ! hooked_all site 2.0.0 activate; do
	for n in "${!off_until[@]}"; do
		[ "$EPOCHSECONDS" -ge "${off_until[$n]}" ] && switch_on "$n"
	done
	if [ $((kills + downs)) -lt 3 ] || [ $((RANDOM % 4)) != 0 ]; then
		set -- $ALL
		shift $((RANDOM % 4))
		set -- "$@" $ALL
		n=
		for c in 1 2 3 4; do	# the first node from there that is on
			[ -z "${off_until[$1]:-}" ] && n=$1 && break
			shift
		done
		if [ -n "$n" ]; then
			case $((RANDOM % 3)) in
			0) kind=kill ;;
			1) kind=link ;;
			*) kind=both ;;
			esac
			if [ "$kind" != link ] && installing "$n"; then
				kind=link
			fi
			switch_off "$n" "$kind" $((1 + RANDOM % 5))
		fi
	fi
	sleep 0.5
done
for n in "${!off_until[@]}"; do switch_on "$n"; done
note "churn: $kills helper kills, $downs times all links down, for $(($(now_ms) - t1)) ms after the inject"
check "some churn happened" [ $((kills + downs)) -ge 3 ]
check "daemons answer after the churn" wait_up $ALL
if wait_for 400 hooked_all site 2.0.0 activate; then
	ok "2.0.0 reached every node despite the churn"
	note "line of 4, $SIZE bytes, with churn: active everywhere $(elapsed "$(last_hook_time site 2.0.0 activate)" "$t1") ms after inject (baseline ${base:-?} ms)"
else
	notok "2.0.0 reached every node despite the churn"
	for n in $ALL; do note "$n: active $(active "$n" site), $(grep -c 'resumed' "$W/$n/meshupd.log") resumes"; done
fi
sleep 2
for n in $ALL; do
	check "$n: 2.0.0 active, payload byte-exact" cmp -s "$W/p2" "$(payload_of "$n")"
	r=$(grep -o 'resumed [0-9]* of [0-9]* blocks' "$W/$n/meshupd.log" | tr '\n' ',')
	[ -n "$r" ] && note "$n: $r"
done
check "each hook ran exactly once (1.0.0)" exactly_once site 1.0.0 activate
check "each hook ran exactly once (2.0.0)" exactly_once site 2.0.0 activate
for n in $ALL; do
	check "$n: no staging left" [ -z "$(ls "$W/$n/staging")" ]
done
finish
