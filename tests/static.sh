#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the kernel module: it builds against Debian's 6.1
# headers, and W=1, sparse (C=1), checkpatch --strict and kernel-doc have
# nothing to say about kmod/ and include/.  Builds happen in scratch copies
# under build/static/, so the tree stays clean.  Prints "ok - NAME" /
# "not ok - NAME" on stdout; the offending lines go to stderr.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$TOP/build/static
CACHE=${MESHUP_CACHE:-$HOME/.cache/meshup}
JOBS=${JOBS:-2}

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP $2"; }

# Lines that make a check fail: compiler, sparse, modpost and kernel-doc
# warnings and errors.
WARN_RE='(warning|error):|^WARNING:|^ERROR:'

KDIR=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n1)

# The unpacked linux-source-6.1 (for checkpatch), shared with tests/qemu:
# unpacked once under a lock into a temp dir, then renamed into place.
source_tree() {
	local dst=$CACHE/linux-source-6.1 tarball tmp
	if [ -f "$dst/Makefile" ]; then
		echo "$dst"
		return 0
	fi
	tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || return 1
	mkdir -p "$CACHE" || return 1
	(
		flock 9
		if [ ! -f "$dst/Makefile" ]; then
			tmp=$(mktemp -d "$CACHE/.src.XXXXXX") || exit 1
			echo "static: unpacking $tarball" >&2
			tar -C "$tmp" -xf "$tarball" || { rm -rf "$tmp"; exit 1; }
			mv "$tmp/linux-source-6.1" "$dst" && rmdir "$tmp"
		fi
	) 9>"$CACHE/.source.lock" || return 1
	echo "$dst"
}

# A fresh copy of the module sources in $OUT/$1; prints its path.
scratch() {
	local d=$OUT/$1
	rm -rf "$d"
	mkdir -p "$d/kmod" || return 1
	cp "$TOP/Kbuild" "$d/" &&
		cp "$TOP"/kmod/*.[ch] "$d/kmod/" &&
		cp -r "$TOP/include" "$d/" || return 1
	echo "$d"
}

# build NAME [make args...]: build a scratch copy; log in $OUT/NAME.log.
build() {
	local name=$1 d
	shift
	d=$(scratch "$name") || return 1
	make -C "$KDIR" M="$d" -j"$JOBS" "$@" modules >"$OUT/$name.log" 2>&1
}

# check_log NAME TITLE: ok if the build log has no warning lines.
check_log() {
	local name=$1 title=$2
	if grep -Eq "$WARN_RE" "$OUT/$name.log"; then
		notok "$title"
		grep -E "$WARN_RE" "$OUT/$name.log" | sed "s|$OUT/$name/||g" >&2
	else
		ok "$title"
	fi
}

mkdir -p "$OUT"

if [ -z "$KDIR" ]; then
	for t in "module builds against 6.1 headers" "module W=1 clean" \
		"sparse C=1 clean"; do
		skip "$t" "no /usr/src/linux-headers-6.1.*-amd64 (scripts/deps.sh)"
	done
else
	if build plain; then
		if [ -f "$OUT/plain/meshup.ko" ]; then
			ok "module builds against 6.1 headers"
			size "$OUT/plain/meshup.ko" >&2
		else
			notok "module builds against 6.1 headers (no meshup.ko)"
		fi
	else
		notok "module builds against 6.1 headers"
		tail -n 30 "$OUT/plain.log" >&2
	fi

	if build w1 W=1; then
		check_log w1 "module W=1 clean"
	else
		notok "module W=1 clean (build failed)"
		tail -n 30 "$OUT/w1.log" >&2
	fi

	if ! command -v sparse >/dev/null; then
		skip "sparse C=1 clean" "sparse not installed (scripts/deps.sh)"
	elif build sparse C=1; then
		check_log sparse "sparse C=1 clean"
	else
		notok "sparse C=1 clean (build failed)"
		tail -n 30 "$OUT/sparse.log" >&2
	fi
fi

FILES=$(cd "$TOP" && ls kmod/*.[ch] include/uapi/linux/*.h)
if ! SRC=$(source_tree); then
	skip "checkpatch --strict clean (kmod, include)" "no linux-source-6.1"
	skip "kernel-doc clean (kmod, include)" "no linux-source-6.1"
else
	bad=0
	: >"$OUT/checkpatch.log"
	for f in $FILES; do
		(cd "$TOP" && perl "$SRC/scripts/checkpatch.pl" --no-tree \
			--strict --quiet --show-types -f "$f") \
			>>"$OUT/checkpatch.log" 2>&1 || bad=1
	done
	if [ $bad = 0 ] && ! grep -Eq '^(WARNING|ERROR|CHECK)' \
		"$OUT/checkpatch.log"; then
		ok "checkpatch --strict clean (kmod, include)"
	else
		notok "checkpatch --strict clean (kmod, include)"
		cat "$OUT/checkpatch.log" >&2
	fi

	if (cd "$TOP" && perl "$SRC/scripts/kernel-doc" -none $FILES) \
		>"$OUT/kernel-doc.log" 2>&1 && ! [ -s "$OUT/kernel-doc.log" ]; then
		ok "kernel-doc clean (kmod, include)"
	else
		notok "kernel-doc clean (kmod, include)"
		cat "$OUT/kernel-doc.log" >&2
	fi
fi
