#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Power cuts during installs (PROTOCOL.md section 5: "a power cut at any
# moment leaves the node with its old state or its new state"). Host side;
# runs on its own as root: `bash tests/qemu/powercut.sh`. Prints
# "ok - powercut ..." / "not ok - powercut ..." lines on stdout, everything
# else on stderr. Details in Documentation/testing.rst.
#
# A debug-kernel guest (tests/qemu/lib.sh; needs CONFIG_BLOCK, VIRTIO_BLK
# and EXT4_FS in debug.config) boots PC_CUTS + 1 times on one persistent
# raw ext4 disk (mkfs.ext4 here) holding meshupd's state_dir. Every boot
# runs tests/qemu/powercut-guest.sh (init.sh's VM_SCRIPT mode): it checks
# what the previous cut left, after meshupd's start-up recovery, then starts
# the install of the next bundle (PC_SIZE bytes of payload, versions 1.0.K,
# every fourth stable, the others experimental so that a stable fallback is
# held beside them) and prints a marker. The host kills QEMU with SIGKILL a
# random time after it (seeded, the seed is printed): for half of the cuts
# uniform over 0..2 x the install time measured at the first boot, after
# the marker; for the other half uniform over 0..PC_WRITE_RANGE ms after
# the first write that reaches the image file after the marker (the guest
# syncs before it, so that is the payload's fsync): cuts land before,
# during and after the writes, fsyncs and renames. The last boot
# only checks and shuts down cleanly; then e2fsck checks the image.
#
# The disk is attached with cache=none (O_DIRECT on the host image): every
# write the guest has submitted to the virtual disk reaches the image file,
# nothing sits in a cache of QEMU's; what a SIGKILL loses is what the guest
# had not submitted yet - its page cache, i.e. every write not forced out by
# fsync (or by ext4's own journal commits). That is the part of a power cut
# that tests the daemon's write discipline. (It does not model a drive that
# drops acknowledged writes from a volatile cache: the host is not cut.)
#
# Knobs: PC_KERNEL (debug; stock boots Debian's kernel, for iterating),
# PC_CUTS (20), PC_SEED (time), PC_SIZE (payload bytes, 2 MiB),
# PC_WRITE_RANGE (ms, 1500),
# PC_BOOT_TIMEOUT (s per boot until the marker or the end, 300), V=1
# (console of every boot to stderr as it comes).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$MESHUP_TOP" || exit 2
CUTS=${PC_CUTS:-20}
SEED=${PC_SEED:-$(date +%s)}
SIZE=${PC_SIZE:-2097152}
BOOT_TIMEOUT=${PC_BOOT_TIMEOUT:-300}
RES=$MESHUP_TOP/build/powercut
ok() { echo "ok - powercut: $*"; }
notok() { echo "not ok - powercut: $*"; }
now() { date +%s; }
ms() { date +%s%3N; }

if [ "$(id -u)" != 0 ]; then
	echo "ok - powercut # SKIP needs root (the guest shares the host's root over 9p)"
	exit 0
fi
for tool in qemu-system-x86_64 cpio /bin/busybox mkfs.ext4 e2fsck; do
	command -v "$tool" >/dev/null ||
		{ notok "$tool missing (scripts/deps.sh)"; exit 0; }
done
T0=$(now)
log "seed $SEED (PC_SEED=$SEED reproduces the delays), $CUTS cuts"

# ---- build: userspace, the debug kernel (cached), the initramfs
if ! make -j"$JOBS" userspace >"$MESHUP_TOP/build/powercut-build.log" 2>&1; then
	notok "build userspace (see build/powercut-build.log)"
	exit 0
fi
stage=$(mktemp -d)
mkdir -p "$stage"/{bin,dev,proc,sys,modules}
cp /bin/busybox "$stage/bin/busybox" && cp "$QEMU_DIR/init.sh" "$stage/init" && chmod 755 "$stage/init"
if [ "${PC_KERNEL:-debug}" = stock ]; then
	# for iterating only: Debian's kernel, disk and ext4 drivers as modules
	sdir=$(stock_kernel) || { notok "stock kernel"; exit 0; }
	BZ=$(ls "$sdir"/boot/vmlinuz-* | head -n1)
	for m in virtio_pci 9pnet_virtio 9p overlay virtio_blk crc32c_generic ext4; do
		modprobe -d "$sdir" -S "$(stock_version)" --show-depends "$m" |
			awk '$1 == "insmod" {print $2}'
	done | awk '!seen[$0]++ && !/crc32c-intel/' | while read -r m; do
		cp "$m" "$stage/modules/" && basename "$m" >>"$stage/modules/order"
	done
else
	if ! kdir=$(debug_kernel); then
		notok "debug kernel build (see ${MESHUP_CACHE}/kernel-*/build.log)"
		exit 0
	fi
	if ! grep -q '^CONFIG_VIRTIO_BLK=y' "$kdir/.config" ||
		! grep -q '^CONFIG_EXT4_FS=y' "$kdir/.config"; then
		notok "the debug kernel has no virtio-blk or ext4 (tests/qemu/debug.config)"
		exit 0
	fi
	BZ=$kdir/arch/x86/boot/bzImage
fi
rm -rf "$RES"
mkdir -p "$RES/keys"
(cd "$stage" && find . | cpio -o -H newc --quiet) >"$RES/initramfs.cpio"
rm -rf "$stage"

# ---- the bundles (signed here: the guest only installs them), the config
CTL=$MESHUP_TOP/build/meshupctl
"$CTL" keygen --out "$RES/key.pem" >/dev/null && mv "$RES/key.pub.pem" "$RES/keys/" ||
	{ notok "keygen"; exit 0; }
end=$(($(date +%s) + 10 * 365 * 86400))
: >"$RES/bundles.txt"
for k in $(seq 0 "$CUTS"); do
	head -c "$SIZE" /dev/urandom >"$RES/p$k"
	stable=0
	extra=(--end "$end")
	[ $((k % 4)) = 0 ] && { stable=1; extra=(); }
	"$CTL" sign --key "$RES/key.pem" --channel site --version "1.0.$k" \
		--payload "$RES/p$k" --out "$RES/b$k.mub" "${extra[@]}" >/dev/null ||
		{ notok "sign bundle $k"; exit 0; }
	mlen=$(($(stat -c %s "$RES/b$k.mub") - SIZE))
	echo "$k $(head -c "$mlen" "$RES/b$k.mub" | sha256sum | cut -c1-64)" \
		"$(sha256sum <"$RES/p$k" | cut -c1-64) $stable 1.0.$k b$k.mub" >>"$RES/bundles.txt"
	rm -f "$RES/p$k"
done
printf '#!/bin/sh\necho "$MESHUP_VERSION $MESHUP_REASON" >>%s/hooks.log\n' "$RES" >"$RES/hook"
chmod 755 "$RES/hook"
cat >"$RES/meshupd.conf" <<EOF
[meshupd]
state_dir = /mnt/powercut/state
staging_dir = /run/meshup-powercut/staging
keys_dir = $RES/keys
control_socket = /run/meshup-powercut.sock
clock = synced

[channel site]
hook = $RES/hook
max_size = 8M
EOF
IMG=$RES/disk.img
truncate -s 64M "$IMG" && mkfs.ext4 -q -F -L powercut "$IMG" || { notok "mkfs.ext4"; exit 0; }

# ---- one boot: until the marker (then a SIGKILL after DELAY ms) or the end
boot() { # BOOT DELAY_MS|- -> 0 if it reached what it should
	local b=$1 delay=$2 con=$RES/console-$1.log pid t end
	{
		printf 'MESHUP_TOP=%q\n' "$MESHUP_TOP"
		printf 'MESHUP_BUILD=%q\n' "$MESHUP_TOP/build"
		printf 'VM_RES=%q\n' "$RES"
		printf 'VM_SCRIPT=%q\n' "tests/qemu/powercut-guest.sh"
		printf 'export MESHUP_TOP MESHUP_BUILD VM_RES\n'
	} >"$RES/guest.env"
	printf 'VM_ARGS=(%q %q)\n' "$b" "$CUTS" >"$RES/guest-args.bash"
	rm -f "$RES/rc"
	t=$(ms)
	qemu-system-x86_64 -accel tcg -m 1024 -smp 1 \
		-nodefaults -display none -no-reboot -serial stdio -monitor none \
		-kernel "$BZ" -initrd "$RES/initramfs.cpio" \
		-append "console=ttyS0 loglevel=4 panic_on_warn=1 oops=panic panic=-1 kmemleak=off rdinit=/init meshup_results=$RES" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$RES,mount_tag=results,security_model=none,multidevs=remap" \
		-drive "file=$IMG,format=raw,if=virtio,cache=none" \
		</dev/null >"$con" 2>"$RES/qemu-$b.err" &
	pid=$!
	[ "${V:-0}" = 1 ] && tail -f --pid="$pid" "$con" >&2 &
	end=$(($(now) + BOOT_TIMEOUT))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$delay" != - ] && grep -q "POWERCUT-GO $b go" "$con"; then
			BOOT_MS=$(($(ms) - t))
			if [ "$delay" = cal ]; then
				local c
				c=$(awk '$1 == "calibration" { print $2 }' "$RES/check-0.txt")
				RANGE=$(( ${c:-5000} * 2 ))
				log "install of bundle 0 took ${c:-?} ms: delays 0..$RANGE ms after the marker, 0..$WRANGE ms after the first disk write"
				draw
				delay=go:$DELAY
			fi
			if [ "${delay%%:*}" = w ]; then
				# from the first write that reaches the image after the
				# marker (the guest synced before it): the payload's fsync
				local m0
				m0=$(stat -c %y "$IMG")
				while [ "$(stat -c %y "$IMG")" = "$m0" ] && kill -0 "$pid" 2>/dev/null &&
					[ "$(now)" -lt "$end" ]; do
					sleep 0.01
				done
			fi
			LAST_DELAY=$delay
			delay=${delay#*:}
			sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
			kill -KILL "$pid"
			wait "$pid" 2>/dev/null
			return 0
		fi
		if [ "$(now)" -ge "$end" ]; then
			log "boot $b: no marker after ${BOOT_TIMEOUT}s; killing it"
			kill -KILL "$pid"
			wait "$pid" 2>/dev/null
			tail -n 30 "$con" >&2
			return 1
		fi
		sleep 0.02
	done
	wait "$pid" 2>/dev/null
	BOOT_MS=$(($(ms) - t))
	[ "$delay" = - ] && [ -f "$RES/rc" ] && return 0
	log "boot $b: the guest ended early"
	tail -n 30 "$con" >&2
	return 1
}

# kernel reports on a console (the guest runs with panic_on_warn)
kernel_clean() {
	! grep -Eq 'BUG:|KASAN:|WARNING:|Oops|Kernel panic|EXT4-fs error|possible circular|inconsistent lock' "$1"
}

RANDOM=$SEED
draw() { DELAY=$(( (RANDOM * 32768 + RANDOM) % (RANGE + 1) )); }
wdraw() { DELAY=$(( (RANDOM * 32768 + RANDOM) % (WRANGE + 1) )); }
WRANGE=${PC_WRITE_RANGE:-1500}
RANGE=0 fails=0 cuts=0 boot_sum=0 after=0 t_inst=0
declare -A phases=() founds=()
for b in $(seq 0 "$CUTS"); do
	if [ "$b" = "$CUTS" ]; then
		delay=-
	elif [ "$b" = 0 ]; then
		delay=cal	# drawn at the marker, from check-0.txt's calibration
	elif [ $((RANDOM % 2)) = 0 ]; then
		draw
		delay=go:$DELAY
	else
		wdraw
		delay=w:$DELAY
	fi
	if ! boot "$b" "$delay"; then
		notok "boot $b reaches its marker or its end (see build/powercut/console-$b.log)"
		fails=$((fails + 1))
		break
	fi
	boot_sum=$((boot_sum + BOOT_MS))
	con=$RES/console-$b.log
	if ! kernel_clean "$con"; then
		notok "boot $b: kernel report on the console (build/powercut/console-$b.log)"
		fails=$((fails + 1))
	fi
	if [ "$b" = 0 ] && grep -q '^not ok' "$RES/check-0.txt"; then
		grep '^not ok' "$RES/check-0.txt" | sed 's/^not ok - /&powercut: /'
		fails=$((fails + 1))
	fi
	if [ "$b" -gt 0 ]; then
		# results of the check of cut b (the install of bundle b)
		res=$RES/check-$b.txt
		if [ ! -s "$res" ] || grep -q '^not ok' "$res"; then
			fails=$((fails + 1))
		fi
		grep -E '^(not )?ok - ' "$res" | sed 's/^\(not \)\{0,1\}ok - /&powercut: /' ||
			{ notok "cut $b: no results (build/powercut/check-$b.txt)"; fails=$((fails + 1)); }
		ph=$(awk '$1 == "phase" { print $2 }' "$res")
		fd=$(awk '$1 == "found" { print $2 }' "$res")
		phases[${ph:-?}]=$(( ${phases[${ph:-?}]:-0} + 1 ))
		founds[${fd:-?}]=$(( ${founds[${fd:-?}]:-0} + 1 ))
		case ${PREV_DELAY:-?} in
		go:*) how="${PREV_DELAY#go:} ms after the marker" ;;
		w:*) how="${PREV_DELAY#w:} ms after the first disk write" ;;
		*) how="?" ;;
		esac
		log "cut $b: $how; next boot found ${fd:-?} (phase ${ph:-?})"
	fi
	if [ "$delay" != - ]; then
		cuts=$((cuts + 1))
		# did the install (and the hook) end before the cut?
		grep -q "POWERCUT-SETTLED $b " "$con" && after=$((after + 1))
		i=$(sed -nE "s/.*POWERCUT-INSTALLED $b ([0-9]+).*/\1/p" "$con")
		[ -n "$i" ] && t_inst=$((t_inst + i))
	fi
	log "boot $b: ${BOOT_MS} ms ($(grep -E '^(uptime|time)' "$RES/check-$b.txt" | tr '\n' ' '))"
	PREV_DELAY=${LAST_DELAY:-}
done
{
	echo "# powercut: seed $SEED, $cuts cuts, $((b + 1)) boots, payload $SIZE bytes, delays 0..$RANGE ms after the marker or 0..$WRANGE ms after the first disk write"
	echo "# powercut: where the cuts landed (from what the next boot found):"
	for p in before writing payload committed recorded activated; do
		echo "#   $p: ${phases[$p]:-0}"
	done
	echo "#   (before: nothing on disk; writing: temp files only; payload: payload renamed, no manifest;"
	echo "#    committed: manifest renamed, record not yet; recorded: record names it, hook not done;"
	echo "#    activated: hook done) - old: ${founds[old]:-0}, new: ${founds[new]:-0}; $after cut(s) after the install and hook had ended"
	echo "# powercut: mean boot (to the marker or the end) $((boot_sum / (b + 1))) ms, total $(($(now) - T0)) s"
} | tee "$RES/summary.txt" >&2
if [ "$b" = "$CUTS" ] && [ -f "$RES/rc" ]; then
	if [ "$(cat "$RES/rc")" = 0 ] && [ "$fails" = 0 ]; then
		ok "$cuts cuts during installs, a clean final boot"
	else
		notok "$cuts cuts during installs, a clean final boot ($fails failure(s))"
	fi
	if e2fsck -fn "$IMG" >"$RES/e2fsck.txt" 2>&1; then
		ok "the disk is clean after the final boot (e2fsck -fn)"
	else
		notok "the disk is clean after the final boot (e2fsck -fn; build/powercut/e2fsck.txt)"
	fi
else
	notok "$CUTS cuts during installs, a clean final boot (stopped at boot $b)"
fi
rm -f "$IMG" "$RES"/b*.mub
exit 0
