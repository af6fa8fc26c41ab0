#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1500
#
# Loss and disorder on a 5x5 grid: a 30 KB bundle spreads from a corner
# once over clean links (the reference time), then every link, both ways,
# gets netem with 20% random loss, a 10 ms delay that 25% of frames skip (so
# frames really overtake each other) and 10% duplication, and a newer 30 KB
# bundle is injected at the same corner: every node activates it exactly
# once, the opposite corner holds it byte for byte. Prints both times and
# their ratio.
. "$(dirname "$0")/lib.sh"

S=5
pairs=()
names=()
for r in $(seq 0 $((S - 1))); do
	for c in $(seq 0 $((S - 1))); do
		names+=("g$r$c")
		[ "$c" -gt 0 ] && pairs+=("g$r$((c - 1)) g$r$c")
		[ "$r" -gt 0 ] && pairs+=("g$((r - 1))$c g$r$c")
	done
done
loss_scenario "${S}x$S grid" g00 "g$((S - 1))$((S - 1))" 30000 g00 g01 g02 g03 g04
