#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1200
#
# Loss and disorder on a line of 10 nodes: a 50 KB bundle spreads end to
# end once over clean links (the reference time), then every link, both
# ways, gets netem with 20% random loss, a 10 ms delay that 25% of frames
# skip (so frames really overtake each other) and 10% duplication, and a
# newer 50 KB bundle is injected: every node activates it exactly once, the
# far end holds it byte for byte. Prints both times and their ratio.
. "$(dirname "$0")/lib.sh"

N=10
pairs=()
names=()
for i in $(seq 0 $((N - 1))); do
	names+=("n$i")
	[ "$i" -gt 0 ] && pairs+=("n$((i - 1)) n$i")
done
loss_scenario "line of $N" n0 "n$((N - 1))" 50000
