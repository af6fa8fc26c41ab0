#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the demo and bench guests (bench/vm.sh): like tests/qemu/init.sh
# (the host's root over 9p, read-only, with a tmpfs overlay; the result share
# writable at its host path), but runs the one script named in guest.env,
# writes its exit status to <results>/rc and powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo 1 >/proc/sys/kernel/sysrq

die() {
	echo "guest-init: $*"
	echo o >/proc/sysrq-trigger
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
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results "/newroot$results" ||
	die "cannot mount the result share"
mount -t proc proc /newroot/proc
mount -o rbind /sys /newroot/sys
mount -o rbind /dev /newroot/dev
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm 2>/dev/null

. "/newroot$results/guest.env"
kver=$(uname -r)
if [ -n "$MESHUP_MODDIR" ]; then
	mkdir -p "/newroot/lib/modules/$kver"
	mount -o bind "/newroot$MESHUP_MODDIR" "/newroot/lib/modules/$kver"
fi

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=${TERM:-vt100} \
	chroot /newroot /bin/bash -c '. "$1"/guest.env; . "$1"/guest-args.bash; cd "$MESHUP_TOP" && bash "$VM_SCRIPT" "${VM_ARGS[@]}"' \
	guest "$results" </dev/null
echo $? >"/newroot$results/rc"
sync
umount "/newroot$results" 2>/dev/null
echo o >/proc/sysrq-trigger
sleep 10
