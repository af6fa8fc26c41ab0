#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One part of the benchmark, in the guest (bench/run boots one guest per
# part, so that a crash costs one figure, not the run).  Appends "key value"
# lines to $VM_RES/results.txt (value "-" + a note line "note-KEY text" when
# a figure could not be measured) and wave data to $VM_RES/wave-*.dat.
#
#   bash bench/guest.sh PART      PART: baselines | latency | link | cut |
#                                       upkeep | scale | smoke
# BENCH_SCALE=small shrinks every size and count (the smoke test).
. "$(dirname "$0")/../tests/mesh/lib.sh"
PART=$1
RES=${VM_RES:-$W}
OUT=$RES/results.txt
MUPARAMS=${MUPARAMS:-$BUILD/bench/muparams}
put() { echo "$1 $2" >>"$OUT"; echo "bench: $1 = $2"; }
miss() { put "$1" -; echo "note-$1 $2" >>"$OUT"; }
say() { echo "bench: $*"; }
stamp() { while IFS= read -r l; do echo "$EPOCHREALTIME $l"; done; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a - b}'; }
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b == 0) print "-"; else printf "%.3f", a / b}'; }
SMALL=0
[ "${BENCH_SCALE:-}" = small ] && SMALL=1

modprobe -a veth sch_netem bridge 2>/dev/null

# nodes without meshupd: namespaces with IPv6 (no DAD) and veth links
mk_ns() { # N
	local i
	for ((i = 0; i < $1; i++)); do
		node_add "n$i" >/dev/null || return 1
		ip netns exec "${NSP}n$i" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 2>/dev/null
	done
}
mk_line() { # N
	local i
	mk_ns "$1" || return 1
	for ((i = 1; i < $1; i++)); do link "n$((i - 1))" "n$i" || return 1; done
}
lladdr() { # node ifname
	ip -n "${NSP}$1" -6 addr show dev "$2" | awk '/fe80/ {sub(/\/.*/, "", $2); print $2; exit}'
}
wait_ll() { # node ifname: until the link-local address is usable
	local k
	for k in $(seq 100); do
		ip -n "${NSP}$1" -6 addr show dev "$2" | grep -q 'fe80.*scope link *$' &&
			! ip -n "${NSP}$1" -6 addr show dev "$2" | grep -q tentative && return 0
		sleep 0.1
	done
	return 1
}

# ---- meshup nodes
load_module() {
	[ -d /sys/module/meshup ] || insmod "$MESHUP_KO" || { say "insmod failed"; return 1; }
}
start_daemons() { # N
	local i
	for ((i = 0; i < $1; i++)); do
		# a FIFO, not process substitution: no /dev/fd in a bare guest
		mkfifo "$W/n$i/log.fifo"
		stamp <"$W/n$i/log.fifo" >"$W/n$i/meshupd.log" &
		ip netns exec "${NSP}n$i" "$MESHUPD" -f -c "$W/n$i/meshupd.conf" 2>"$W/n$i/log.fifo" &
		echo $! >"$W/n$i/pid"
	done
	for ((i = 0; i < $1; i++)); do wait_up "n$i" || return 1; done
}
# first time EVENT (accepted|received|installed|activated) of VERSION on node
ev_time() { # node event version
	awk -v e="$2" -v v="$3" '{ sub(/\/.*/, "", $6); sub(/\/.*/, "", $7) }
		$4 == e && (($5 == "site" && $6 == v) || ($6 == "site" && $7 == v)) { print $1; exit }' \
		"$W/$1/meshupd.log" 2>/dev/null
}
# wait until every listed node logged EVENT for VERSION (timeout s)
wait_event() { # timeout event version nodes...
	local end=$(($(date +%s) + $1)) e=$2 v=$3 n
	shift 3
	for n in "$@"; do
		while [ -z "$(ev_time "$n" "$e" "$v")" ]; do
			[ "$(date +%s)" -ge "$end" ] && return 1
			sleep 0.2
		done
	done
}
mesh_channels() { # max_size
	NODE_CHANNELS=$(printf '[channel site]\nhook = @HOOK@\nmax_size = %s\n' "$1")
	export NODE_CHANNELS
}
# sum of "tx" counters of a node: beacons, all frames
tx_counts() { # node -> "beacons frames"
	ip netns exec "${NSP}$1" "$MESHUPCTL" stats 2>/dev/null |
		awk '/^  tx / { b += $3; f += $3 + $5 + $7 + $9 } END { print b + 0, f + 0 }'
}
rss_kb() { # node VmRSS|VmHWM
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$(cat "$W/$1/pid")/status" 2>/dev/null
}

# ---- baselines -------------------------------------------------------------
part_baselines() {
	local i N t0 t1 f ll sz
	# HTTP chain over 10 hops (and its first hop) with an 8 MiB file
	N=11 sz=8M
	[ $SMALL = 1 ] && N=4 sz=256K
	mk_line $N || return 1
	head -c "$(numfmt --from=iec $sz)" /dev/urandom >"$W/file"
	for ((i = 0; i < N; i++)); do
		mkdir -p "$W/n$i/www"
		ip netns exec "${NSP}n$i" busybox httpd -f -p '[::]:8080' -h "$W/n$i/www" &
		echo $! >"$W/n$i/httpd.pid"
	done
	for ((i = 1; i < N; i++)); do wait_ll "n$((i - 1))" "to-n$i"; wait_ll "n$i" "to-n$((i - 1))"; done
	sleep 1
	: >"$RES/wave-http.dat"
	t0=$EPOCHREALTIME
	cp "$W/file" "$W/n0/www/file"
	for ((i = 1; i < N; i++)); do
		ll=$(lladdr "n$((i - 1))" "to-n$i")
		(
			until [ -f "$W/n$((i - 1))/www/file" ]; do sleep 0.02; done
			ip netns exec "${NSP}n$i" busybox wget -q -O "$W/n$i/www/.part" \
				"http://[$ll%to-n$((i - 1))]:8080/file" &&
				mv "$W/n$i/www/.part" "$W/n$i/www/file"
			echo "$i $(fsub "$EPOCHREALTIME" "$t0")" >>"$RES/wave-http.dat"
		) &
	done
	wait_for 600 test -f "$W/n$((N - 1))/www/file" || { miss http_t10 "HTTP chain did not finish"; }
	sleep 0.5
	if cmp -s "$W/file" "$W/n$((N - 1))/www/file"; then
		t1=$(awk -v n=$((N - 1)) '$1 == n { print $2 }' "$RES/wave-http.dat")
		put http_hops $((N - 1))
		put http_t1 "$(awk '$1 == 1 { print $2 }' "$RES/wave-http.dat")"
		put http_tN "$t1"
	fi
	for ((i = 0; i < N; i++)); do kill "$(cat "$W/n$i/httpd.pid")" 2>/dev/null; done

	# TCP copy of the same file over one veth hop (n0 -> n1)
	ll=$(lladdr n1 to-n0)
	ip netns exec "${NSP}n1" socat -u TCP6-LISTEN:9000,reuseaddr OPEN:"$W/tcp.out",creat,trunc &
	f=$!
	sleep 1
	t0=$EPOCHREALTIME
	ip netns exec "${NSP}n0" socat -u OPEN:"$W/file" "TCP6:[$ll%to-n1]:9000"
	wait "$f"
	t1=$EPOCHREALTIME
	if cmp -s "$W/file" "$W/tcp.out"; then
		put tcp_bytes "$(stat -c %s "$W/file")"
		put tcp_t "$(fsub "$t1" "$t0")"
	else
		miss tcp_t "TCP copy incomplete"
	fi
	cleanup_nodes

	# alfred (master on every node) over batman-adv on a line, 4 KiB
	# (not in the smoke: alfred syncs every 10 s, too slow for it)
	[ $SMALL = 1 ] && return 0
	N=21 alimit=300
	modprobe batman-adv || { miss alfred_t "no batman-adv module"; return 0; }
	mk_line $N || return 1
	for ((i = 0; i < N; i++)); do
		ip -n "${NSP}n$i" link add bat0 type batadv || { miss alfred_t "cannot create bat0"; return 0; }
		for f in $(ip -n "${NSP}n$i" -o link show | awk -F': ' '$2 ~ /^to-/ {sub(/@.*/, "", $2); print $2}'); do
			ip -n "${NSP}n$i" link set "$f" master bat0
		done
		ip -n "${NSP}n$i" link set bat0 up
	done
	for ((i = 0; i < N; i++)); do wait_ll "n$i" bat0; done
	for ((i = 0; i < N; i++)); do
		ip netns exec "${NSP}n$i" alfred -m -i bat0 -u "$W/n$i/alfred.sock" >"$W/n$i/alfred.log" 2>&1 &
		echo $! >"$W/n$i/alfred.pid"
	done
	# let batman-adv learn every originator first (a fair, warm start)
	t0=$(date +%s)
	while [ "$(ip netns exec "${NSP}n0" batctl meshif bat0 originators 2>/dev/null | grep -c ' \* ')" -lt $((N - 1)) ]; do
		[ $(($(date +%s) - t0)) -gt 240 ] && break
		sleep 1
	done
	put alfred_warmup_s $(($(date +%s) - t0))
	sleep 12	# one alfred announcement round: every master knows the others
	head -c 4096 /dev/urandom | base64 -w0 | head -c 4096 >"$W/alfred.data"
	t0=$EPOCHREALTIME
	ip netns exec "${NSP}n0" alfred -s 65 -u "$W/n0/alfred.sock" <"$W/alfred.data"
	f=$((N - 1))
	while ! ip netns exec "${NSP}n$f" alfred -r 65 -u "$W/n$f/alfred.sock" 2>/dev/null | grep -q "$(head -c 32 "$W/alfred.data")"; do
		if [ "$(fsub "$EPOCHREALTIME" "$t0" | cut -d. -f1)" -gt "$alimit" ]; then
			miss alfred_t "alfred data did not reach n$f within $alimit s"
			break
		fi
		sleep 0.5
	done
	t1=$EPOCHREALTIME
	if ! grep -q '^alfred_t ' "$OUT"; then
		put alfred_hops $((N - 1))
		put alfred_t "$(fsub "$t1" "$t0")"
	fi
	for ((i = 0; i < N; i++)); do kill "$(cat "$W/n$i/alfred.pid")" 2>/dev/null; done
	cleanup_nodes

	# the same from a cold start: the clock starts when bat0 comes up
	mk_line $N || return 1
	t0=$EPOCHREALTIME
	for ((i = 0; i < N; i++)); do
		ip -n "${NSP}n$i" link add bat0 type batadv
		for f in $(ip -n "${NSP}n$i" -o link show | awk -F': ' '$2 ~ /^to-/ {sub(/@.*/, "", $2); print $2}'); do
			ip -n "${NSP}n$i" link set "$f" master bat0
		done
		ip -n "${NSP}n$i" link set bat0 up
	done
	for ((i = 0; i < N; i++)); do wait_ll "n$i" bat0; done
	for ((i = 0; i < N; i++)); do
		ip netns exec "${NSP}n$i" alfred -m -i bat0 -u "$W/n$i/alfred.sock" >"$W/n$i/alfred.log" 2>&1 &
		echo $! >"$W/n$i/alfred.pid"
	done
	wait_for 30 test -S "$W/n0/alfred.sock"
	until ip netns exec "${NSP}n0" alfred -s 65 -u "$W/n0/alfred.sock" <"$W/alfred.data" 2>/dev/null; do sleep 0.2; done
	f=$((N - 1))
	while ! ip netns exec "${NSP}n$f" alfred -r 65 -u "$W/n$f/alfred.sock" 2>/dev/null | grep -q "$(head -c 32 "$W/alfred.data")"; do
		if [ "$(fsub "$EPOCHREALTIME" "$t0" | cut -d. -f1)" -gt "$alimit" ]; then
			miss alfred_cold_t "alfred data (cold start) did not reach n$f within $alimit s"
			break
		fi
		sleep 0.5
	done
	t1=$EPOCHREALTIME
	grep -q '^alfred_cold_t ' "$OUT" || put alfred_cold_t "$(fsub "$t1" "$t0")"
	for ((i = 0; i < N; i++)); do kill "$(cat "$W/n$i/alfred.pid")" 2>/dev/null; done
	cleanup_nodes
}

cleanup_nodes() {
	local n
	for n in "${NODES[@]}"; do node_stop "$n" 2>/dev/null; done
	for n in "${NODES[@]}"; do ip netns del "$NSP$n" 2>/dev/null; done
	NODES=()
	LINKS=0
	rm -rf "${W:?}"/n*
	sleep 0.5
}

# inject SIZE on n0 of a line of N nodes, wait for every node to activate;
# prints per node "hop seconds" into FILE; the figures go to KEY_*
run_line() { # key nodes bytes timeout [wavefile]
	local key=$1 N=$2 bytes=$3 to=$4 wave=${5:-} i t0 t
	mesh_channels 16M
	mk_line "$N" || return 1
	load_module || return 1
	start_daemons "$N" || { miss "${key}_t" "daemons did not start"; return 1; }
	head -c "$bytes" /dev/urandom >"$W/payload"
	sign "$W/b.mub" site 1.0.1 "$W/payload" || { miss "${key}_t" "sign failed"; return 1; }
	sleep 2
	put "${key}_rss_idle_kb" "$(rss_kb n1 VmRSS)"
	t0=$EPOCHREALTIME
	inject n0 "$W/b.mub" >/dev/null || { miss "${key}_t" "inject failed"; return 1; }
	(	# progress on the console, for the eye: the far end's transfer
		while sleep 10; do
			echo "bench:   $key +$(fsub "$EPOCHREALTIME" "$t0") s: n$((N - 1)) $(q "n$((N - 1))" \
				"[(t['blocks'], t['of'], t['state']) for t in ch('site').get('transfers', [])] or v(ch('site').get('newest'))")"
		done
	) &
	local prog=$!
	if ! wait_event "$to" activated 1.0.1 $(printf 'n%d ' $(seq 0 $((N - 1)))); then
		kill $prog
		miss "${key}_t" "not every node activated within $to s; n$((N - 1)): $(grep -E 'warning|error' "$W/n$((N - 1))/meshupd.log" | tail -n 1 | cut -d' ' -f2- | cut -c1-150)"
		for i in 0 1 $((N - 1)); do
			echo "bench: ---- n$i meshupd log (last lines)"
			tail -n 8 "$W/n$i/meshupd.log" | cut -c1-160
		done
		return 1
	fi
	kill $prog
	for ((i = 1; i < N; i++)); do
		t=$(ev_time "n$i" received 1.0.1)
		[ -n "$wave" ] && echo "$i $(fsub "$t" "$t0")" >>"$wave"
	done
	put "${key}_hops" $((N - 1))
	put "${key}_bytes" "$bytes"
	put "${key}_t1" "$(fsub "$(ev_time n1 received 1.0.1)" "$t0")"
	put "${key}_t" "$(fsub "$(ev_time "n$((N - 1))" received 1.0.1)" "$t0")"
	put "${key}_tact" "$(fsub "$(ev_time "n$((N - 1))" activated 1.0.1)" "$t0")"
	put "${key}_rss_hwm_kb" "$(rss_kb n1 VmHWM)"
	cmp -s "$W/payload" "$(ls "$W/n$((N - 1))"/state/*.payload | head -n1)" ||
		miss "${key}_exact" "payload at the far end differs"
	return 0
}

part_latency() {
	local N=21
	[ $SMALL = 1 ] && N=4
	run_line lat "$N" 4096 400
	cleanup_nodes
}
part_link() {
	local b=8388608
	[ $SMALL = 1 ] && b=262144
	run_line link 2 $b 400
	cleanup_nodes
}
part_cut() {
	local N=11 b=8388608
	[ $SMALL = 1 ] && N=4 b=262144
	: >"$RES/wave-meshup.dat"
	run_line cut "$N" $b 700 "$RES/wave-meshup.dat"
	cleanup_nodes
}

# beacons per node per Trickle interval at steady state
upkeep() { # key topology(line|bridge) N imin doublings k seconds
	local key=$1 topo=$2 N=$3 imin=$4 dbl=$5 k=$6 secs=$7 i b0 b1 s0 s1 t0 t1
	mk_ns "$N" || return 1
	if [ "$topo" = line ]; then
		for ((i = 1; i < N; i++)); do link "n$((i - 1))" "n$i" || return 1; done
	else
		ip netns add "${NSP}br"
		ip -n "${NSP}br" link add br0 type bridge
		ip -n "${NSP}br" link set br0 up
		for ((i = 0; i < N; i++)); do
			ip link add "mub$$y$i" type veth peer name "mup$$y$i"
			ip link set "mub$$y$i" netns "${NSP}n$i" name to-br
			ip link set "mup$$y$i" netns "${NSP}br" name "p$i"
			ip -n "${NSP}br" link set "p$i" master br0
			ip -n "${NSP}br" link set "p$i" up
			ip -n "${NSP}n$i" link set to-br up
		done
	fi
	load_module || return 1
	for ((i = 0; i < N; i++)); do
		ip netns exec "${NSP}n$i" "$MUPARAMS" "$imin" "$dbl" "$k" ||
			{ miss "${key}_per_int" "cannot set Trickle parameters"; return 1; }
	done
	start_daemons "$N" || { miss "${key}_per_int" "daemons did not start"; return 1; }
	# reach steady state: a few Imax after the last change
	if [ $SMALL = 1 ]; then sleep 2; else sleep $(((imin << dbl) * 4 / 1000 + 5)); fi
	s0=0
	for ((i = 0; i < N; i++)); do set -- $(tx_counts "n$i"); s0=$((s0 + $1)); done
	t0=$EPOCHREALTIME
	sleep "$secs"
	s1=0
	for ((i = 0; i < N; i++)); do set -- $(tx_counts "n$i"); s1=$((s1 + $1)); done
	t1=$EPOCHREALTIME
	put "${key}_n" "$N"
	put "${key}_beacons" $((s1 - s0))
	put "${key}_seconds" "$(fsub "$t1" "$t0")"
	put "${key}_imax_ms" $((imin << dbl))
	# intervals elapsed at Imax, beacons per node per interval
	put "${key}_per_int" "$(awk -v b=$((s1 - s0)) -v n="$N" -v t="$(fsub "$t1" "$t0")" \
		-v i=$((imin << dbl)) 'BEGIN { printf "%.3f", b / n / (t * 1000 / i) }')"
	[ "$topo" = bridge ] && ip netns del "${NSP}br"
	return 0
}
part_upkeep() {
	local N=20 secs=60
	[ $SMALL = 1 ] && N=3 secs=3
	# Imin 10 ms, Imax = 10 ms << 6 = 640 ms, k = 2 (the default k)
	upkeep up_line line $N 10 6 2 $secs
	cleanup_nodes
	upkeep up_bridge bridge $N 10 6 2 $secs
	cleanup_nodes
}

part_scale() {
	local C=10 N i j t0 bytes=262144 sum=0 f
	[ $SMALL = 1 ] && C=2
	N=$((C * C))
	mesh_channels 16M
	mk_ns $N || return 1
	for ((i = 0; i < N; i++)); do
		[ $((i % C)) -gt 0 ] && { link "n$((i - 1))" "n$i" || return 1; }
		[ $i -ge $C ] && { link "n$((i - C))" "n$i" || return 1; }
	done
	load_module || return 1
	start_daemons $N || { miss scale_t "daemons did not start"; return 1; }
	head -c $bytes /dev/urandom >"$W/payload"
	sign "$W/b.mub" site 1.0.1 "$W/payload"
	sleep 5
	for ((i = 0; i < N; i++)); do set -- $(tx_counts "n$i"); sum=$((sum - $2)); done
	t0=$EPOCHREALTIME
	inject n0 "$W/b.mub" >/dev/null || { miss scale_t "inject failed"; return 1; }
	if ! wait_event 900 activated 1.0.1 $(printf 'n%d ' $(seq 0 $((N - 1)))); then
		miss scale_t "not every node activated within 900 s"
		return 1
	fi
	f=0
	for ((i = 0; i < N; i++)); do
		t=$(ev_time "n$i" activated 1.0.1)
		f=$(awk -v a="$f" -v b="$t" 'BEGIN { print (b > a) ? b : a }')
	done
	for ((i = 0; i < N; i++)); do set -- $(tx_counts "n$i"); sum=$((sum + $2)); done
	put scale_nodes $N
	put scale_t "$(fsub "$f" "$t0")"
	put scale_frames_per_node "$(fdiv $sum $N)"
	cleanup_nodes
}

: >>"$OUT"
case $PART in
baselines) part_baselines ;;
latency) part_latency ;;
link) part_link ;;
cut) part_cut ;;
upkeep) part_upkeep ;;
scale) part_scale ;;
*) say "unknown part $PART"; exit 2 ;;
esac
say "part $PART done"
exit 0
