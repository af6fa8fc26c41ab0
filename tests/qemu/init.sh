#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the meshup test initramfs (busybox-static).  Loads what the kernel
# needs to reach the host (stock kernel: modules listed in /modules/order),
# mounts the host's root read-only over 9p with a tmpfs overlay on top, the
# writable result share (build/qemu/<kernel>/ of the repo) at the same path,
# and runs tests/qemu/guest-run.sh chrooted in it (or, for the demo and
# bench guests of bench/vm.sh, the one script named VM_SCRIPT in guest.env,
# its exit status written to <results>/rc).  Then reboots, which with QEMU's
# -no-reboot ends the guest.  The host judges the run by the files in
# the result share, never by how QEMU exits.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo 1 >/proc/sys/kernel/sysrq

die() {
	echo "meshup-init: $*"
	echo b >/proc/sysrq-trigger
	sleep 10
}

if [ -f /modules/order ]; then
	while read -r m; do
		insmod "/modules/$m" || die "insmod $m failed"
	done </modules/order
fi

results=
for w in $(cat /proc/cmdline); do
	case $w in
	meshup_results=*) results=${w#meshup_results=} ;;
	esac
done
[ -n "$results" ] || die "no meshup_results= on the command line"

mkdir -p /host /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /host ||
	die "cannot mount the host's root"
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	die "cannot mount the overlay"
mount -t proc proc /newroot/proc
mount -o rbind /sys /newroot/sys
mount -o rbind /dev /newroot/dev
# /tmp and /run are writable through the overlay already; a tmpfs goes on
# them only when the clone does not live below them (CI may clone into /tmp).
case "$results" in
/tmp/*) ;;
*) mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp ;;
esac
case "$results" in
/run/*) ;;
*) mount -t tmpfs -o mode=0755 tmpfs /newroot/run ;;
esac
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results "/newroot$results" ||
	die "cannot mount the result share"
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm 2>/dev/null
mount -t debugfs debugfs /newroot/sys/kernel/debug 2>/dev/null

. "/newroot$results/guest.env"
kver=$(uname -r)
mkdir -p "/newroot/lib/modules/$kver"
if [ -n "$MESHUP_MODDIR" ]; then
	mount -o bind "/newroot$MESHUP_MODDIR" "/newroot/lib/modules/$kver"
elif [ -f "/newroot$results/modules.builtin" ]; then
	cp "/newroot$results/modules.builtin" "/newroot/lib/modules/$kver/"
	chroot /newroot depmod "$kver" 2>/dev/null
fi

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
if [ -n "${VM_SCRIPT:-}" ]; then
	# A demo or bench guest (bench/vm.sh): one script, its status in rc.
	TERM=${TERM:-vt100} chroot /newroot /bin/bash -c \
		'. "$1"/guest.env; . "$1"/guest-args.bash; cd "$MESHUP_TOP" && bash "$VM_SCRIPT" "${VM_ARGS[@]}"' \
		guest "$results" </dev/null
	echo $? >"/newroot$results/rc"
else
	echo "meshup-init: running guest-run.sh"
	chroot /newroot /bin/bash "$MESHUP_TOP/tests/qemu/guest-run.sh" "$results"
	echo "meshup-init: guest-run.sh exited with status $?"
fi
sync
umount "/newroot$results" 2>/dev/null
echo b >/proc/sysrq-trigger
sleep 10
