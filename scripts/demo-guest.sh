#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, in the guest (started by scripts/demo through bench/vm.sh; also
# runs on any machine with the module loaded or loadable, as root).
# Environment: DEMO_NODES, DEMO_TOPO (tree|line|grid|star), DEMO_SIZE,
# DEMO_LOSS, DEMO_TIMEOUT, DEMO_VERSION, VM_TTY (1: redraw with ANSI).
# Uses the node helpers of tests/mesh/lib.sh; the view and the final table
# are scripts/demo-view.py.
. "$(dirname "$0")/../tests/mesh/lib.sh"
N=${DEMO_NODES:-12} TOPO=${DEMO_TOPO:-tree} SIZE=${DEMO_SIZE:-256K}
LOSS=${DEMO_LOSS:-0} VERSION=${DEMO_VERSION:-1.0.1} TIMEOUT=${DEMO_TIMEOUT:-300}
say() { echo "demo: $*"; }

modprobe -a veth sch_netem 2>/dev/null
if [ ! -d /sys/module/meshup ]; then
	insmod "$MESHUP_KO" || { say "cannot load $MESHUP_KO"; exit 1; }
fi

# ---- topology: EDGES holds "a b" pairs of node numbers
EDGES=()
case $TOPO in
line)
	for ((i = 1; i < N; i++)); do EDGES+=("$((i - 1)) $i"); done
	;;
star)
	for ((i = 1; i < N; i++)); do EDGES+=("0 $i"); done
	;;
grid)
	C=$(awk -v n="$N" 'BEGIN{c=int(sqrt(n)); if (c*c<n) c++; print c}')
	for ((i = 0; i < N; i++)); do
		[ $((i % C)) -gt 0 ] && EDGES+=("$((i - 1)) $i")
		[ "$i" -ge "$C" ] && EDGES+=("$((i - C)) $i")
	done
	;;
tree)
	# a line (spine) of two thirds of the nodes; the rest hang off it in
	# branches of two nodes, at spine nodes 2, 4, 6, ...
	S=$((N - N / 3))
	for ((i = 1; i < S; i++)); do EDGES+=("$((i - 1)) $i"); done
	b=0
	for ((i = S; i < N; i += 2)); do
		at=$(((2 + 2 * b) % (S - 1)))
		EDGES+=("$at $i")
		[ $((i + 1)) -lt "$N" ] && EDGES+=("$i $((i + 1))")
		b=$((b + 1))
	done
	;;
esac

# ---- nodes: namespace, config, daemon; daemon and monitor output time-stamped
say "$N nodes ($TOPO, ${#EDGES[@]} veth links), bundle of $SIZE, loss ${LOSS}%"
stamp() { while IFS= read -r l; do echo "$EPOCHREALTIME $l"; done; }
bytes=$(numfmt --from=iec "$SIZE")
# the channel's size limit: the payload, rounded up to MiB (at least 1M)
NODE_CHANNELS=$(printf '[channel site]\nhook = @HOOK@\nmax_size = %dM\n' $(((bytes + 1048575) / 1048576)))
for ((i = 0; i < N; i++)); do
	node_add "n$i" clock=unsynced >/dev/null || { say "node n$i failed"; exit 1; }
	rm -f "$W/n$i/keys/"*.pem
done
: >"$W/edges"
for e in "${EDGES[@]}"; do
	set -- $e
	link "n$1" "n$2" || { say "link n$1-n$2 failed"; exit 1; }
	echo "$1 $2" >>"$W/edges"
	if [ "$LOSS" != 0 ]; then
		tc -n "${NSP}n$1" qdisc add dev "to-n$2" root netem loss "$LOSS%"
		tc -n "${NSP}n$2" qdisc add dev "to-n$1" root netem loss "$LOSS%"
	fi
done

say "generating a signing key"
"$MESHUPCTL" keygen --out "$W/demo.pem" | sed 's/^/demo:   key id /'
for ((i = 0; i < N; i++)); do cp "$W/demo.pub.pem" "$W/n$i/keys/"; done

MON=()
for ((i = 0; i < N; i++)); do
	# FIFOs, not process substitution: no /dev/fd in a bare guest
	mkfifo "$W/n$i/log.fifo" "$W/n$i/mon.fifo"
	stamp <"$W/n$i/log.fifo" >"$W/n$i/meshupd.log" &
	stamp <"$W/n$i/mon.fifo" >"$W/n$i/monitor.log" &
	ip netns exec "${NSP}n$i" "$MESHUPD" -f -c "$W/n$i/meshupd.conf" 2>"$W/n$i/log.fifo" &
	echo $! >"$W/n$i/pid"
	ip netns exec "${NSP}n$i" "$MESHUPCTL" monitor >"$W/n$i/mon.fifo" 2>&1 &
	MON+=($!)
done
stop_monitors() { local p; for p in "${MON[@]}"; do kill "$p" 2>/dev/null; done; }
trap 'stop_monitors; cleanup' EXIT
wait_up $(printf 'n%d ' $(seq 0 $((N - 1)))) || { say "daemons did not come up"; exit 1; }

say "signing a $bytes-byte payload as channel site, version $VERSION"
head -c "$bytes" /dev/urandom >"$W/payload"
"$MESHUPCTL" sign --key "$W/demo.pem" --channel site --version "$VERSION" \
	--payload "$W/payload" --out "$W/site.mub" || exit 1
"$MESHUPCTL" inspect "$W/site.mub" | sed 's/^/demo:   /'
# let the neighbours find each other before the clock starts
sleep 2

"$PY" "$TOP/scripts/demo-view.py" --dir "$W" --nodes "$N" --version "$VERSION" \
	--timeout "$TIMEOUT" --topology "$TOPO" --size "$bytes" --loss "$LOSS" \
	--tty "${VM_TTY:-0}" --columns "${COLUMNS:-80}" &
view=$!
while [ ! -f "$W/view.ready" ]; do sleep 0.1; done
echo "$EPOCHREALTIME" >"$W/t0"
ctl n0 inject "$W/site.mub" >"$W/inject.out" 2>&1 || { say "inject failed: $(cat "$W/inject.out")"; }
wait "$view"
rc=$?
[ $rc = 0 ] || FAILS=1
if [ -n "${VM_RES:-}" ]; then
	for ((i = 0; i < N; i++)); do
		cp "$W/n$i/meshupd.log" "$VM_RES/n$i-meshupd.log"
		cp "$W/n$i/monitor.log" "$VM_RES/n$i-monitor.log"
	done
fi
exit $rc
