#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "unit" suite of tests/run:
#   1. builds every tests/unit/test_*.c (make unit) and runs each binary,
#      cmocka's TAP output turned into "ok - test_NAME: case" lines;
#   2. the same again built with -fsanitize=address,undefined into
#      build-asan/ (lines prefixed "asan: ");
#   3. tests/unit/vectors.sh: meshupctl against the vectors and bad input,
#      with the plain and the sanitized meshupctl;
#   4. each libFuzzer target for UNIT_FUZZ_SECONDS (default 20; 0 skips).
# Result lines on stdout, everything else on stderr.
set -u
cd "$(dirname "$0")/../.." || exit 2
top=$PWD
export MESHUP_VECTORS=${MESHUP_VECTORS:-$top/../shared/spec/vectors}
if [ -d "$MESHUP_VECTORS" ]; then
	MESHUP_VECTORS=$(cd "$MESHUP_VECTORS" && pwd)
fi
fuzz_secs=${UNIT_FUZZ_SECONDS:-20}
jobs=${UNIT_JOBS:-2}

# run_bin BIN PREFIX [NAME]: run one cmocka binary, print its results as ours
run_bin() {
	local bin=$1 pfx=$2 name=${3:-$(basename "$1")} rc out n_res
	out=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP timeout 600 "$bin" >"$out"
	rc=$?
	# "ok 3 - test_x" / "not ok 3 - test_x"; cmocka writes a skipped test
	# as "not ok 3 # SKIP test_x": that is a skip. Diagnostics to stderr.
	sed -nE -e "s/^(not ok|ok)( [0-9]+)? # SKIP (.*)$/ok - ${pfx}${name}: \\3 # SKIP skipped by the test/p" -e t \
		-e "s/^(not ok|ok)( [0-9]+)? - (.*)$/\\1 - ${pfx}${name}: \\3/p" "$out"
	grep -vE '^(not ok|ok)( [0-9]+)? (-|# SKIP) ' "$out" | sed "s|^|[${pfx}${name}] |" >&2
	n_res=$(grep -cE '^(not ok|ok)( [0-9]+)? (-|# SKIP) ' "$out")
	if [ "$rc" -ne 0 ] && ! grep -qE '^not ok( [0-9]+)? - ' "$out"; then
		echo "not ok - ${pfx}${name}: exited with status $rc after $n_res results"
	elif [ "$n_res" -eq 0 ]; then
		echo "not ok - ${pfx}${name}: reported no results"
	fi
	rm -f "$out"
}

# snap FILE: copy a freshly built binary into our private directory, so
# that a concurrent "make" by someone else in the same tree cannot replace
# it under us; prints the copy's path.
snap_dir=$(mktemp -d /tmp/meshup-unit.XXXXXX) || exit 2
trap 'rm -rf "$snap_dir"' EXIT
snap() {
	local dst
	dst=$snap_dir/$(echo "$1" | tr / _)
	cp "$1" "$dst" && echo "$dst"
}

# suite O PREFIX: build every test into O (make unit), run every binary
suite() {
	local o=$1 pfx=$2 src t bin
	echo "--- building unit tests into $o" >&2
	make -k -j"$jobs" O="$o" unit >&2 2>&1 || true
	for src in tests/unit/test_*.c; do
		[ -e "$src" ] || continue
		t=$(basename "$src" .c)
		# a no-op when the build above made it; its status is the verdict
		if ! make O="$o" "$o/tests/$t" >&2 2>&1 ||
		   ! bin=$(snap "$o/tests/$t"); then
			echo "not ok - ${pfx}${t}: does not build (see the unit suite's stderr)"
			continue
		fi
		run_bin "$bin" "$pfx" "$t"
	done
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

suite build ""
if make -j"$jobs" O=build build/meshupctl >&2 2>&1 &&
   ctl=$(snap build/meshupctl); then
	bash tests/unit/vectors.sh "$ctl" ""
else
	echo "not ok - vectors: meshupctl does not build"
fi

san="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
# CFLAGS from the environment: the Makefile appends its own flags to it
CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" suite build-asan "asan: "
if CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" \
	make -j"$jobs" O=build-asan build-asan/meshupctl >&2 2>&1 &&
   ctl=$(snap build-asan/meshupctl); then
	bash tests/unit/vectors.sh "$ctl" "asan: "
else
	echo "not ok - asan: vectors: meshupctl does not build"
fi

if [ "$fuzz_secs" -gt 0 ]; then
	bash tests/fuzz/run "$fuzz_secs"
else
	echo "ok - fuzz: all targets # SKIP UNIT_FUZZ_SECONDS=0"
fi
exit 0
