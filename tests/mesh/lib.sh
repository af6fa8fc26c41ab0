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
now_ms() { date +%s%3N; }

cleanup() {
	local n
	for n in "${NODES[@]}"; do
		node_stop "$n" 2>/dev/null
	done
	for n in "${NODES[@]}"; do
		ip netns del "$NSP$n" 2>/dev/null
	done
	if [ "${KEEP:-0}" = 1 ] || [ "$FAILS" -gt 0 ]; then
		# keep the daemon logs in the test log for diagnosis
		for n in "${NODES[@]}"; do
			echo "----- meshupd log of $n" >&2
			tail -n 60 "$W/$n/meshupd.log" >&2 2>/dev/null
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

# node_start NAME [ENV=VALUE...]: start its meshupd (foreground, logging)
node_start() {
	local n=$1
	shift
	ip netns exec "$NSP$n" env "$@" "$MESHUPD" -f -v -c "$W/$n/meshupd.conf" \
		>>"$W/$n/meshupd.log" 2>&1 &
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

# wait_sock NODE...: until each control socket answers (30 s)
wait_up() {
	local n
	for n in "$@"; do
		wait_for 30 ctl "$n" status >/dev/null || return 1
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

# all_active CHANNEL VERSION: every node has VERSION active on CHANNEL
all_active() {
	local n
	for n in "${NODES[@]}"; do
		[ "$(active "$n" "$1")" = "$2" ] || return 1
	done
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

# hooked_all CHANNEL VERSION REASON: every node ran its hook for it (cheap:
# reads the shared hook log, no daemon round trip)
hooked_all() {
	local n
	for n in "${NODES[@]}"; do
		grep -q "^$n $1 $2 $3 " "$W/hooks.log" 2>/dev/null || return 1
	done
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
	local n c
	for n in "${NODES[@]}"; do
		c=$(hooks "$n" "$1" "$2" "$3")
		[ "$c" = 1 ] || { echo "# $n ran the hook $c times for $1 $2 $3" >&2; return 1; }
	done
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
netem_links() {
	local p a b rc=0
	for p in "${LINK_PAIRS[@]}"; do
		a=${p% *}
		b=${p#* }
		netem_set "$a" "$b" "${@}" || rc=1
		netem_set "$b" "$a" "${@}" || rc=1
	done
	return $rc
}

# cut A B / heal A B: the A-B link drops every frame both ways (netem loss
# 100%: the interfaces stay up, neighbours just fall silent) / carries again
cut() { netem_set "$1" "$2" loss 100% && netem_set "$2" "$1" loss 100%; }
heal() { netem_del "$1" "$2"; netem_del "$2" "$1"; }

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

# netem_stats: "sent N dropped M" summed over every netem qdisc of the nodes
netem_stats() {
	local n
	for n in "${NODES[@]}"; do
		ip netns exec "$NSP$n" tc -s qdisc show 2>/dev/null
	done | awk '/qdisc netem/ { on = 1; next } /qdisc/ { on = 0 }
		on && /Sent/ { s += $4; d += $7 + 0 } END { printf "sent %d dropped %d", s, d }'
}
