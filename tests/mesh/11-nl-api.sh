#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink client library (userspace/lib/nl.h) against the module:
# builds tests/mesh/11-nl-api.c (cmocka) against $MESHUP_BUILD/libmeshup.a
# and runs it with two namespaces over a veth pair: parameters and extack
# messages, REGISTER/-EBUSY, SET_ADVERT, SEND and the FRAME it delivers, a
# BLOCK burst with back-off, an overrun of the helper's socket, rmmod/insmod
# with mu_nl_reconnect().
#
# Contract (tests/qemu/guest-run.sh): root, cwd = repo root, MESHUP_BUILD,
# MESHUP_KO; the module is loaded at start and at the end.
# timeout: 400
set -u

TOP=${MESHUP_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${MESHUP_BUILD:-$TOP/build}
KO=${MESHUP_KO:-}
T=nl-api
NA=$T-a-$$ NB=$T-b-$$
IA=nlapia IB=nlapib
MACA=02:00:00:00:11:0a MACB=02:00:00:00:11:0b
TMP=$(mktemp -d)
failed=0

ok() { echo "ok - $T: $*"; }
notok() { echo "not ok - $T: $*"; failed=1; }

cleanup() {
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
	[ -d /sys/module/meshup ] || insmod "$KO" || echo "not ok - $T: reload of the module in cleanup"
	rm -rf "$TMP"
}
trap cleanup EXIT

if [ -z "$KO" ] || [ ! -f "$BUILD/libmeshup.a" ] || [ ! -d /sys/module/meshup ]; then
	notok "needs MESHUP_KO, $BUILD/libmeshup.a and the module loaded"
	exit 1
fi

# ---- build the test program (the guest sees the host's toolchain)
PKGS="libnl-genl-3.0 libnl-3.0 openssl json-c"
# shellcheck disable=SC2046
if cc -std=gnu11 -O1 -g -Wall -D_GNU_SOURCE -I"$TOP/include/uapi" \
	-I"$TOP/userspace/lib" $(pkg-config --cflags $PKGS) \
	-o "$TMP/nl-api" "$TOP/tests/mesh/11-nl-api.c" "$BUILD/libmeshup.a" \
	$(pkg-config --libs $PKGS) -lcmocka 2>"$TMP/cc.err"; then
	ok "build 11-nl-api.c"
else
	notok "build 11-nl-api.c: $(head -c 300 "$TMP/cc.err")"
	exit 1
fi

# ---- two namespaces over a veth pair
modprobe veth 2>/dev/null
# (created inside the namespaces: no interface moves between them)
ip netns add "$NA" && ip netns add "$NB" &&
	ip -n "$NA" link add name "$IA" type veth peer name "$IB" netns "$NB" &&
	ip -n "$NA" link set "$IA" address $MACA &&
	ip -n "$NB" link set "$IB" address $MACB &&
	ip -n "$NA" link set "$IA" up && ip -n "$NB" link set "$IB" up
if [ $? -ne 0 ]; then
	notok "setting up namespaces and veth pair"
	exit 1
fi

# ---- run; cmocka's TAP lines become ours
MESHUP_NL_NS_A=$NA MESHUP_NL_NS_B=$NB MESHUP_NL_IF_A=$IA MESHUP_NL_IF_B=$IB \
	MESHUP_NL_MAC_A=$MACA MESHUP_NL_MAC_B=$MACB MESHUP_KO=$KO \
	CMOCKA_MESSAGE_OUTPUT=TAP "$TMP/nl-api" >"$TMP/out" 2>"$TMP/err"
rc=$?
sed 's/^/# /' "$TMP/err" >&2
grep -vE '^(not ok|ok)( [0-9]+)? ' "$TMP/out" | sed 's/^/# /' >&2
n=0
while IFS= read -r l; do
	if [[ $l =~ ^(not\ )?ok\ [0-9]+\ -\ (.*)$ ]]; then
		n=$((n + 1))
		if [ -n "${BASH_REMATCH[1]}" ]; then
			notok "${BASH_REMATCH[2]}"
		else
			ok "${BASH_REMATCH[2]}"
		fi
	elif [[ $l =~ ^(not\ )?ok\ [0-9]+\ \#\ SKIP\ (.*)$ ]]; then
		n=$((n + 1))
		notok "${BASH_REMATCH[2]} skipped (the environment was not set up)"
	fi
done <"$TMP/out"
[ $n -eq 7 ] || notok "expected 7 results, got $n (status $rc)"
[ $rc -eq 0 ] || [ $failed -eq 1 ] || notok "exited with status $rc"

exit $failed
