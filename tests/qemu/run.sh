#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The QEMU suite of tests/run: boots a debug kernel (KASAN, lockdep, kmemleak,
# KUnit; built once from linux-source-6.1 and cached) and Debian's stock
# kernel, and runs in each: insmod meshup.ko (+ KUnit), the kselftests of
# tests/selftests, every tests/mesh/*.sh, rmmod, leak and kernel-log checks.
# Prints "ok - NAME" / "not ok - NAME" lines on stdout; everything else on
# stderr.  Details in Documentation/testing.rst.
#
# Knobs (environment):
#   MESHUP_KERNELS="debug stock"  kernels to run on (default both)
#   MESHUP_TESTS="glob ..."       only the units matching one glob: kunit,
#                                 selftest/NAME, mesh/NAME.sh
#   MESHUP_TESTS_debug, MESHUP_TESTS_stock
#                                 the same for one kernel (overrides
#                                 MESHUP_TESTS there)
#   MESHUP_TESTS_debug_faults     units of a second debug guest run beside
#                                 the first (by default the fault scripts
#                                 mesh/3[2-9]* but 33; empty: no second guest)
#   MESHUP_TESTS_debug_solo       units of a debug guest run alone after the
#                                 others ended (by default mesh/33, the
#                                 malicious neighbour's floods; empty: none)
#   V=1                           stream the guest consoles to stderr
#   MESHUP_CACHE                  cache dir (default ~/.cache/meshup)
#   MESHUP_GUEST_TIMEOUT          host-side limit per guest boot, s (default:
#                                 the sum of the units' limits + 600)
#   MESHUP_MAX_BOOTS              boots per kernel at most; after a kernel
#                                 crash the guest is booted again (20)
#   MESHUP_SELFTEST_TIMEOUT       limit per kselftest binary, s (600)
#   MESHUP_KMOD_SRC               tree holding Kbuild, kmod/, include/ to
#                                 build the module from (default: the repo)
#
# By default the debug kernel runs KUnit, the kselftests, the short mesh
# scripts (mesh/1*, mesh/20*) and the fault scripts (mesh/3*: loss, churn,
# malicious neighbour, partitions, bad local input); the long propagation
# scripts (mesh/2[1-9]*, mesh/4*) run on the stock kernel only, where they
# take a third of the time (under KASAN and TCG the grid alone takes over
# ten minutes). Set MESHUP_TESTS_debug='*' / MESHUP_TESTS_stock='*' for all.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$MESHUP_TOP" || exit 2
if [ -z "${MESHUP_TESTS:-}" ]; then
	if [ -z "${MESHUP_TESTS_debug+set}" ]; then
		# two lanes on the debug kernel: the fault scripts in their own guest
		MESHUP_TESTS_debug='kunit selftest/* mesh/1*.sh mesh/20*.sh mesh/30*.sh mesh/31*.sh'
		MESHUP_TESTS_debug_faults='mesh/32*.sh mesh/34*.sh mesh/35*.sh mesh/3[6-9]*.sh'
		# mesh/33 (malicious neighbour) in a debug guest of its own
		# once the others have ended: beside two other TCG guests on
		# two cores the KASAN guest starves under its floods, which
		# measures the emulator (Documentation/testing.rst)
		MESHUP_TESTS_debug_solo='mesh/33*.sh'
		case " ${MESHUP_KERNELS:-debug stock} " in
		*" debug "*)
			echo "ok - debug: long propagation scripts (mesh/2[1-9]*, mesh/4*) # SKIP run on the stock kernel only (MESHUP_TESTS_debug='*' runs them here too)" ;;
		esac
	fi
	if [ -z "${MESHUP_TESTS_stock+set}" ]; then
		MESHUP_TESTS_stock='selftest/* mesh/1*.sh mesh/2*.sh mesh/33*.sh mesh/4*.sh'
		case " ${MESHUP_KERNELS:-debug stock} " in
		*" stock "*)
			echo "ok - stock: fault scripts but mesh/33 (flood rates of a stock guest) # SKIP run on the debug kernel only (MESHUP_TESTS_stock='*' runs them here too)" ;;
		esac
	fi
fi
if [ "$(id -u)" != 0 ]; then
	# The guest mounts the host's root and writes results as root.
	echo "ok - qemu suite # SKIP needs root (the guest shares the host's root over 9p)"
	exit 0
fi
for tool in qemu-system-x86_64 cpio /bin/busybox; do
	command -v "$tool" >/dev/null || { echo "not ok - qemu suite: $tool missing (scripts/deps.sh)"; exit 0; }
done
KERNELS=${MESHUP_KERNELS:-debug stock}
OUT=$MESHUP_TOP/build/qemu
mkdir -p "$OUT"
# One run at a time per tree: runs share build/qemu and build/kmod-*.
exec 8>"$OUT/.lock"
if ! flock -n 8; then
	log "another QEMU suite run holds build/qemu/.lock; waiting"
	flock 8
fi
TIMINGS=$OUT/timings.txt
: >"$TIMINGS"

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
now() { date +%s; }
timing() { echo "$1: $2 s" >>"$TIMINGS"; log "time: $1: $2 s"; }

# ---- userspace on the host (the guest runs the same binaries)
t=$(now)
if make -j"$JOBS" userspace >"$OUT/userspace.log" 2>&1; then
	ok "build: userspace (make userspace)"
else
	notok "build: userspace (make userspace; see build/qemu/userspace.log)"
	tail -n 20 "$OUT/userspace.log" >&2
fi
timing "build userspace" $(($(now) - t))

# ---- kselftests
t=$(now)
if src=$(source_tree); then
	rm -rf "$MESHUP_TOP/build/selftests"
	if make -C tests/selftests -j"$JOBS" -k OUT="$MESHUP_TOP/build/selftests" \
		KSFT="$src/tools/testing/selftests" >"$OUT/selftests.log" 2>&1; then
		ok "build: selftests"
	else
		notok "build: selftests (see build/qemu/selftests.log)"
		grep -E 'error' "$OUT/selftests.log" | head -n 20 >&2
	fi
else
	notok "build: selftests (no linux-source-6.1 tree)"
fi
timing "build selftests" $(($(now) - t))

# ---- initramfs: busybox, init, and for the stock kernel the modules that
# reach the host (virtio-pci, 9p, overlay) in insmod order.
make_initramfs() { # kernel stockdir|"" out
	local k=$1 sdir=$2 out=$3 stage m ver
	stage=$(mktemp -d) || return 1
	mkdir -p "$stage"/{bin,dev,proc,sys,modules}
	cp /bin/busybox "$stage/bin/busybox" || return 1
	cp "$QEMU_DIR/init.sh" "$stage/init" && chmod 755 "$stage/init"
	if [ -n "$sdir" ]; then
		ver=$(stock_version)
		for m in virtio_pci 9pnet_virtio 9p overlay; do
			modprobe -d "$sdir" -S "$ver" --show-depends "$m" |
				awk '$1 == "insmod" {print $2}'
		done | awk '!seen[$0]++' | while read -r m; do
			cp "$m" "$stage/modules/" && basename "$m" >>"$stage/modules/order"
		done
		[ -s "$stage/modules/order" ] || { rm -rf "$stage"; return 1; }
	fi
	(cd "$stage" && find . | cpio -o -H newc --quiet) >"$out"
	local rc=$?
	rm -rf "$stage"
	return $rc
}

# A backstop for a hung guest: the guest's own limits per unit summed, plus
# 10 minutes for booting, KUnit and the checks.
guest_limit() {
	local sum=600 f t
	for f in "$MESHUP_TOP"/build/selftests/*; do
		[ -x "$f" ] && [ -f "$f" ] && sum=$((sum + ${MESHUP_SELFTEST_TIMEOUT:-600}))
	done
	for f in "$MESHUP_TOP"/tests/mesh/[0-9]*.sh; do
		[ -f "$f" ] || continue
		t=$(sed -nE 's/^# timeout: *([0-9]+).*/\1/p' "$f" | head -n1)
		sum=$((sum + ${t:-600}))
	done
	echo "$sum"
}

# ---- one guest; after a kernel crash the guest is booted again and goes on
# with the units not yet run (the crashed one is reported "not ok").
boot_guest() { # lane kernel bzImage boot-number -> qemu's status
	local L=$1 k=$2 bz=$3 nb=$4 res=$OUT/$1 limit cmdline con
	con=$res/console.log
	[ "$nb" -gt 1 ] && con=$res/console-$nb.log
	cmdline="console=ttyS0 loglevel=7 printk.devkmsg=on panic_on_warn=1 oops=panic panic=-1"
	cmdline+=" sysrq_always_enabled rdinit=/init meshup_results=$res"
	[ "$k" = debug ] && cmdline+=" kmemleak=on"
	limit=${MESHUP_GUEST_TIMEOUT:-$(guest_limit)}
	log "booting $L ($bz), limit ${limit}s, console in ${con#"$MESHUP_TOP"/}"
	timeout -k 10 "$limit" qemu-system-x86_64 -accel tcg -m 2048 -smp 2 \
		-nodefaults -display none -no-reboot -serial stdio -monitor none \
		-kernel "$bz" -initrd "$res/initramfs.cpio" -append "$cmdline" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$res,mount_tag=results,security_model=none,multidevs=remap" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		</dev/null 2>"$res/qemu.err" |
		if [ "${V:-0}" = 1 ]; then tee "$con" >&2; else cat >"$con"; fi
	return "${PIPESTATUS[0]}"
}

run_guest() { # lane kernel bzImage ko moddir
	local L=$1 k=$2 bz=$3 ko=$4 moddir=$5 res=$OUT/$1 t rc nb=0 skip="" unit why con
	rm -rf "$res"
	mkdir -p "$res"
	if [ "$k" = debug ] && [ -f "$kdir_debug/modules.builtin.modinfo" ]; then
		tr '\0' '\n' <"$kdir_debug/modules.builtin.modinfo" |
			sed -nE 's|^[^.]+\.file=(.*)$|kernel/\1.ko|p' | sort -u >"$res/modules.builtin"
	fi
	if ! make_initramfs "$k" "$( [ "$k" = stock ] && echo "$stock_dir")" "$res/initramfs.cpio"; then
		notok "$L: initramfs"
		return
	fi
	: >"$res/results.txt"
	t=$(now)
	while :; do
		nb=$((nb + 1))
		{
			printf 'MESHUP_TOP=%q\n' "$MESHUP_TOP"
			printf 'MESHUP_BUILD=%q\n' "$MESHUP_TOP/build"
			printf 'MESHUP_KO=%q\n' "$ko"
			printf 'MESHUP_KERNEL=%q\n' "$k"
			printf 'MESHUP_LANE=%q\n' "$L"
			local sel=MESHUP_TESTS_${L//-/_}
			printf 'MESHUP_TESTS=%q\n' "${!sel:-${MESHUP_TESTS:-}}"
			printf 'MESHUP_SKIP=%q\n' "$skip"
			printf 'MESHUP_MODDIR=%q\n' "$moddir"
			printf 'KEEP=%q\n' "${KEEP:-0}"
			printf 'export MESHUP_TOP MESHUP_BUILD MESHUP_KO MESHUP_KERNEL MESHUP_LANE MESHUP_TESTS MESHUP_SKIP KEEP\n'
		} >"$res/guest.env"
		rm -f "$res/progress.txt" "$res/done.txt"
		boot_guest "$L" "$k" "$bz" "$nb"
		rc=$?
		con=$res/console.log
		[ "$nb" -gt 1 ] && con=$res/console-$nb.log
		[ -f "$res/done.txt" ] && break
		unit=$(cat "$res/progress.txt" 2>/dev/null || echo boot)
		# The first report of the kernel names the problem better than the
		# panic line does.
		why=$(grep -Em1 'BUG:|refcount_t:|KASAN:|general protection|Oops:|WARNING:|Kernel panic' \
			"$con" 2>/dev/null | sed -E 's/^\[[^]]*\] ?//' | head -c 140)
		[ -n "$why" ] || why="no result marker"
		[ "$rc" = 124 ] && why="host timeout"
		echo "not ok - $L: $unit: the guest died ($why; see ${con#"$MESHUP_TOP"/})" >>"$res/results.txt"
		tail -n 40 "$con" >&2
		# Nothing to go on with if the module or the boot itself dies, or
		# after too many crashes.
		case $unit in boot | insmod | rmmod | kmemleak | done) break ;; esac
		[ "$nb" -ge "${MESHUP_MAX_BOOTS:-20}" ] && break
		skip="$skip $(cat "$res/units.done" 2>/dev/null | tr '\n' ' ') $unit"
	done
	timing "guest $L ($nb boot(s))" $(($(now) - t))
	grep -E '^(not )?ok - ' "$res/results.txt"
	if [ -f "$res/done.txt" ] && [ "$nb" = 1 ]; then
		ok "$L: guest ran to the end"
	elif [ -f "$res/done.txt" ]; then
		notok "$L: guest ran to the end ($((nb - 1)) crash(es), $nb boots)"
	else
		notok "$L: guest ran to the end (gave up after $nb boot(s); the units after $unit did not run)"
	fi
	[ -f "$res/timings.txt" ] && sed "s/^# /  $L /" "$res/timings.txt" >>"$TIMINGS"
}

# Lanes: each is a guest of one kernel with its own selection of units
# (MESHUP_TESTS_<lane>, "-" as "_"), its own module build and result
# directory build/qemu/<lane>/; a lane's name is its kernel, or its kernel
# and "-" and a suffix.  The lanes run side by side (each guest is one TCG
# process; on two host cores this nearly halves the suite); each lane's
# result lines go to its own file and are printed in lane order at the end.
# The power-cut test (tests/qemu/powercut.sh, debug kernel, many boots)
# runs at the end of the stock lane, or alone when there is none.
run_lane() { # lane
	local L=$1 k=${1%%-*} t bz kbuild moddir ko
	case $k in
	debug)
		t=$(now)
		if ! kdir_debug=$(debug_kernel); then
			notok "debug: kernel build (see ${MESHUP_CACHE}/kernel-*/build.log)"
			return
		fi
		timing "debug kernel (build or cache)" $(($(now) - t))
		bz=$kdir_debug/arch/x86/boot/bzImage kbuild=$kdir_debug moddir=
		;;
	stock)
		t=$(now)
		if ! stock_dir=$(stock_kernel); then
			notok "stock: kernel download"
			return
		fi
		timing "stock kernel (download or cache)" $(($(now) - t))
		bz=$(ls "$stock_dir"/boot/vmlinuz-* | head -n1)
		kbuild=$(stock_headers)
		moddir=$stock_dir/lib/modules/$(stock_version)
		;;
	*)
		notok "unknown kernel '$k' in MESHUP_KERNELS"
		return
		;;
	esac
	t=$(now)
	if ko=$(build_module "$L" "$kbuild"); then
		ok "$L: module build"
	else
		notok "$L: module build (see build/kmod-$L/build.log)"
		ko=$MESHUP_TOP/build/kmod-$L/meshup.ko
	fi
	timing "module build $L" $(($(now) - t))
	run_guest "$L" "$k" "$bz" "$ko" "$moddir"
}

# powercut runs unless a unit selection leaves it out
want_powercut() {
	local g sel="${MESHUP_TESTS:-powercut}"
	[[ " $KERNELS " == *" debug "* ]] || return 1
	for g in $sel; do
		# shellcheck disable=SC2053
		[[ powercut == $g ]] && return 0
	done
	return 1
}
run_powercut() {
	local t
	t=$(now)
	bash "$QEMU_DIR/powercut.sh"
	timing "powercut" $(($(now) - t))
}

kdir_debug= stock_dir=
lanes=() names=()
for k in $KERNELS; do
	names+=("$k")
	# a second debug lane when it has units of its own
	[ "$k" = debug ] && [ -n "${MESHUP_TESTS_debug_faults:-}" ] && names+=(debug-faults)
done
# and a debug lane that runs alone, after the others
solo=
[[ " $KERNELS " == *" debug "* ]] && [ -n "${MESHUP_TESTS_debug_solo:-}" ] && solo=debug-solo
pc_lane=
if want_powercut; then
	pc_lane=${names[-1]}
	[[ " ${names[*]} " == *" stock "* ]] && pc_lane=stock
fi
for L in "${names[@]}"; do
	{
		run_lane "$L"
		[ "$L" = "$pc_lane" ] && run_powercut
	} >"$OUT/lane-$L.out" &
	lanes+=("$L:$!")
done
for l in "${lanes[@]}"; do
	wait "${l#*:}"
	cat "$OUT/lane-${l%%:*}.out"
done
if [ -n "$solo" ]; then
	run_lane "$solo" >"$OUT/lane-$solo.out"
	cat "$OUT/lane-$solo.out"
fi
exit 0
