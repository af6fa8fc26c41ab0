# SPDX-License-Identifier: GPL-2.0
#
# A thin layer over tests/qemu/lib.sh for `make demo` and `make bench`: boot
# Debian's stock kernel (no debug build: a fast first run) with the host's
# root shared read-only, run ONE script in the guest and stream its output
# (the guest's serial console) to our stdout.  Sourced, not run.
#
#   vm_prepare NAME     userspace build, stock kernel (download once), module
#                       build in build/kmod-NAME, initramfs; results and logs
#                       go to build/NAME/ (a writable share in the guest)
#   vm_run SCRIPT [ARG...]
#                       boots, runs `bash SCRIPT ARG...` as root in the guest
#                       (cwd = repo root; env MESHUP_TOP, MESHUP_BUILD,
#                       MESHUP_KO, VM_RES = the result dir, VM_TTY = 1 when our
#                       stdout is a terminal, COLUMNS, and every variable named
#                       in VM_PASS); returns the script's exit status (or 125
#                       when the guest died before it ended).  The console is
#                       also kept in build/NAME/console.log.
#
# Knobs: VM_MEM (MiB, 2048), VM_SMP (2), VM_TIMEOUT (host-side limit, s, 3600).

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../tests/qemu/lib.sh"
BENCH_DIR=$MESHUP_TOP/bench

vm_log() { echo "$*" >&2; }

vm_initramfs() { # stockdir out
	local sdir=$1 out=$2 stage m ver
	ver=$(stock_version) || return 1
	stage=$(mktemp -d) || return 1
	mkdir -p "$stage"/{bin,dev,proc,sys,modules}
	cp /bin/busybox "$stage/bin/busybox" || return 1
	cp "$MESHUP_TOP/tests/qemu/init.sh" "$stage/init" && chmod 755 "$stage/init"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$sdir" -S "$ver" --show-depends "$m" |
			awk '$1 == "insmod" {print $2}'
	done | awk '!seen[$0]++' | while read -r m; do
		cp "$m" "$stage/modules/" && basename "$m" >>"$stage/modules/order"
	done
	[ -s "$stage/modules/order" ] || { rm -rf "$stage"; return 1; }
	(cd "$stage" && find . | cpio -o -H newc --quiet) >"$out"
	local rc=$?
	rm -rf "$stage"
	return $rc
}

vm_prepare() { # NAME
	VM_NAME=$1
	VM_RES=$MESHUP_TOP/build/$1
	mkdir -p "$VM_RES"
	vm_log "$1: building userspace (make userspace)"
	make -C "$MESHUP_TOP" -s -j"$JOBS" userspace >"$VM_RES/build.log" 2>&1 ||
		{ tail -n 20 "$VM_RES/build.log" >&2; return 1; }
	vm_log "$1: stock Debian kernel (downloaded once into ${MESHUP_CACHE})"
	VM_STOCK=$(stock_kernel) || return 1
	VM_BZ=$(ls "$VM_STOCK"/boot/vmlinuz-* | head -n1)
	VM_MODDIR=$VM_STOCK/lib/modules/$(stock_version)
	vm_log "$1: building meshup.ko against $(stock_headers)"
	VM_KO=$(build_module "$1" "$(stock_headers)") || return 1
	vm_initramfs "$VM_STOCK" "$VM_RES/initramfs.cpio" || { vm_log "$1: initramfs failed"; return 1; }
}

vm_run() { # SCRIPT ARGS...
	local script=$1 v rc tty=0
	shift
	[ -t 1 ] && tty=1
	rm -f "$VM_RES/rc"
	{
		printf 'MESHUP_TOP=%q\n' "$MESHUP_TOP"
		printf 'MESHUP_BUILD=%q\n' "$MESHUP_TOP/build"
		printf 'MESHUP_KO=%q\n' "$VM_KO"
		printf 'MESHUP_MODDIR=%q\n' "$VM_MODDIR"
		printf 'VM_RES=%q\n' "$VM_RES"
		printf 'VM_TTY=%q\n' "$tty"
		printf 'COLUMNS=%q\n' "$(tput cols 2>/dev/null || echo 80)"
		printf 'VM_SCRIPT=%q\n' "$script"
		for v in ${VM_PASS:-}; do
			[ -n "${!v+x}" ] && printf '%s=%q\n' "$v" "${!v}"
		done
		printf 'export MESHUP_TOP MESHUP_BUILD MESHUP_KO VM_RES VM_TTY COLUMNS %s\n' "${VM_PASS:-}"
	} >"$VM_RES/guest.env"
	printf 'VM_ARGS=(%s)\n' "$(printf '%q ' "$@")" >"$VM_RES/guest-args.bash"
	timeout -k 10 "${VM_TIMEOUT:-3600}" qemu-system-x86_64 -accel tcg \
		-m "${VM_MEM:-2048}" -smp "${VM_SMP:-2}" \
		-nodefaults -display none -no-reboot -serial stdio -monitor none \
		-kernel "$VM_BZ" -initrd "$VM_RES/initramfs.cpio" \
		-append "console=ttyS0 ${VM_CMDLINE:-quiet loglevel=1} panic=-1 rdinit=/init meshup_results=$VM_RES" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$VM_RES,mount_tag=results,security_model=none,multidevs=remap" \
		</dev/null 2>"$VM_RES/qemu.err" | tee "$VM_RES/console.log" |
		sed -u -e '/reboot: Power down/d' -e '/^\[ *[0-9]*\.[0-9]*\]/d' 
	rc=$(cat "$VM_RES/rc" 2>/dev/null)
	if [ -z "$rc" ]; then
		vm_log "$VM_NAME: the guest ended before the script did (see ${VM_RES#"$MESHUP_TOP"/}/console.log)"
		return 125
	fi
	return "$rc"
}
