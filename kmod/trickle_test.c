// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the Trickle state machine (trickle.c).
 */
#include <kunit/test.h>

#include "trickle.h"

static const u32 rnds[] = { 0, 1, 49, 50, 51, 99, 12345, 0x7fffffff,
			    0xffffffff };

/* Run @tr to the end of its interval; return the transmit decision. */
static enum meshup_trickle_action run_interval(struct kunit *test,
					       struct meshup_trickle *tr,
					       u32 rnd)
{
	enum meshup_trickle_action a, seen = MESHUP_TRICKLE_NONE;
	u64 end = tr->start + tr->i;

	KUNIT_EXPECT_EQ(test, meshup_trickle_tick(tr, tr->start + tr->t - 1,
						  rnd),
			MESHUP_TRICKLE_NONE);
	a = meshup_trickle_tick(tr, tr->start + tr->t, rnd);
	KUNIT_EXPECT_NE(test, a, MESHUP_TRICKLE_NONE);
	seen = a;
	KUNIT_EXPECT_EQ(test, meshup_trickle_tick(tr, end - 1, rnd),
			MESHUP_TRICKLE_NONE);
	KUNIT_EXPECT_EQ(test, meshup_trickle_next(tr), end);
	KUNIT_EXPECT_EQ(test, meshup_trickle_tick(tr, end, rnd),
			MESHUP_TRICKLE_DOUBLED);
	KUNIT_EXPECT_EQ(test, tr->start, end);
	return seen;
}

static void trickle_test_start(struct kunit *test)
{
	struct meshup_trickle tr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rnds); i++) {
		meshup_trickle_start(&tr, 100, 13, 2, 1000, rnds[i]);
		KUNIT_EXPECT_EQ(test, tr.i, 100ULL);
		KUNIT_EXPECT_EQ(test, tr.imax, 100ULL << 13);
		KUNIT_EXPECT_EQ(test, tr.start, 1000ULL);
		KUNIT_EXPECT_EQ(test, tr.c, 0U);
		KUNIT_EXPECT_GE(test, tr.t, 50ULL);
		KUNIT_EXPECT_LT(test, tr.t, 100ULL);
		KUNIT_EXPECT_EQ(test, meshup_trickle_next(&tr), 1000 + tr.t);
	}
	/* odd Imin: t in [I/2, I) with I/2 rounded down */
	meshup_trickle_start(&tr, 11, 0, 1, 0, 0xffffffff);
	KUNIT_EXPECT_GE(test, tr.t, 5ULL);
	KUNIT_EXPECT_LT(test, tr.t, 11ULL);
}

static void trickle_test_doubling(struct kunit *test)
{
	struct meshup_trickle tr;
	u64 want = 100;
	int n;

	meshup_trickle_start(&tr, 100, 4, 2, 0, 7);
	for (n = 0; n < 10; n++) {
		u32 rnd = rnds[n % ARRAY_SIZE(rnds)];

		KUNIT_EXPECT_EQ(test, tr.i, want);
		KUNIT_EXPECT_GE(test, tr.t, tr.i / 2);
		KUNIT_EXPECT_LT(test, tr.t, tr.i);
		KUNIT_EXPECT_EQ(test, run_interval(test, &tr, rnd),
				MESHUP_TRICKLE_TRANSMIT);
		want = min_t(u64, want * 2, 1600);
	}
	/* capped at Imax = 100 << 4 */
	KUNIT_EXPECT_EQ(test, tr.i, 1600ULL);
}

static void trickle_test_no_doublings(struct kunit *test)
{
	struct meshup_trickle tr;

	meshup_trickle_start(&tr, 100, 0, 2, 0, 3);
	run_interval(test, &tr, 3);
	KUNIT_EXPECT_EQ(test, tr.i, 100ULL);
}

static void trickle_test_suppress(struct kunit *test)
{
	struct meshup_trickle tr;

	meshup_trickle_start(&tr, 100, 13, 2, 0, 0);
	meshup_trickle_consistent(&tr);
	/* c = 1 < k = 2: transmit */
	KUNIT_EXPECT_EQ(test, run_interval(test, &tr, 0),
			MESHUP_TRICKLE_TRANSMIT);
	/* c was cleared by the new interval */
	KUNIT_EXPECT_EQ(test, tr.c, 0U);
	meshup_trickle_consistent(&tr);
	meshup_trickle_consistent(&tr);
	/* c = 2 >= k: suppress */
	KUNIT_EXPECT_EQ(test, run_interval(test, &tr, 0),
			MESHUP_TRICKLE_SUPPRESS);
	/* k = 1 */
	meshup_trickle_start(&tr, 100, 13, 1, 0, 0);
	meshup_trickle_consistent(&tr);
	KUNIT_EXPECT_EQ(test, run_interval(test, &tr, 0),
			MESHUP_TRICKLE_SUPPRESS);
	/* the next interval starts again with c = 0 */
	KUNIT_EXPECT_EQ(test, run_interval(test, &tr, 0),
			MESHUP_TRICKLE_TRANSMIT);
}

static void trickle_test_reset(struct kunit *test)
{
	struct meshup_trickle tr;
	u64 now;

	meshup_trickle_start(&tr, 100, 13, 2, 0, 0);
	/* I == Imin: a reset does nothing */
	KUNIT_EXPECT_FALSE(test, meshup_trickle_reset(&tr, 10, 0));
	KUNIT_EXPECT_EQ(test, tr.start, 0ULL);
	run_interval(test, &tr, 0);
	run_interval(test, &tr, 0);
	KUNIT_EXPECT_EQ(test, tr.i, 400ULL);
	meshup_trickle_consistent(&tr);
	now = tr.start + 17;
	KUNIT_EXPECT_TRUE(test, meshup_trickle_reset(&tr, now, 99));
	KUNIT_EXPECT_EQ(test, tr.i, 100ULL);
	KUNIT_EXPECT_EQ(test, tr.start, now);
	KUNIT_EXPECT_EQ(test, tr.c, 0U);
	KUNIT_EXPECT_FALSE(test, tr.fired);
	KUNIT_EXPECT_EQ(test, tr.t, 50ULL + 99 % 50);
	KUNIT_EXPECT_EQ(test, run_interval(test, &tr, 0),
			MESHUP_TRICKLE_TRANSMIT);
}

static void trickle_test_late(struct kunit *test)
{
	struct meshup_trickle tr;
	int n = 0;

	meshup_trickle_start(&tr, 100, 2, 2, 0, 0);
	/* a caller that wakes up very late still gets sane intervals */
	while (meshup_trickle_tick(&tr, 100000, 0) != MESHUP_TRICKLE_NONE)
		n++;
	KUNIT_EXPECT_LE(test, n, 4);
	KUNIT_EXPECT_EQ(test, tr.start, 100000ULL);
	KUNIT_EXPECT_GT(test, meshup_trickle_next(&tr), 100000ULL);
}

/* Grow the interval so that a reset has an effect. */
static void grow(struct kunit *test, struct meshup_trickle *tr)
{
	run_interval(test, tr, 0);
}

static void trickle_test_three_resets(struct kunit *test)
{
	struct meshup_trickle_peer peer = {};
	struct meshup_trickle tr;
	int n;

	meshup_trickle_start(&tr, 100, 13, 2, 0, 0);
	for (n = 0; n < MESHUP_TRICKLE_MAX_PEER_RESETS; n++) {
		grow(test, &tr);
		KUNIT_EXPECT_TRUE(test, meshup_trickle_heard(&tr, &peer, false,
							     0xaaaa,
							     tr.start + 1, 0));
		KUNIT_EXPECT_EQ(test, tr.i, 100ULL);
	}
	/* the same differing advert: no more resets */
	grow(test, &tr);
	KUNIT_EXPECT_FALSE(test, meshup_trickle_heard(&tr, &peer, false, 0xaaaa,
						      tr.start + 1, 0));
	KUNIT_EXPECT_EQ(test, tr.i, 200ULL);
	/* nor does it count as consistent */
	KUNIT_EXPECT_EQ(test, tr.c, 0U);
	/* its advert changes: it may reset again */
	KUNIT_EXPECT_TRUE(test, meshup_trickle_heard(&tr, &peer, false, 0xbbbb,
						     tr.start + 1, 0));
	KUNIT_EXPECT_EQ(test, peer.resets, 1);
	/* at Imin the attempt does not count */
	KUNIT_EXPECT_FALSE(test, meshup_trickle_heard(&tr, &peer, false, 0xbbbb,
						      tr.start + 2, 0));
	KUNIT_EXPECT_EQ(test, peer.resets, 1);
	/* another neighbour has its own budget */
	{
		struct meshup_trickle_peer other = {};

		grow(test, &tr);
		KUNIT_EXPECT_TRUE(test, meshup_trickle_heard(&tr, &other, false,
							     0xaaaa,
							     tr.start + 1, 0));
	}
}

static void trickle_test_consistent_heard(struct kunit *test)
{
	struct meshup_trickle_peer peer = {};
	struct meshup_trickle tr;

	meshup_trickle_start(&tr, 100, 13, 2, 0, 0);
	grow(test, &tr);
	KUNIT_EXPECT_FALSE(test, meshup_trickle_heard(&tr, &peer, true, 0x1,
						      tr.start + 1, 0));
	KUNIT_EXPECT_EQ(test, tr.c, 1U);
	KUNIT_EXPECT_EQ(test, tr.i, 200ULL);
	KUNIT_EXPECT_EQ(test, peer.hash, 0x1U);
	KUNIT_EXPECT_EQ(test, peer.resets, 0);
}

static struct kunit_case trickle_test_list[] = {
	KUNIT_CASE(trickle_test_start),
	KUNIT_CASE(trickle_test_doubling),
	KUNIT_CASE(trickle_test_no_doublings),
	KUNIT_CASE(trickle_test_suppress),
	KUNIT_CASE(trickle_test_reset),
	KUNIT_CASE(trickle_test_late),
	KUNIT_CASE(trickle_test_three_resets),
	KUNIT_CASE(trickle_test_consistent_heard),
	{}
};

static struct kunit_suite trickle_test_suite = {
	.name = "meshup_trickle",
	.test_cases = trickle_test_list,
};

kunit_test_suites(&trickle_test_suite);
