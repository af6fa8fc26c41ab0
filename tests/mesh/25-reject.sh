#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# Rejection: a line a - b - c. Node a is permissive (threshold 1, trusts an
# extra key, large limits, an extra channel); b and c are strict (threshold
# 2, site limited to 8 KiB). Bundles a accepts but b must refuse are
# advertised by a; b rejects each (log line naming why) and never
# advertises it, so c never sees it. Also: a bad signature, an older or
# equal version, and two digests of one version converging on the greater.
. "$(dirname "$0")/lib.sh"

"$MESHUPCTL" keygen --out "$W/k3.pem" >/dev/null
K2=$VEC/test-key2.pem

NODE_CHANNELS=$(printf '[channel site]\nhook = @HOOK@\nmax_size = 1M\n[channel fw]\nhook = @HOOK@\n[channel extra]\nhook = @HOOK@\n')
node_add a clock=unsynced threshold=1
cp "$W/k3.pub.pem" "$W/a/keys/"
NODE_CHANNELS=$(printf '[channel site]\nhook = @HOOK@\nmax_size = 8K\n[channel fw]\nhook = @HOOK@\n')
node_add b clock=unsynced threshold=2
node_add c clock=unsynced threshold=2
link a b; link b c
for n in a b c; do node_start "$n"; done
check "daemons answer" wait_up a b c

sign2() { # out channel version payload [sign args]: signed by both test keys
	local out=$1
	sign "$@" && "$MESHUPCTL" sign --add --key "$K2" "$out" >/dev/null
}

# positive control
mkpayload "$W/p1" 3000
sign2 "$W/ok.mub" site 1.0.0 "$W/p1"
check "inject doubly signed site 1.0.0" inject a "$W/ok.mub"
check "site 1.0.0 reaches c" wait_for 200 eq 1.0.0 active c site

# bundle a accepts, b must reject: expect a "rejected" line at b, nothing at c
refused() { # name file version reason-regex
	local name=$1 f=$2 ver=$3 re=$4
	if ! inject a "$f" >/dev/null; then
		notok "$name: a accepts it (setup)"
		return
	fi
	if wait_for 60 grep -Eq "rejected site $ver/[0-9a-f]+ from .*: $re" "$W/b/meshupd.log"; then
		ok "$name: b rejects it ($(grep -Eo "rejected site $ver/.*" "$W/b/meshupd.log" | head -n1 | cut -d: -f7-))"
	else
		notok "$name: b rejects it"
	fi
	sleep 3
	check "$name: never installed at b or forwarded to c" \
		[ -z "$(grep -h "installed site $ver " "$W/b/meshupd.log" "$W/c/meshupd.log")" \
		-a -z "$(grep -h "site $ver/" "$W/c/meshupd.log")" ]
}

mkpayload "$W/p2" 3000
sign "$W/few.mub" site 2.0.0 "$W/p2"
refused "too few signatures" "$W/few.mub" 2.0.0 "signatures: 1 valid of 2"

sign "$W/untr.mub" site 3.0.0 "$W/p2" --key "$W/k3.pem"
refused "untrusted key" "$W/untr.mub" 3.0.0 "signatures: 0 valid of 2"

# a bad signature next to a good one: a (threshold 1) accepts, b does not
sign2 "$W/bad.mub" site 4.0.0 "$W/p2"
"$PY" - "$W/bad.mub" <<'PYEOF'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
body = int.from_bytes(b[6:8], "big")
b[body + 1 + 72 + 8 + 5] ^= 0x55   # second signature, inside the 64 bytes
open(p, "wb").write(b)
PYEOF
refused "bad signature" "$W/bad.mub" 4.0.0 "signatures: 1 valid of 2.*1 bad"

mkpayload "$W/big" 20000
sign2 "$W/big.mub" site 5.0.0 "$W/big"
refused "payload over max_size" "$W/big.mub" 5.0.0 "payload_size 20000 exceeds max_size 8192"

sign2 "$W/extra.mub" extra 1.0.0 "$W/p2"
check "unconfigured channel: a accepts it (setup)" inject a "$W/extra.mub"
sleep 10
check "unconfigured channel: b and c never fetch it" \
	[ -z "$(grep -h "extra" "$W/b/meshupd.log" "$W/c/meshupd.log")" ]

# bad signature under the only trusted key: refused at injection already
sign "$W/bad1.mub" fw 1.0.0 "$W/p2"
"$PY" - "$W/bad1.mub" <<'PYEOF'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
body = int.from_bytes(b[6:8], "big")
b[body + 1 + 8 + 3] ^= 0x01
open(p, "wb").write(b)
PYEOF
out=$(inject a "$W/bad1.mub" 2>&1)
check "bad signature refused at inject ($out)" [ -n "$(echo "$out" | grep -E 'rejected: signatures: 0 valid of 1.*1 bad')" ]

# older and equal versions: c and b hold fw 2.0.0; a restarts empty and
# gets fw 1.0.0 injected: b never asks for it, a ends with 2.0.0.
mkpayload "$W/f2" 3000
sign2 "$W/f2.mub" fw 2.0.0 "$W/f2"
check "inject fw 2.0.0 at c" inject c "$W/f2.mub"
check "fw 2.0.0 reaches a" wait_for 120 eq 2.0.0 newest a fw
node_stop a
rm -rf "$W/a/state"
# a restarts cut off from b, or it would fetch fw 2.0.0 before the injection
ip -n "${NSP}a" link set to-b down
node_start a
wait_up a
mkpayload "$W/f1" 3000
sign2 "$W/f1.mub" fw 1.0.0 "$W/f1"
check "a (empty) accepts older fw 1.0.0" inject a "$W/f1.mub"
ip -n "${NSP}a" link set to-b up
check "a then takes fw 2.0.0 from b" wait_for 120 eq 2.0.0 newest a fw
check "older fw 1.0.0 never installed at b or c" \
	[ -z "$(grep -h "installed fw 1.0.0" "$W/b/meshupd.log" "$W/c/meshupd.log")" ]
out=$(inject b "$W/f2.mub" 2>&1)
check "equal bundle refused at inject ($out)" [ -n "$(echo "$out" | grep 'already held')" ]

# same version, two digests: every node converges on the greater prefix
mkpayload "$W/x" 3000
mkpayload "$W/y" 3000
sign2 "$W/x.mub" fw 7.0.0 "$W/x"
sign2 "$W/y.mub" fw 7.0.0 "$W/y"
dx=$("$MESHUPCTL" inspect "$W/x.mub" | awk '/^digest:/ {print $2}')
dy=$("$MESHUPCTL" inspect "$W/y.mub" | awk '/^digest:/ {print $2}')
if [[ $dx > $dy ]]; then want=$dx; else want=$dy; fi
inject a "$W/x.mub" >/dev/null
inject c "$W/y.mub" >/dev/null
conv() { local n; for n in a b c; do [ "$(q "$n" "ch('fw')['newest']['digest']")" = "$want" ] || return 1; done; }
check "same version, two digests: all converge on the greater ${want:0:16}" wait_for 120 conv
finish
