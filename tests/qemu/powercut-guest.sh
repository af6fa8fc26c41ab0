# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tests/qemu/powercut.sh (run by init.sh's VM_SCRIPT mode, as
# root, cwd = repo root): `powercut-guest.sh BOOT LAST`.
#
# The persistent disk /dev/vda (ext4, made by the host) holds meshupd's
# state_dir. Boot B (0..LAST):
#   1. mounts the disk (the journal replays after a cut);
#   2. B > 0: inspects state_dir as the cut left it (before meshupd runs),
#      then starts meshupd on it and checks its start-up recovery: the node
#      holds the old or the new bundle of the install that was cut, byte
#      exact, the fallback is still there, the state record names exactly
#      the files present, no temp, partial or quarantined file is left;
#      B = 0: starts meshupd on the empty disk and installs bundle 0 (stable:
#      the first fallback);
#   3. B < LAST: prints "POWERCUT-GO B go" and injects bundle B+1 (the host
#      kills QEMU with SIGKILL at a random moment after that line), then
#      "POWERCUT-INSTALLED B MS" and "POWERCUT-SETTLED B MS" (ms after GO)
#      and waits to be killed; B = LAST: stops meshupd and unmounts cleanly.
#
# Inputs in the result share $VM_RES (written by the host): bundles.txt
# ("K HEX PAYLOAD_SHA256 STABLE VERSION FILE" per bundle), meshupd.conf,
# keys/, hook. Outputs there: check-B.txt ("ok - ..."/"not ok - ..." lines,
# "phase P" and "found old|new"), after-B.txt (what the node holds after
# recovery: "newest HEX" and "fallback HEX"), meshupd-B.log, hooks.log.
set -u
BOOT=$1
LAST=$2
RES=$VM_RES
BUILD=${MESHUP_BUILD:-$MESHUP_TOP/build}
MNT=/mnt/powercut
SD=$MNT/state
CONF=$RES/meshupd.conf
SOCK=/run/meshup-powercut.sock
OUT=$RES/check-$BOOT.txt
: >"$OUT"
FAILS=0

ok() { echo "ok - $*" >>"$OUT"; }
notok() { echo "not ok - $*" >>"$OUT"; FAILS=$((FAILS + 1)); }
note() { echo "$*" >>"$OUT"; }
ms() { date +%s%3N; }

bundle() { # K FIELD(2 hex, 3 payload sha, 4 stable, 5 version, 6 file)
	awk -v k="$1" -v f="$2" '$1 == k { print $f }' "$RES/bundles.txt"
}
k_of() { awk -v h="$1" '$2 == h { print $1 }' "$RES/bundles.txt"; }

ctl() { "$BUILD/meshupctl" "$@" --socket "$SOCK"; }

# the first word of each line of a whole state record (store.c)
REC_KEYS="meshup-state channel newest active fallback applied applied_version hook_status "
# st FIELD: one field of the state record (newest/active/fallback/applied)
st() { awk -v k="$1" '$1 == k { print $2 }' "$SD/site.state" 2>/dev/null; }

# the daemon's view: "newest active" digests from its status
status_line() {
	ctl status --json 2>/dev/null | tr -d ' \n' | sed -nE \
		's/.*"newest":\{[^}]*"digest":"([0-9a-f]+)".*"active":\{[^}]*"digest":"([0-9a-f]+)".*/\1 \2/p'
}

# the hook ran for the active bundle (as the record says; no process to
# start, so polling stays cheap under TCG)
settled() {
	local a
	a=$(st active)
	[ -n "$a" ] && [ "$a" != - ] && [ "$(st applied)" = "$a" ] && [ "$(st hook_status)" = 0 ]
}

wait_for() { # seconds cmd...
	local end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

start_daemon() {
	rm -f "$SOCK"
	"$BUILD/meshupd" -f -v -c "$CONF" >>"$RES/meshupd-$BOOT.log" 2>&1 &
	DPID=$!
	wait_for 60 ctl status || { notok "boot $BOOT: meshupd answers"; return 1; }
	note "time daemon-up $(($(ms) - T0))"
}

stop_daemon() {
	kill "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
}

# the bundle files of HEX are complete and byte exact
bundle_ok() {
	local h=$1 k
	k=$(k_of "$h")
	[ -n "$k" ] || return 1
	[ "$(sha256sum <"$SD/$h.manifest" | cut -c1-64)" = "$h" ] || return 1
	[ "$(sha256sum <"$SD/$h.payload" | cut -c1-64)" = "$(bundle "$k" 3)" ]
}

T0=$(ms)
note "uptime $(cut -d' ' -f1 /proc/uptime)"
mkdir -p "$MNT"
if ! mount -t ext4 /dev/vda "$MNT"; then
	notok "boot $BOOT: mount the disk"
	exit 1
fi
mkdir -p "$SD"

if [ "$BOOT" = 0 ]; then
	start_daemon || exit 1
	t0=$(ms)
	ctl inject "$RES/$(bundle 0 6)" >/dev/null || notok "boot 0: inject bundle 0"
	wait_for 120 settled || notok "boot 0: bundle 0 active"
	note "calibration $(($(ms) - t0))"
	echo "newest $(bundle 0 2)" >"$RES/after-0.txt"
	echo "fallback $(bundle 0 2)" >>"$RES/after-0.txt"
else
	K=$BOOT
	NEW=$(bundle "$K" 2)
	OLD_NEWEST=$(awk '$1 == "newest" { print $2 }' "$RES/after-$((BOOT - 1)).txt")
	OLD_FB=$(awk '$1 == "fallback" { print $2 }' "$RES/after-$((BOOT - 1)).txt")
	ls -l "$SD" >"$RES/ls-$BOOT.txt" 2>&1

	# --- as the cut left it, before meshupd runs
	rec_ok=1
	if [ -f "$SD/site.state" ]; then
		# whole: every line of the format, in order, and nothing else
		if [ "$(head -n1 "$SD/site.state")" != "meshup-state 1" ] ||
			[ "$(awk '{ printf "%s ", $1 }' "$SD/site.state")" != "$REC_KEYS" ]; then
			rec_ok=0
		fi
		for f in newest active fallback; do
			h=$(st $f)
			[ "$h" = - ] && continue
			[ -f "$SD/$h.manifest" ] && [ -f "$SD/$h.payload" ] || rec_ok=0
		done
	else
		rec_ok=0
	fi
	if [ $rec_ok = 1 ]; then
		ok "cut $K: the state record as the cut left it is whole and names only files present"
	else
		notok "cut $K: the state record as the cut left it is whole and names only files present"
		cat "$SD/site.state" >&2 2>/dev/null
	fi
	if [ -f "$SD/$NEW.manifest" ]; then
		if [ "$(st newest)" != "$NEW" ]; then
			phase=committed		# manifest renamed, record not yet
		elif [ "$(st applied)" != "$NEW" ]; then
			phase=recorded		# record names it, hook not done
		else
			phase=activated
		fi
	elif [ -f "$SD/$NEW.payload" ]; then
		phase=payload			# payload renamed, manifest not
	elif ls "$SD" | grep -q '\.tmp\.'; then
		phase=writing			# temp files only
	else
		phase=before			# nothing of it reached the disk
	fi
	note "phase $phase"

	# --- meshupd's start-up recovery
	start_daemon || exit 1
	wait_for 120 settled || notok "cut $K: meshupd settles (hook run for the active bundle)"
	set -- $(status_line) - -
	newest=$1 active=$2
	note "time daemon-settled $(($(ms) - T0))"
	if [ "$newest" = "$NEW" ]; then
		found=new
	elif [ "$newest" = "$OLD_NEWEST" ]; then
		found=old
	else
		found="neither ($newest)"
	fi
	note "found $found"
	case $phase:$found in
	committed:new | recorded:new | activated:new | payload:old | writing:old | before:old)
		ok "cut $K: the node holds the old or the new bundle ($found, phase $phase)" ;;
	*)
		notok "cut $K: the node holds the old or the new bundle (found $found, phase $phase)" ;;
	esac
	fb=$(st fallback)
	fbk=$(k_of "$fb")
	if [ -n "$fbk" ] && [ "$(bundle "$fbk" 4)" = 1 ] &&
		{ [ "$fb" = "$OLD_FB" ] || [ "$fb" = "$NEW" ]; } && bundle_ok "$fb"; then
		ok "cut $K: the fallback is there and byte exact ($(bundle "$fbk" 5))"
	else
		notok "cut $K: the fallback is there and byte exact (record: $fb, before: $OLD_FB)"
	fi
	if [ "$(st newest)" = "$newest" ] && [ "$(st active)" = "$active" ] &&
		[ "$(st applied)" = "$active" ] && [ "$(st hook_status)" = 0 ]; then
		ok "cut $K: the state record matches what meshupd holds and ran the hook for"
	else
		notok "cut $K: the state record matches what meshupd holds and ran the hook for"
		cat "$SD/site.state" >&2
	fi
	# exactly the held bundles' files and the record: no temp, partial,
	# orphan or quarantined file survives the start-up recovery
	want=$( { echo site.state
		for h in $(st newest) $(st active) $(st fallback); do
			echo "$h.manifest"
			echo "$h.payload"
		done; } | sort -u)
	have=$(ls -A "$SD" | sort)
	if [ "$want" = "$have" ]; then
		ok "cut $K: state_dir holds exactly the held bundles and the record"
	else
		notok "cut $K: state_dir holds exactly the held bundles and the record"
		{ echo "want:"; echo "$want"; echo "have:"; echo "$have"; } >&2
	fi
	bad=
	for h in $(st newest) $(st active) $(st fallback); do
		bundle_ok "$h" || bad="$bad $h"
	done
	cat "$SD/$newest.manifest" "$SD/$newest.payload" >/tmp/newest.mub 2>/dev/null
	if [ -z "$bad" ] && "$BUILD/meshupctl" verify --keys "$RES/keys" /tmp/newest.mub >/dev/null; then
		ok "cut $K: every held bundle is byte exact, the newest verifies"
	else
		notok "cut $K: every held bundle is byte exact, the newest verifies (bad:$bad)"
	fi
	rm -f /tmp/newest.mub
	echo "newest $newest" >"$RES/after-$BOOT.txt"
	echo "fallback $fb" >>"$RES/after-$BOOT.txt"
fi
sync
note "time checked $(($(ms) - T0))"

if [ "$BOOT" -lt "$LAST" ]; then
	# the install that the host cuts
	NEXT=$((BOOT + 1))
	t0=$(ms)
	echo "POWERCUT-GO $BOOT go"
	ctl inject "$RES/$(bundle "$NEXT" 6)" >/dev/null
	echo "POWERCUT-INSTALLED $BOOT $(($(ms) - t0))"
	wait_for 120 settled
	echo "POWERCUT-SETTLED $BOOT $(($(ms) - t0))"
	sleep 3600
fi
stop_daemon
dmesg >"$RES/dmesg-$BOOT.txt"
cd /
umount "$MNT" || notok "boot $BOOT: unmount the disk"
[ "$FAILS" = 0 ]
