# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the QEMU suite: the cache, the debug and the stock
# kernel, the module builds.  Sourced by tests/qemu/run.sh; can also be run
# alone: `bash tests/qemu/lib.sh debug-kernel|stock-kernel` (prints the dir).
#
# Everything lands in ${MESHUP_CACHE:-$HOME/.cache/meshup}:
#   linux-source-6.1/        the unpacked linux-source package (shared with
#                            the static checks; never built in)
#   kernel-<hash>/           out-of-tree debug build (O=), keyed by a hash of
#                            tests/qemu/debug.config + the package version
#   stock-<version>/         the unpacked Debian linux-image package

QEMU_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MESHUP_TOP=${MESHUP_TOP:-$(cd "$QEMU_DIR/../.." && pwd)}
MESHUP_CACHE=${MESHUP_CACHE:-$HOME/.cache/meshup}
JOBS=${JOBS:-2}

log() { echo "qemu: $*" >&2; }

# The unpacked linux-source-6.1; unpacked once, atomically (temp dir +
# rename under a lock), so concurrent suites never see half a tree.
source_tree() {
	local dst=$MESHUP_CACHE/linux-source-6.1 tarball tmp
	if [ -f "$dst/Makefile" ]; then
		echo "$dst"
		return 0
	fi
	tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || { log "no /usr/src/linux-source-6.1.tar.*"; return 1; }
	mkdir -p "$MESHUP_CACHE"
	(
		flock 9
		if [ ! -f "$dst/Makefile" ]; then
			tmp=$(mktemp -d "$MESHUP_CACHE/.src.XXXXXX") || exit 1
			log "unpacking $tarball"
			tar -C "$tmp" -xf "$tarball" || { rm -rf "$tmp"; exit 1; }
			mv "$tmp/linux-source-6.1" "$dst" && rmdir "$tmp"
		fi
	) 9>"$MESHUP_CACHE/.source.lock" || return 1
	echo "$dst"
}

src_version() { dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown; }

# Directory of the debug kernel build, named after what it is built from.
debug_kernel_dir() {
	local h
	h=$( { cat "$QEMU_DIR/debug.config"; src_version; } | sha256sum | cut -c1-12)
	echo "$MESHUP_CACHE/kernel-$h"
}

# Build (or reuse) the debug kernel; prints its build directory.
debug_kernel() {
	local src kdir tmp
	kdir=$(debug_kernel_dir)
	if [ -f "$kdir/.done" ]; then
		echo "$kdir"
		return 0
	fi
	src=$(source_tree) || return 1
	mkdir -p "$kdir"
	(
		flock 9
		[ -f "$kdir/.done" ] && exit 0
		log "building debug kernel in $kdir (-j$JOBS, several minutes)"
		cd "$src" || exit 1
		make -s O="$kdir" tinyconfig >&2 || exit 1
		KCONFIG_CONFIG="$kdir/.config" scripts/kconfig/merge_config.sh -m \
			-O "$kdir" "$kdir/.config" "$QEMU_DIR/debug.config" >&2 || exit 1
		make -s O="$kdir" olddefconfig >&2 || exit 1
		# Every line of the fragment must have survived olddefconfig.
		local missing=0 line
		while read -r line; do
			case $line in
			CONFIG_*=*) grep -qx "$line" "$kdir/.config" || { log "config lost: $line"; missing=1; } ;;
			"# CONFIG_"*" is not set") grep -qx "$line" "$kdir/.config" || { log "config lost: $line"; missing=1; } ;;
			esac
		done <"$QEMU_DIR/debug.config"
		[ $missing = 0 ] || exit 1
		make O="$kdir" -j"$JOBS" bzImage modules_prepare >"$kdir/build.log" 2>&1 ||
			{ tail -n 30 "$kdir/build.log" >&2; exit 1; }
		touch "$kdir/.done"
	) 9>"$kdir.lock" || return 1
	echo "$kdir"
}

# Version of the kernel whose headers the stock module is built against.
stock_version() {
	local h
	h=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$h" ] || return 1
	echo "${h#/usr/src/linux-headers-}"
}

stock_headers() { echo "/usr/src/linux-headers-$(stock_version)"; }

# Fetch (or reuse) the Debian kernel matching the installed headers;
# prints the directory it was unpacked into (boot/ and lib/modules/ inside).
stock_kernel() {
	local ver dir tmp deb
	ver=$(stock_version) || { log "no linux-headers-6.1.*-amd64 installed"; return 1; }
	dir=$MESHUP_CACHE/stock-$ver
	if [ -f "$dir/.done" ]; then
		echo "$dir"
		return 0
	fi
	mkdir -p "$MESHUP_CACHE"
	(
		flock 9
		[ -f "$dir/.done" ] && exit 0
		tmp=$(mktemp -d "$MESHUP_CACHE/.stock.XXXXXX") || exit 1
		log "downloading linux-image-$ver"
		(cd "$tmp" && apt-get download "linux-image-$ver" >&2) ||
			(cd "$tmp" && apt-get download "linux-image-$ver-unsigned" >&2) ||
			{ rm -rf "$tmp"; exit 1; }
		deb=$(ls "$tmp"/*.deb | head -n1)
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg -x "$deb" "$dir" && rm -rf "$tmp" || exit 1
		depmod -b "$dir" "$ver" || exit 1
		touch "$dir/.done"
	) 9>"$MESHUP_CACHE/.stock.lock" || return 1
	echo "$dir"
}

# Build the module for one kernel: copies Kbuild, kmod/ and include/ into
# build/kmod-<kernel>/ and builds there; prints the path of meshup.ko.
build_module() {
	local kernel=$1 kdir=$2 out=$MESHUP_TOP/build/kmod-$1 ko
	local from=${MESHUP_KMOD_SRC:-$MESHUP_TOP}
	rm -rf "$out"
	mkdir -p "$out"
	for f in Kbuild kmod include; do
		[ -e "$from/$f" ] || { log "$f missing in $from"; return 1; }
		cp -a "$from/$f" "$out/"
	done
	# Only sources: drop objects of in-place builds against other kernels.
	find "$out" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name modules.order -o -name Module.symvers \) -delete
	make -C "$kdir" M="$out" -j"$JOBS" modules >"$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; return 1; }
	ko=$(find "$out" -name meshup.ko | head -n1)
	[ -n "$ko" ] || { log "no meshup.ko produced in $out"; return 1; }
	echo "$ko"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case ${1:-} in
	debug-kernel) debug_kernel ;;
	stock-kernel) stock_kernel ;;
	source) source_tree ;;
	*) echo "usage: $0 debug-kernel|stock-kernel|source" >&2; exit 2 ;;
	esac
fi
