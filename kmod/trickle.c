// SPDX-License-Identifier: GPL-2.0
/*
 * meshup: the Trickle algorithm (RFC 6206).
 *
 * Pure functions over struct meshup_trickle: the caller passes the time and
 * the random numbers, so KUnit (trickle_test.c) can drive them.  The timer
 * glue lives in iface.c.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>

#include "trickle.h"

/* Begin an interval of length tr->i at @now: c = 0, t in [I/2, I). */
static void meshup_trickle_begin(struct meshup_trickle *tr, u64 now, u32 rnd)
{
	u64 half = tr->i / 2;
	u64 span = tr->i - half;

	tr->start = now;
	tr->c = 0;
	tr->fired = false;
	tr->t = half + (span ? (u64)rnd % span : 0);
}

/**
 * meshup_trickle_start() - (re)initialise a timer, first interval Imin
 * @tr: the timer
 * @imin_ms: Imin in milliseconds (at least 1)
 * @doublings: Imax = Imin << doublings
 * @k: redundancy constant
 * @now: current time, ms
 * @rnd: a random number
 */
void meshup_trickle_start(struct meshup_trickle *tr, u32 imin_ms,
			  u32 doublings, u32 k, u64 now, u32 rnd)
{
	tr->imin = max_t(u64, imin_ms, 1);
	tr->imax = tr->imin << min_t(u32, doublings, 32);
	tr->k = k;
	tr->i = tr->imin;
	meshup_trickle_begin(tr, now, rnd);
}

/**
 * meshup_trickle_tick() - advance the timer to @now
 * @tr: the timer
 * @now: current time, ms
 * @rnd: a random number, used if a new interval begins
 *
 * Handles at most one event; call again until it returns
 * MESHUP_TRICKLE_NONE.
 *
 * Return: the event that happened.
 */
enum meshup_trickle_action meshup_trickle_tick(struct meshup_trickle *tr,
					       u64 now, u32 rnd)
{
	u64 end = tr->start + tr->i;

	if (!tr->fired && now >= tr->start + tr->t) {
		tr->fired = true;
		return tr->c < tr->k ? MESHUP_TRICKLE_TRANSMIT :
				       MESHUP_TRICKLE_SUPPRESS;
	}
	if (tr->fired && now >= end) {
		tr->i = min(tr->i * 2, tr->imax);
		/* Start the next interval where the last ended, unless the
		 * caller is so late that it would already be over.
		 */
		meshup_trickle_begin(tr, now - end < tr->i ? end : now, rnd);
		return MESHUP_TRICKLE_DOUBLED;
	}
	return MESHUP_TRICKLE_NONE;
}

/**
 * meshup_trickle_next() - when meshup_trickle_tick() next has work
 * @tr: the timer
 *
 * Return: an absolute time in ms.
 */
u64 meshup_trickle_next(const struct meshup_trickle *tr)
{
	return tr->fired ? tr->start + tr->i : tr->start + tr->t;
}

/**
 * meshup_trickle_consistent() - a consistent transmission was heard
 * @tr: the timer
 */
void meshup_trickle_consistent(struct meshup_trickle *tr)
{
	if (tr->c < U32_MAX)
		tr->c++;
}

/**
 * meshup_trickle_reset() - an inconsistency or a local change
 * @tr: the timer
 * @now: current time, ms
 * @rnd: a random number
 *
 * Per RFC 6206 section 4.2 rule 6: if I > Imin, set I to Imin and begin a
 * new interval; if I == Imin, do nothing.
 *
 * Return: true if the interval was reset.
 */
bool meshup_trickle_reset(struct meshup_trickle *tr, u64 now, u32 rnd)
{
	if (tr->i <= tr->imin)
		return false;
	tr->i = tr->imin;
	meshup_trickle_begin(tr, now, rnd);
	return true;
}

/**
 * meshup_trickle_heard() - a BEACON from a neighbour was received
 * @tr: the timer of the interface it arrived on
 * @peer: that neighbour's Trickle bookkeeping
 * @consistent: result of meshup_entries_consistent()
 * @hash: a hash of the neighbour's advert
 * @now: current time, ms
 * @rnd: a random number
 *
 * A consistent beacon increments c.  An inconsistent one resets the timer,
 * unless this neighbour has already caused MESHUP_TRICKLE_MAX_PEER_RESETS
 * resets with an advert that has not changed since: a node that will not or
 * cannot take a bundle must not hold its neighbourhood at Imin.
 *
 * Return: true if the interval was reset.
 */
bool meshup_trickle_heard(struct meshup_trickle *tr,
			  struct meshup_trickle_peer *peer, bool consistent,
			  u32 hash, u64 now, u32 rnd)
{
	if (peer->hash != hash) {
		peer->hash = hash;
		peer->resets = 0;
	}
	if (consistent) {
		meshup_trickle_consistent(tr);
		return false;
	}
	if (peer->resets >= MESHUP_TRICKLE_MAX_PEER_RESETS)
		return false;
	if (!meshup_trickle_reset(tr, now, rnd))
		return false;
	peer->resets++;
	return true;
}
