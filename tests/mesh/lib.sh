# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the propagation tests tests/mesh/2*.sh and 3*.sh
# (sourced, not run: it has no "ok" lines of its own).
#
# Contract (Documentation/testing.rst): run as root in the QEMU guest with
# cwd = repo root and MESHUP_TOP, MESHUP_BUILD, MESHUP_KO set; the module is
# loaded. Every namespace made here is deleted on exit (trap).
#
# A node is a network namespace "mu<PID>-<name>" with its own meshupd, config,
# state, staging, control socket and hook log under $W/<name>/. Every hook
# run appends "<node> <channel> <version> <reason> <unix time.ns>" to
# $W/hooks.log (and the node's own hook.log).

set -u
TOP=${MESHUP_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${MESHUP_BUILD:-$TOP/build}
MESHUPD=$BUILD/meshupd
MESHUPCTL=$BUILD/meshupctl
VEC=$TOP/../shared/spec/vectors
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
W=$(mktemp -d /tmp/meshup-mesh.XXXXXX)
NSP="mu$$-"
NODES=()
FAILS=0
LINKS=0
LINK_PAIRS=()	# "A B" for each link, in the order made

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; FAILS=$((FAILS + 1)); }
note() { echo "# $*"; }
check() { # name cmd... : ok if the command succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}
# now_ms: the wall clock in ms, without starting a process
now_ms() {
	local t=${EPOCHREALTIME//[!0-9]/}
	echo "${t%???}"
}

cleanup() {
	local n
	# signal every daemon first so they exit side by side, then reap each
	for n in "${NODES[@]}"; do
		[ -f "$W/$n/pid" ] && kill "$(cat "$W/$n/pid")" 2>/dev/null
	done
	for n in "${NODES[@]}"; do
		node_stop "$n" 2>/dev/null
	done
	# one ip process for all (processes start slowly in the guest)
	for n in "${NODES[@]}"; do
		echo "netns del $NSP$n"
	done | ip -force -batch - 2>/dev/null
	if [ "${KEEP:-0}" = 1 ] || [ "$FAILS" -gt 0 ]; then
		# keep the daemon logs in the test log for diagnosis
		for n in "${NODES[@]}"; do
			echo "----- meshupd log of $n" >&2
			tail -n 60 "$W/$n/meshupd.log" >&2 2>/dev/null
			# whole logs beside the results with KEEP=1 (in the guest)
			[ "${KEEP:-0}" = 1 ] && [ -d "${MESHUP_RESULTS:-}" ] &&
				cp "$W/$n/meshupd.log" "$MESHUP_RESULTS/$(basename "$0" .sh)-$n.meshupd.log" 2>/dev/null
		done
	fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# node_add NAME [config lines for [meshupd]...]: namespace + directories +
# default config (channels "site" and "fw", both test keys trusted).
# Channel sections can be replaced with NODE_CHANNELS (raw INI text).
node_add() {
	local n=$1 d=$W/$1
	shift
	mkdir -p "$d/keys" "$d/hooks"
	cp "$VEC/test-key.pub.pem" "$VEC/test-key2.pub.pem" "$d/keys/"
	ip netns add "$NSP$n" || return 1
	ip -n "$NSP$n" link set lo up
	cat >"$d/hooks/hook" <<EOF
#!/bin/sh
line="$n \$MESHUP_CHANNEL \$MESHUP_VERSION \$MESHUP_REASON \$(date +%s.%N) \$MESHUP_PAYLOAD"
echo "\$line" >>"$d/hook.log"
echo "\$line" >>"$W/hooks.log"
[ -f "\$MESHUP_PAYLOAD" ] || exit 3
exit \${HOOK_EXIT:-0}
EOF
	chmod 755 "$d/hooks/hook"
	{
		echo "[meshupd]"
		echo "state_dir = $d/state"
		echo "staging_dir = $d/staging"
		echo "keys_dir = $d/keys"
		echo "control_socket = $d/sock"
		local l
		for l in "$@"; do echo "$l"; done
		echo
		if [ -n "${NODE_CHANNELS:-}" ]; then
			printf '%s\n' "$NODE_CHANNELS" | sed "s|@HOOK@|$d/hooks/hook|g"
		else
			printf '[channel site]\nhook = %s\nmax_size = 1M\n\n' "$d/hooks/hook"
			printf '[channel fw]\nhook = %s\nmax_size = 1M\n' "$d/hooks/hook"
		fi
	} >"$d/meshupd.conf"
	NODES+=("$n")
}

# nodes_add NAME... [-- CONFIG LINE...]: node_add for many nodes with the
# same [meshupd] lines, in three processes in all instead of six per node
# (a process start costs about a second on the debug kernel). Their
# loopback is brought up by "links", not here.
nodes_add() {
	local names=() conf=() n d k1 k2 dirs=() hooks=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do names+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	conf=("$@")
	for n in "${names[@]}"; do dirs+=("$W/$n/keys" "$W/$n/hooks"); done
	mkdir -p "${dirs[@]}" || return 1
	k1=$(<"$VEC/test-key.pub.pem")
	k2=$(<"$VEC/test-key2.pub.pem")
	for n in "${names[@]}"; do
		d=$W/$n
		printf '%s\n' "$k1" >"$d/keys/test-key.pub.pem"
		printf '%s\n' "$k2" >"$d/keys/test-key2.pub.pem"
		_node_hook "$n" >"$d/hooks/hook"
		hooks+=("$d/hooks/hook")
		_node_conf "$n" "${conf[@]}" >"$d/meshupd.conf"
		echo "netns add $NSP$n"
	done >"$W/netns.batch"
	chmod 755 "${hooks[@]}" || return 1
	ip -batch "$W/netns.batch" || return 1
	NODES+=("${names[@]}")
}

# _node_hook NAME / _node_conf NAME [lines...]: the hook script and config
# file of a node made by nodes_add, on stdout (shell builtins only)
_node_hook() {
	local n=$1 d=$W/$1
	printf '%s\n' '#!/bin/sh' \
		"line=\"$n \$MESHUP_CHANNEL \$MESHUP_VERSION \$MESHUP_REASON \$(date +%s.%N) \$MESHUP_PAYLOAD\"" \
		"echo \"\$line\" >>\"$d/hook.log\"" \
		"echo \"\$line\" >>\"$W/hooks.log\"" \
		'[ -f "$MESHUP_PAYLOAD" ] || exit 3' \
		'exit ${HOOK_EXIT:-0}'
}
_node_conf() {
	local n=$1 d=$W/$1 l
	shift
	printf '%s\n' "[meshupd]" "state_dir = $d/state" "staging_dir = $d/staging" \
		"keys_dir = $d/keys" "control_socket = $d/sock"
	for l in "$@"; do echo "$l"; done
	echo
	printf '[channel site]\nhook = %s\nmax_size = 1M\n\n' "$d/hooks/hook"
	printf '[channel fw]\nhook = %s\nmax_size = 1M\n' "$d/hooks/hook"
}

# link A B: a veth pair between two nodes
link() {
	local a=$1 b=$2 i=$LINKS
	LINKS=$((LINKS + 1))
	LINK_PAIRS+=("$a $b")
	ip link add "mua$$x$i" type veth peer name "mub$$x$i" || return 1
	ip link set "mua$$x$i" netns "$NSP$a" name "to-$b"
	ip link set "mub$$x$i" netns "$NSP$b" name "to-$a"
	ip -n "$NSP$a" link set "to-$b" up
	ip -n "$NSP$b" link set "to-$a" up
}

# links "A B" "C D"...: the same as "link A B; link C D; ...", in one ip
# process for all the pairs and one per node to bring its ends up
links() {
	local p a b n f=$W/links.batch
	: >"$f"
	for n in "${NODES[@]}"; do echo "link set lo up" >"$W/$n/up.batch"; done
	for p in "$@"; do
		a=${p% *}
		b=${p#* }
		LINKS=$((LINKS + 1))
		LINK_PAIRS+=("$p")
		echo "link add to-$b netns $NSP$a type veth peer name to-$a netns $NSP$b" >>"$f"
		echo "link set to-$b up" >>"$W/$a/up.batch"
		echo "link set to-$a up" >>"$W/$b/up.batch"
	done
	ip -batch "$f" || return 1
	for n in "${NODES[@]}"; do
		ip -n "$NSP$n" -batch "$W/$n/up.batch" || return 1
	done
}

# node_start NAME [ENV=VALUE...]: start its meshupd (foreground, logging)
node_start() {
	local n=$1
	shift
	if [ $# -gt 0 ]; then
		ip netns exec "$NSP$n" env "$@" "$MESHUPD" -f -v -c "$W/$n/meshupd.conf" \
			>>"$W/$n/meshupd.log" 2>&1 &
	else	# one process start less (they are slow in the guest)
		ip netns exec "$NSP$n" "$MESHUPD" -f -v -c "$W/$n/meshupd.conf" \
			>>"$W/$n/meshupd.log" 2>&1 &
	fi
	echo $! >"$W/$n/pid"
}

node_stop() {
	local p
	[ -f "$W/$1/pid" ] || return 0
	p=$(cat "$W/$1/pid")
	kill "$p" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	rm -f "$W/$1/pid"
}

ctl() { # node subcommand args...
	local n=$1 c=$2
	shift 2
	ip netns exec "$NSP$n" "$MESHUPCTL" "$c" --socket "$W/$n/sock" "$@"
}

inject() { ctl "$1" inject "$2"; }

# q NODE EXPR: evaluate a Python expression over the status JSON (as "s"),
# print the result; helpers: ch(name) -> channel dict, v(b) -> version or "-"
q() {
	ctl "$1" status --json 2>/dev/null | "$PY" -c '
import json, sys
try:
    s = json.load(sys.stdin)
except Exception:
    print("-"); sys.exit(0)
def ch(n):
    for c in s["channels"]:
        if c["name"] == n: return c
    return {}
def v(b): return b["version"] if b else "-"
print(eval(sys.argv[1]))' "$2"
}

active() { q "$1" "v(ch('$2').get('active'))"; }
newest() { q "$1" "v(ch('$2').get('newest'))"; }
fallback() { q "$1" "v(ch('$2').get('fallback'))"; }
held() { q "$1" "ch('$2').get('held', 0)"; }

# wait_up NODE...: until each control socket answers (30 s). The socket is
# a path, reachable from any namespace: no "ip netns exec" needed.
wait_up() {
	local n
	for n in "$@"; do
		wait_for 30 "$MESHUPCTL" status --socket "$W/$n/sock" >/dev/null || return 1
	done
}

# wait_for SECONDS cmd...: poll every 0.2 s until cmd succeeds
wait_for() {
	local end=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

# all_active CHANNEL VERSION: every node has VERSION active on CHANNEL (its
# daemon's status says so; one python for all the nodes)
all_active() {
	local n
	for n in "${NODES[@]}"; do
		"$MESHUPCTL" status --json --socket "$W/$n/sock" 2>/dev/null | tr -d '\n'
		echo
	done | "$PY" -c '
import json, sys
want_ch, want_v, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seen = 0
for line in sys.stdin:
    seen += 1
    try:
        s = json.loads(line)
    except ValueError:
        sys.exit(1)
    a = [c.get("active") for c in s["channels"] if c["name"] == want_ch]
    if not a or not a[0] or a[0]["version"] != want_v:
        sys.exit(1)
sys.exit(seen != n)' "$1" "$2" "${#NODES[@]}"
}

# hooks NODE CHANNEL VERSION REASON: number of hook runs recorded
hooks() {
	grep -c "^$1 $2 $3 $4 " "$W/hooks.log" 2>/dev/null || true
}

# mkpayload FILE BYTES: deterministic pseudo-random payload
mkpayload() {
	head -c "$2" /dev/urandom >"$1"
}

# sign OUT CHANNEL VERSION PAYLOAD [--start T] [--end T] [--key K]...
sign() {
	local out=$1 ch=$2 ver=$3 pl=$4
	shift 4
	local key=$VEC/test-key.pem
	if [ "${1:-}" = --key ]; then key=$2; shift 2; fi
	"$MESHUPCTL" sign --key "$key" --channel "$ch" --version "$ver" \
		--payload "$pl" --out "$out" "$@" >/dev/null
}

# summary: exit status for the script
finish() {
	[ "$FAILS" -eq 0 ]
	exit $?
}

# elapsed T_S T0_MS: ms from T0_MS (now_ms) to T_S (seconds, as in hooks.log)
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", a * 1000 - b }'; }

# mac_of NODE IFACE: the MAC of one of the node's interfaces
mac_of() { ip -n "$NSP$1" -o link show "$2" | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'; }

# holds_payload NODE FILE: one of the node's stored payloads is FILE
holds_payload() {
	local f
	for f in "$W/$1"/state/*.payload; do
		cmp -s "$2" "$f" && return 0
	done
	return 1
}

# hooked_all CHANNEL VERSION REASON: every node ran its hook for it (cheap:
# reads the shared hook log, no daemon round trip)
hooked_all() {
	[ -f "$W/hooks.log" ] || return 1
	awk -v nodes="${NODES[*]}" -v c="$1" -v v="$2" -v r="$3" '
		BEGIN { split(nodes, l); for (i in l) want[l[i]] = 1 }
		$2 == c && $3 == v && $4 == r { delete want[$1] }
		END { for (n in want) exit 1 }' "$W/hooks.log"
}

# last_hook_time CHANNEL VERSION REASON: latest hook time (s.ns) over nodes
last_hook_time() {
	awk -v c="$1" -v v="$2" -v r="$3" '$2 == c && $3 == v && $4 == r { if ($5 > m) m = $5 } END { print m }' "$W/hooks.log"
}
first_hook_time() {
	awk -v c="$1" -v v="$2" -v r="$3" '$2 == c && $3 == v && $4 == r { if (m == "" || $5 < m) m = $5 } END { print m }' "$W/hooks.log"
}

# exactly_once CHANNEL VERSION REASON: each node ran the hook exactly once
exactly_once() {
	local hl=$W/hooks.log
	[ -f "$hl" ] || hl=/dev/null
	printf '%s\n' "${NODES[@]}" | awk -v c="$1" -v v="$2" -v r="$3" '
		NR == FNR { want[$1] = 1; next }
		$2 == c && $3 == v && $4 == r { ran[$1]++ }
		END {
			bad = 0
			for (n in want)
				if (ran[n] != 1) {
					printf "# %s ran the hook %d times for %s %s %s\n", n, ran[n], c, v, r > "/dev/stderr"
					bad = 1
				}
			exit bad
		}' - "$hl"
}

# eq WANT cmd...: the command prints exactly WANT
eq() {
	local want=$1
	shift
	[ "$("$@")" = "$want" ]
}

# lag_notes CHANNEL VERSION REASON T0 LABEL: one "# " line with each node's
# hook time relative to T0 (Unix seconds), in ms
lag_notes() {
	awk -v c="$1" -v v="$2" -v r="$3" -v t0="$4" -v l="$5" '
		$2 == c && $3 == v && $4 == r { s = s sprintf(" %s %+d", $1, ($5 - t0) * 1000) }
		END { print "# " l ":" s " (ms)" }' "$W/hooks.log"
}

# digest_of B.mub: the bundle's full digest (hex), as the state files name it
digest_of() {
	"$MESHUPCTL" inspect "$1" 2>/dev/null | awk '$1 == "digest:" { print $2 }'
}

# payload_exact NODE PAYLOAD B.mub: NODE stores B.mub's payload byte for byte
payload_exact() {
	cmp -s "$2" "$W/$1/state/$(digest_of "$3").payload"
}

# ms_between T0_MS T1_S: T1 (Unix seconds, may have decimals) - T0 (ms), in ms
ms_between() {
	awk -v a="$2" -v b="$1" 'BEGIN { printf "%d", a * 1000 - b }'
}

# netem_set A B ARGS...: replace the root qdisc of A's end of the A-B link
# with netem ARGS (one direction; "netem_del A B" removes it)
netem_set() {
	local a=$1 b=$2
	shift 2
	ip netns exec "$NSP$a" tc qdisc replace dev "to-$b" root netem "$@"
}
netem_del() {
	ip netns exec "$NSP$1" tc qdisc del dev "to-$2" root 2>/dev/null
	return 0
}

# netem_links ARGS...: netem ARGS on every link made so far, both directions
# (one tc process per node: processes are slow to start in the guest)
netem_links() {
	local p a b n rc=0
	for n in "${NODES[@]}"; do : >"$W/$n/tc.batch"; done
	for p in "${LINK_PAIRS[@]}"; do
		a=${p% *}
		b=${p#* }
		echo "qdisc replace dev to-$b root netem $*" >>"$W/$a/tc.batch"
		echo "qdisc replace dev to-$a root netem $*" >>"$W/$b/tc.batch"
	done
	for n in "${NODES[@]}"; do
		[ -s "$W/$n/tc.batch" ] || continue
		tc -n "$NSP$n" -batch "$W/$n/tc.batch" || rc=1
	done
	return $rc
}

# link_cut A B / link_heal A B: the A-B link drops every frame both ways (netem loss
# 100%: the interfaces stay up, neighbours just fall silent) / carries again
link_cut() { netem_set "$1" "$2" loss 100% && netem_set "$2" "$1" loss 100%; }
link_heal() { netem_del "$1" "$2"; netem_del "$2" "$1"; }

# spread NODE B.mub CHANNEL VERSION DEADLINE: inject at NODE, wait until every
# node ran its activate hook for VERSION; sets SPREAD_MS (inject to the last
# hook, ms) and returns 0, or returns 1 after DEADLINE seconds
spread() {
	local t0
	SPREAD_MS=
	t0=$(now_ms)
	inject "$1" "$2" >/dev/null || return 1
	wait_for "$5" hooked_all "$3" "$4" activate || return 1
	SPREAD_MS=$(ms_between "$t0" "$(last_hook_time "$3" "$4" activate)")
}

# netem_stats [NODE...]: "sent N dropped M" summed over the netem qdiscs of
# the nodes named (default: all)
netem_stats() {
	local n
	[ $# -gt 0 ] || set -- "${NODES[@]}"
	for n in "$@"; do
		ip netns exec "$NSP$n" tc -s qdisc show 2>/dev/null
	done | awk '/qdisc netem/ { on = 1; next } /qdisc/ { on = 0 }
		on && /Sent/ { s += $4; d += $7 + 0 } END { printf "sent %d dropped %d", s, d }'
}

# loss_scenario LABEL SRC FAR BYTES [NODE...]: the loss-and-disorder test of
# tests/mesh/32-loss-*.sh on the topology given by the arrays names (nodes)
# and pairs ("a b" links): a BYTES bundle spreads from SRC once over clean
# links (the reference time), then every link end gets netem ($NETEM) and a
# newer bundle spreads from SRC; every node activates each exactly once, FAR
# holds it byte for byte; prints both times and their ratio. The NODEs, if
# given, are those whose netem counters are printed (default: all).
NETEM="loss 20% delay 10ms reorder 25% 50% duplicate 10%"
loss_scenario() {
	local label=$1 src=$2 far=$3 bytes=$4 clean lossy n
	shift 4
	check "${#names[@]} nodes" nodes_add "${names[@]}" -- clock=unsynced
	check "${#pairs[@]} links" links "${pairs[@]}"
	note "setup: $SECONDS s"
	for n in "${NODES[@]}"; do node_start "$n"; done
	check "all ${#NODES[@]} daemons answer" wait_up "${NODES[@]}"
	note "daemons up: $SECONDS s"

	mkpayload "$W/p1" "$bytes"
	sign "$W/s1.mub" site 1.0.0 "$W/p1"
	if spread "$src" "$W/s1.mub" site 1.0.0 400; then
		ok "lossless: 1.0.0 reached all ${#NODES[@]} nodes"
		clean=$SPREAD_MS
		note "lossless: $bytes bytes active on all ${#NODES[@]} nodes $clean ms after inject"
	else
		notok "lossless: 1.0.0 reached all ${#NODES[@]} nodes"
		for n in "${NODES[@]}"; do note "$n: active $(active "$n" site)"; done
		note "checks done: $SECONDS s"
		finish
	fi
	note "lossless phase done: $SECONDS s"
	check "netem ($NETEM) on all $((2 * ${#pairs[@]})) link ends" netem_links $NETEM
	mkpayload "$W/p2" "$bytes"
	sign "$W/s2.mub" site 2.0.0 "$W/p2"
	if spread "$src" "$W/s2.mub" site 2.0.0 600; then
		ok "lossy: 2.0.0 reached all ${#NODES[@]} nodes"
		lossy=$SPREAD_MS
		note "lossy: $bytes bytes active on all ${#NODES[@]} nodes $lossy ms after inject"
	else
		notok "lossy: 2.0.0 reached all ${#NODES[@]} nodes"
		for n in "${NODES[@]}"; do note "$n: active $(active "$n" site) newest $(newest "$n" site)"; done
	fi
	note "netem counters${1:+ of $*}: $(netem_stats "$@") ($SECONDS s)"
	sleep 2
	check "every node active on 2.0.0" all_active site 2.0.0
	check "each 1.0.0 hook ran exactly once" exactly_once site 1.0.0 activate
	check "each 2.0.0 hook ran exactly once" exactly_once site 2.0.0 activate
	check "$far: 2.0.0 payload byte-exact" payload_exact "$far" "$W/p2" "$W/s2.mub"
	if [ -n "${lossy:-}" ]; then
		note "$label, $bytes bytes: lossless $clean ms, lossy $lossy ms, ratio $(awk -v a="$lossy" -v b="$clean" 'BEGIN { printf "%.2f", a / b }')"
	fi
	note "checks done: $SECONDS s"
	finish
}
