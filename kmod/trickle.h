/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup: the Trickle algorithm (RFC 6206) as pure functions.
 */
#ifndef _MESHUP_TRICKLE_H
#define _MESHUP_TRICKLE_H

#include <linux/types.h>

/* A neighbour whose differing advert has caused this many resets is muted. */
#define MESHUP_TRICKLE_MAX_PEER_RESETS	3

/**
 * struct meshup_trickle - state of one Trickle timer; times in milliseconds
 * @imin: smallest interval
 * @imax: largest interval (imin << doublings)
 * @k: redundancy constant
 * @i: current interval length
 * @start: when the current interval began
 * @t: transmission point, offset from @start, in [i/2, i)
 * @c: consistent transmissions heard in this interval
 * @fired: the transmission point of this interval has passed
 */
struct meshup_trickle {
	u64 imin;
	u64 imax;
	u32 k;
	u64 i;
	u64 start;
	u64 t;
	u32 c;
	bool fired;
};

/**
 * struct meshup_trickle_peer - what a neighbour did to our timer
 * @hash: hash of its last advert
 * @resets: resets it caused since its advert last changed
 */
struct meshup_trickle_peer {
	u32 hash;
	u8 resets;
};

/**
 * enum meshup_trickle_action - what meshup_trickle_tick() asks of the caller
 * @MESHUP_TRICKLE_NONE: nothing is due
 * @MESHUP_TRICKLE_TRANSMIT: send a beacon now
 * @MESHUP_TRICKLE_SUPPRESS: the transmission point passed with c >= k
 * @MESHUP_TRICKLE_DOUBLED: the interval ended and a new one began
 */
enum meshup_trickle_action {
	MESHUP_TRICKLE_NONE,
	MESHUP_TRICKLE_TRANSMIT,
	MESHUP_TRICKLE_SUPPRESS,
	MESHUP_TRICKLE_DOUBLED,
};

void meshup_trickle_start(struct meshup_trickle *tr, u32 imin_ms,
			  u32 doublings, u32 k, u64 now, u32 rnd);
enum meshup_trickle_action meshup_trickle_tick(struct meshup_trickle *tr,
					       u64 now, u32 rnd);
u64 meshup_trickle_next(const struct meshup_trickle *tr);
void meshup_trickle_consistent(struct meshup_trickle *tr);
bool meshup_trickle_reset(struct meshup_trickle *tr, u64 now, u32 rnd);
bool meshup_trickle_heard(struct meshup_trickle *tr,
			  struct meshup_trickle_peer *peer, bool consistent,
			  u32 hash, u64 now, u32 rnd);

#endif /* _MESHUP_TRICKLE_H */
