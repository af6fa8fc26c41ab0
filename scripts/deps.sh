#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package meshup needs to build, test and demo.
# Idempotent: does nothing when everything is already present.
set -e

PKGS="build-essential pkg-config bc bison flex libelf-dev libssl-dev cpio xz-utils
kmod iproute2 busybox-static qemu-system-x86 sparse
linux-headers-amd64 linux-source-6.1
libnl-3-dev libnl-genl-3-dev libcmocka-dev libjson-c-dev libinih-dev
clang libclang-rt-14-dev python3 gnuplot-nox socat alfred batctl wget"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing:$missing" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
