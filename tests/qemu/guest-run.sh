#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test guest (chrooted in the host's root, see init.sh) as
# root, with the environment of guest.env (written by run.sh):
#   MESHUP_TOP MESHUP_BUILD MESHUP_KO MESHUP_KERNEL MESHUP_TESTS
# and one argument, the result directory (a writable 9p share).
#
# Order: insmod meshup.ko (KUnit suites run there on the debug kernel), the
# kselftest binaries in $MESHUP_BUILD/selftests/, every tests/mesh/[0-9]*.sh, then
# rmmod, a kmemleak scan (debug) and the dmesg check.  Every result line goes
# to results.txt in the result directory ("ok - NAME", "not ok - NAME"),
# prefixed with the lane name (MESHUP_LANE, else the kernel); progress.txt names the test that is running
# (so the host can name it if the kernel panics); done.txt is the marker that
# the run finished.  The mesh script contract is in Documentation/testing.rst.
set -u
results=$1
K=${MESHUP_LANE:-$MESHUP_KERNEL}
res=$results/results.txt
cd "$MESHUP_TOP" || exit 1
touch "$res"
MESHUP_RESULTS=$results
export MESHUP_TOP MESHUP_BUILD MESHUP_KO MESHUP_KERNEL MESHUP_RESULTS

kmsg() { echo "meshup-guest: $*" >/dev/kmsg 2>/dev/null; }
result() { # ok|not ok, name[, directive]
	echo "$1 - $K: $2" >>"$res"
	echo "$1 - $K: $2"
	kmsg "$1 - $2"
}
progress() { echo "$1" >"$results/progress.txt"; kmsg "start $1"; }
selected() { # unit name -> 0 if MESHUP_TESTS selects it
	local g
	local -a globs
	[ -z "${MESHUP_TESTS:-}" ] && return 0
	read -r -a globs <<<"$MESHUP_TESTS"	# split only; no pathname expansion
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == $g ]] && return 0
	done
	return 1
}
skipped() { # units already run in an earlier boot of this guest
	[[ " ${MESHUP_SKIP:-} " == *" $1 "* ]]
}
unit_done() { echo "$1" >>"$results/units.done"; }
module_loaded() { [ -d /sys/module/meshup ]; }
ensure_module() { # reload the module if a test left it unloaded
	module_loaded && return 0
	insmod "$MESHUP_KO"
}
netns_left() { ip netns list 2>/dev/null | awk '{print $1}' | tr '\n' ' '; }

# Drivers the tests use (built in on the debug kernel, modules on stock).
modprobe -a veth sch_netem bridge 2>/dev/null

# ---- the module and its KUnit suites
progress insmod
[ -d /sys/kernel/debug/kmemleak ] || [ -e /sys/kernel/debug/kmemleak ] &&
	echo clear >/sys/kernel/debug/kmemleak 2>/dev/null
dmesg_before=$(dmesg | wc -l)
if [ -f "$MESHUP_KO" ] && insmod "$MESHUP_KO" 2>"$results/insmod.err"; then
	skipped insmod || result ok "insmod meshup.ko"
else
	result "not ok" "insmod meshup.ko ($(head -c 200 "$results/insmod.err" 2>/dev/null || echo "no module"))"
fi
skipped insmod || unit_done insmod

if selected kunit && ! skipped kunit; then
	if [ "$K" = stock ]; then
		result ok "kunit # SKIP no KUnit in the stock kernel"
	else
		# KTAP of the module's suites: "    # Subtest: SUITE", then cases
		# "    ok N - CASE" at one level of indentation, then "ok N - SUITE".
		dmesg | tail -n +"$((dmesg_before + 1))" | sed -E 's/^\[[^]]*\] ?//' \
			>"$results/kunit.ktap"
		n=0
		while IFS= read -r l; do
			if [[ $l =~ ^\ {4}#\ Subtest:\ (.+)$ ]]; then
				suite=${BASH_REMATCH[1]}
				cases=0
			elif [[ $l =~ ^\ {4}(not\ )?ok\ [0-9]+\ (-\ )?(.*)$ ]]; then
				verdict=ok
				[ -n "${BASH_REMATCH[1]}" ] && verdict="not ok"
				result "$verdict" "kunit: ${suite:-?}.${BASH_REMATCH[3]}"
				n=$((n + 1)) cases=$((cases + 1))
			elif [[ $l =~ ^(not\ )?ok\ [0-9]+\ (-\ )?([^ ]+) ]]; then
				if [ -n "${BASH_REMATCH[1]}" ] && [ "${cases:-0}" = 0 ]; then
					result "not ok" "kunit: ${BASH_REMATCH[3]} (suite failed with no case results)"
					n=$((n + 1))
				fi
			fi
		done <"$results/kunit.ktap"
		[ $n -gt 0 ] || result "not ok" "kunit: no KUnit results in dmesg after insmod"
	fi
	unit_done kunit
fi

# One unit: runs "$@" under a limit with its output in a log, turns the
# log's TAP lines into results (kselftest lines "ok N name", mesh lines
# "ok - name"), then the checks every unit gets: it finished in time, it
# reported something, it left no namespace behind.
run_unit() { # name limit tap-regex cmd...
	local name=$1 limit=$2 re=$3 log start rc secs failed=0 seen=0 l left n
	shift 3
	ensure_module
	progress "$name"
	log=$results/${name//\//_}.log
	start=$(date +%s)
	timeout -k 10 "$limit" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	secs=$(($(date +%s) - start))
	while IFS= read -r l; do
		if [[ $l =~ $re ]]; then
			seen=$((seen + 1))
			if [ -n "${BASH_REMATCH[1]}" ]; then
				failed=1
				result "not ok" "$name: ${BASH_REMATCH[3]}"
			else
				result ok "$name: ${BASH_REMATCH[3]}"
			fi
		fi
	done <"$log"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		result "not ok" "$name: timed out after ${secs}s (limit $limit)"
	elif [ $rc -ne 0 ] && [ $failed = 0 ]; then
		result "not ok" "$name: exited with status $rc"
	elif [ $seen = 0 ]; then
		result "not ok" "$name: reported no results"
	fi
	echo "# $name: ${secs}s" >>"$results/timings.txt"
	unit_done "$name"
	left=$(netns_left)
	[ -z "$left" ] || { result "not ok" "$name: left namespaces behind: $left"; for n in $left; do ip netns del "$n"; done; }
}

# ---- kselftests
for bin in "$MESHUP_BUILD"/selftests/*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=selftest/${bin##*/}
	selected "$name" || continue
	skipped "$name" && continue
	run_unit "$name" "${MESHUP_SELFTEST_TIMEOUT:-600}" \
		'^(not )?ok [0-9]+ (- )?(.*)$' "$bin"
done

# ---- mesh scripts
for script in "$MESHUP_TOP"/tests/mesh/[0-9]*.sh; do
	[ -f "$script" ] || continue
	name=mesh/${script##*/}
	selected "$name" || continue
	skipped "$name" && continue
	limit=$(sed -nE 's/^# timeout: *([0-9]+).*/\1/p' "$script" | head -n1)
	run_unit "$name" "${limit:-600}" '^(not )?ok ([0-9]+ )?- (.*)$' bash "$script"
	module_loaded || result "not ok" "$name: left the module unloaded"
done

# ---- unload, leaks, kernel log
progress rmmod
if module_loaded; then
	if rmmod meshup 2>"$results/rmmod.err"; then
		result ok "rmmod meshup"
	else
		result "not ok" "rmmod meshup ($(head -c 200 "$results/rmmod.err"))"
	fi
fi
if [ -e /sys/kernel/debug/kmemleak ]; then
	progress kmemleak
	# Objects must be older than 5 s and unreferenced in two scans.
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$results/kmemleak.txt"
	if [ -s "$results/kmemleak.txt" ]; then
		result "not ok" "kmemleak: $(grep -c '^unreferenced object' "$results/kmemleak.txt") unreferenced objects (kmemleak.txt)"
	else
		result ok "kmemleak: no leaks"
	fi
fi
dmesg >"$results/dmesg.txt"
pat='BUG:|WARNING:|KASAN|UBSAN|kmemleak:.*new suspected|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|general protection fault|Call Trace:|ODEBUG:|list_(add|del) corruption'
grep -v "meshup-guest:" "$results/dmesg.txt" >"$results/dmesg-kernel.txt"
if grep -Eq "$pat" "$results/dmesg-kernel.txt"; then
	result "not ok" "kernel log clean ($(grep -Em1 "$pat" "$results/dmesg-kernel.txt" | sed -E 's/^\[[^]]*\] ?//' | head -c 160))"
else
	result ok "kernel log clean (no KASAN/lockdep/WARN/BUG/kmemleak report)"
fi
progress done
echo done >"$results/done.txt"
sync
