#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# meshupctl monitor / neighbors / stats against the module: two namespaces
# over a veth pair.  The monitor in one sees neigh-new for the other;
# neighbors lists it with the right MAC; stats counts beacons both ways; a
# monitor survives rmmod/insmod (module-unloaded, module-loaded lines); with
# the module unloaded, neighbors fails with the "not loaded" message.
#
# Contract (tests/qemu/guest-run.sh): root, cwd = repo root, MESHUP_BUILD,
# MESHUP_KO; the module is loaded at start and at the end.
# timeout: 300
set -u

TOP=${MESHUP_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${MESHUP_BUILD:-$TOP/build}
CTL=$BUILD/meshupctl
KO=${MESHUP_KO:-}
DEADLINE=${MESHUP_DEADLINE:-30}	# seconds for anything the mesh must do (TCG)
T=mon10

NA=$T-a-$$ NB=$T-b-$$
IA=${T}a IB=${T}b
MACA=02:00:00:00:10:0a MACB=02:00:00:00:10:0b
TMP=$(mktemp -d)
PIDS=()
failed=0

ok() { echo "ok - $T: $*"; }
notok() { echo "not ok - $T: $*"; failed=1; }
log() { echo "# $*" >&2; }

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
	[ -d /sys/module/meshup ] || insmod "$KO" || echo "not ok - $T: reload of the module in cleanup"
	rm -rf "$TMP"
}
trap cleanup EXIT

# wait_for SECONDS CMD... : until CMD succeeds (every 0.5 s); 0 or 1.
wait_for() {
	local end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.5
	done
	return 0
}

# A monitor is subscribed once it created its signalfd (cmd_monitor does
# that after joining the group).
monitor_ready() {
	local f
	for f in /proc/"$1"/fd/*; do
		[[ $(readlink "$f" 2>/dev/null) == *signalfd* ]] && return 0
	done
	return 1
}

# has_json_event FILE EVENT [MAC]
has_json_event() {
	jq -e -n --arg ev "$2" --arg mac "${3:-}" \
		'any(inputs; .event == $ev and ($mac == "" or .mac == $mac))' \
		"$1" >/dev/null 2>&1
}

if [ ! -x "$CTL" ] || [ -z "$KO" ] || ! command -v jq >/dev/null; then
	notok "needs $CTL, MESHUP_KO and jq"
	exit 1
fi
if [ ! -d /sys/module/meshup ]; then
	notok "the module is not loaded at start"
	exit 1
fi

# ---- two namespaces over a veth pair, links still down
modprobe veth 2>/dev/null
# (created inside the namespaces: no interface moves between them)
ip netns add "$NA" && ip netns add "$NB" &&
	ip -n "$NA" link add name "$IA" type veth peer name "$IB" netns "$NB" &&
	ip -n "$NA" link set "$IA" address $MACA &&
	ip -n "$NB" link set "$IB" address $MACB
if [ $? -ne 0 ]; then
	notok "setting up namespaces and veth pair"
	exit 1
fi

# ---- monitors before the links come up: JSON in A, human in B
ip netns exec "$NA" "$CTL" monitor --json >"$TMP/mon-a.json" 2>"$TMP/mon-a.err" &
MA=$!
PIDS+=("$MA")
ip netns exec "$NB" "$CTL" monitor >"$TMP/mon-b.txt" 2>"$TMP/mon-b.err" &
MB=$!
PIDS+=("$MB")
if wait_for "$DEADLINE" monitor_ready "$MA" && wait_for "$DEADLINE" monitor_ready "$MB"; then
	ok "monitors started"
else
	notok "monitors did not start ($(cat "$TMP"/mon-*.err | head -c 200))"
fi

ip -n "$NA" link set "$IA" up && ip -n "$NB" link set "$IB" up ||
	notok "links up"

if wait_for "$DEADLINE" has_json_event "$TMP/mon-a.json" neigh-new $MACB; then
	ok "monitor --json in A sees neigh-new for B ($MACB)"
else
	notok "monitor --json in A: no neigh-new for $MACB within ${DEADLINE}s"
	log "monitor A output:"; sed 's/^/#   /' "$TMP/mon-a.json" "$TMP/mon-a.err" >&2
fi
# Every line of the JSON monitor is one JSON object with a time and an event.
lines=0 good=0
while IFS= read -r line; do
	lines=$((lines + 1))
	jq -e 'type == "object" and has("time") and has("time_ms") and has("event")' \
		<<<"$line" >/dev/null 2>&1 && good=$((good + 1))
done <"$TMP/mon-a.json"
if [ $lines -gt 0 ] && [ $good -eq $lines ]; then
	ok "monitor --json: $lines lines, each one JSON object with time and event"
else
	notok "monitor --json: $good of $lines lines are JSON objects with time and event"
	sed 's/^/#   /' "$TMP/mon-a.json" >&2
fi

if wait_for "$DEADLINE" grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+ neigh-new $IB $MACA " "$TMP/mon-b.txt"; then
	ok "monitor (human) in B sees neigh-new $IB $MACA"
else
	notok "monitor (human) in B: no neigh-new line for $MACA"
	sed 's/^/#   /' "$TMP/mon-b.txt" "$TMP/mon-b.err" >&2
fi

# ---- clean exit on SIGINT / SIGTERM
kill -INT "$MA"
wait "$MA"
rc=$?
[ $rc -eq 0 ] && ok "monitor --json exits 0 on SIGINT" || notok "monitor --json exited $rc on SIGINT"
kill -TERM "$MB"
wait "$MB"
rc=$?
[ $rc -eq 0 ] && ok "monitor exits 0 on SIGTERM" || notok "monitor exited $rc on SIGTERM"
PIDS=()

# ---- neighbors
if ip netns exec "$NA" "$CTL" neighbors --json >"$TMP/nb.json" 2>"$TMP/nb.err" &&
	jq -e --arg mac $MACB --arg ifn "$IA" \
		'[.neighbors[] | select(.mac == $mac and .ifname == $ifn)] | length == 1' \
		"$TMP/nb.json" >/dev/null; then
	ok "neighbors --json in A lists B ($MACB on $IA)"
else
	notok "neighbors --json in A: B not listed ($(head -c 300 "$TMP/nb.json" "$TMP/nb.err"))"
fi
if jq -e '.neighbors | length == 1' "$TMP/nb.json" >/dev/null 2>&1; then
	ok "neighbors --json in A lists exactly one neighbour"
else
	notok "neighbors --json in A: not exactly one neighbour"
fi
if ip netns exec "$NB" "$CTL" neighbors >"$TMP/nb.txt" 2>&1 &&
	grep -q "^$IB .*$MACA" "$TMP/nb.txt"; then
	ok "neighbors (table) in B lists A"
else
	notok "neighbors (table) in B: A not listed"
	sed 's/^/#   /' "$TMP/nb.txt" >&2
fi

# ---- stats: beacons counted both ways on both ends
stats_ok() { # NS IFACE
	ip netns exec "$1" "$CTL" stats --json >"$TMP/st.json" 2>"$TMP/st.err" &&
		jq -e --arg ifn "$2" \
			'[.interfaces[] | select(.ifname == $ifn and .counters.tx_beacon > 0 and .counters.rx_beacon > 0 and .trickle_interval_ms > 0)] | length == 1' \
			"$TMP/st.json" >/dev/null
}
for ns in A B; do
	if [ $ns = A ]; then n=$NA i=$IA; else n=$NB i=$IB; fi
	if wait_for "$DEADLINE" stats_ok "$n" "$i"; then
		ok "stats --json in $ns: $i has tx_beacon > 0 and rx_beacon > 0"
	else
		notok "stats --json in $ns: no beacon counts on $i ($(head -c 400 "$TMP/st.json" "$TMP/st.err"))"
	fi
done
if ip netns exec "$NA" "$CTL" stats >"$TMP/st.txt" 2>&1 &&
	grep -q "^$IA (ifindex [0-9]*): trickle interval [0-9]* ms" "$TMP/st.txt" &&
	grep -q "drops .*bad_magic" "$TMP/st.txt"; then
	ok "stats (text) in A shows $IA, its interval and drops by reason"
else
	notok "stats (text) in A"
	sed 's/^/#   /' "$TMP/st.txt" >&2
fi

# ---- bad usage
"$CTL" neighbors --bogus >/dev/null 2>"$TMP/use.err"
rc=$?
[ $rc -eq 2 ] && grep -q "^meshupctl: " "$TMP/use.err" &&
	ok "neighbors --bogus: usage error, status 2" ||
	notok "neighbors --bogus: status $rc"

# ---- the module goes away and comes back
"$CTL" monitor --json >"$TMP/mon-r.json" 2>"$TMP/mon-r.err" &
MR=$!
PIDS+=("$MR")
wait_for "$DEADLINE" monitor_ready "$MR" || notok "reload monitor did not start"
if rmmod meshup 2>"$TMP/rmmod.err"; then
	ok "rmmod meshup"
else
	notok "rmmod meshup: $(head -c 200 "$TMP/rmmod.err")"
fi
if ! [ -d /sys/module/meshup ]; then
	out=$("$CTL" neighbors 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne 0 ] && [ "$out" = "meshupctl: meshup kernel module not loaded (no generic netlink family 'meshup')" ]; then
		ok "neighbors without the module: status $rc, '$out'"
	else
		notok "neighbors without the module: status $rc, '$out'"
	fi
	out=$(ip netns exec "$NA" "$CTL" stats --json 2>&1 >/dev/null)
	rc=$?
	[ $rc -ne 0 ] && [[ $out == *"module not loaded"* ]] &&
		ok "stats --json without the module: status $rc" ||
		notok "stats --json without the module: status $rc, '$out'"
	if wait_for "$DEADLINE" has_json_event "$TMP/mon-r.json" module-unloaded; then
		ok "a running monitor reports module-unloaded"
	else
		notok "a running monitor did not report module-unloaded"
	fi
fi
if insmod "$KO" 2>"$TMP/insmod.err"; then
	ok "insmod again"
else
	notok "insmod again: $(head -c 200 "$TMP/insmod.err")"
fi
if wait_for "$DEADLINE" has_json_event "$TMP/mon-r.json" module-loaded; then
	ok "the monitor finds the module again (module-loaded)"
else
	notok "the monitor did not report module-loaded"
	sed 's/^/#   /' "$TMP/mon-r.json" "$TMP/mon-r.err" >&2
fi
if kill -0 "$MR" 2>/dev/null; then
	kill -TERM "$MR"
	wait "$MR"
	rc=$?
	[ $rc -eq 0 ] && ok "reload monitor exits 0 on SIGTERM" ||
		notok "reload monitor exited $rc"
else
	wait "$MR"
	notok "the monitor died across the reload (status $?: $(head -c 200 "$TMP/mon-r.err"))"
fi
PIDS=()
if "$CTL" neighbors --json >/dev/null 2>"$TMP/nb2.err"; then
	ok "neighbors works again after insmod"
else
	notok "neighbors after insmod: $(head -c 200 "$TMP/nb2.err")"
fi

exit $failed
