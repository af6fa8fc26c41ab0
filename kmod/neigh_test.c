// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the REQUEST rate limits (neigh.c): a neighbour's own
 * token bucket, and the one all senders outside the neighbour table share.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "neigh.h"

#define T0	(1000ULL * NSEC_PER_SEC)

static struct meshup_net *neigh_test_net(struct kunit *test, u32 rate,
					 u32 burst)
{
	struct meshup_net *mn = kunit_kzalloc(test, sizeof(*mn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mn);
	spin_lock_init(&mn->neigh_lock);
	hash_init(mn->neigh_hash);
	INIT_LIST_HEAD(&mn->neigh_lru);
	hash_init(mn->rl_hash);
	INIT_LIST_HEAD(&mn->rl_lru);
	mn->params.req_rate = rate;
	mn->params.req_burst = burst;
	return mn;
}

/* Put (@ifindex, @addr) in the table as if its BEACON had been heard. */
static void neigh_test_add(struct kunit *test, struct meshup_net *mn,
			   int ifindex, const u8 *addr)
{
	struct meshup_neigh *n = kzalloc(sizeof(*n), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, n);
	n->ifindex = ifindex;
	ether_addr_copy(n->addr, addr);
	n->heard = jiffies;
	n->beacons = 2;
	hash_add(mn->neigh_hash, &n->hnode, meshup_addr_hash(ifindex, addr));
	list_add_tail(&n->lru, &mn->neigh_lru);
	mn->neigh_count++;
}

/* @count REQUESTs at @now, each from another random MAC; how many pass. */
static int neigh_test_strangers(struct meshup_net *mn, int count, u64 now)
{
	u8 mac[ETH_ALEN];
	int i, ok = 0;

	for (i = 0; i < count; i++) {
		eth_random_addr(mac);
		ok += meshup_neigh_request_ok(mn, 1, mac, now);
	}
	return ok;
}

/* Strangers together get an eighth of one neighbour's rate and burst. */
static void neigh_test_strangers_share(struct kunit *test)
{
	struct meshup_net *mn = neigh_test_net(test, 200, 400);

	/* the shared bucket starts full: 400 / 8 at once, then nothing */
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 1000, T0), 50);
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 10, T0), 0);
	/* 200 / 8 = 25 a second: one per 40 ms */
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 10, T0 + 39999999), 0);
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 10, T0 + 40000000), 1);
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 1000,
						   T0 + 40000000 +
						   NSEC_PER_SEC), 25);
	/* a long silence refills to the shared depth, not beyond */
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 1000,
						   T0 + 3600 * NSEC_PER_SEC),
			50);
	KUNIT_EXPECT_EQ(test, mn->rl_count, 0);
	meshup_neigh_flush(mn);
}

/* A flood of strangers does not touch the buckets of neighbours. */
static void neigh_test_neighbour_own_bucket(struct kunit *test)
{
	static const u8 nb[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0b };
	static const u8 other[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0c };
	struct meshup_net *mn = neigh_test_net(test, 200, 400);
	int i, ok = 0;

	neigh_test_add(test, mn, 1, nb);
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 1000, T0), 50);
	for (i = 0; i < 1000; i++)
		ok += meshup_neigh_request_ok(mn, 1, nb, T0);
	KUNIT_EXPECT_EQ(test, ok, 400);
	KUNIT_EXPECT_EQ(test, mn->rl_count, 1);
	/* 5 ms later: one more for it (200/s), none for the strangers */
	KUNIT_EXPECT_TRUE(test, meshup_neigh_request_ok(mn, 1, nb,
							T0 + 5000000));
	KUNIT_EXPECT_FALSE(test, meshup_neigh_request_ok(mn, 1, nb,
							 T0 + 5000000));
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 10, T0 + 5000000), 0);
	/* the same MAC on another interface is a stranger there */
	KUNIT_EXPECT_FALSE(test, meshup_neigh_request_ok(mn, 2, nb,
							 T0 + 5000000));
	/* and a second neighbour starts with a full bucket of its own */
	neigh_test_add(test, mn, 1, other);
	ok = 0;
	for (i = 0; i < 1000; i++)
		ok += meshup_neigh_request_ok(mn, 1, other, T0 + 5000000);
	KUNIT_EXPECT_EQ(test, ok, 400);
	KUNIT_EXPECT_EQ(test, mn->rl_count, 2);
	meshup_neigh_flush(mn);
	KUNIT_EXPECT_EQ(test, mn->rl_count, 0);
}

/* Rates below 8 still leave strangers one REQUEST a second. */
static void neigh_test_strangers_small_rate(struct kunit *test)
{
	struct meshup_net *mn = neigh_test_net(test, 4, 4);

	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 100, T0), 1);
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 100,
						   T0 + NSEC_PER_SEC - 1), 0);
	KUNIT_EXPECT_EQ(test, neigh_test_strangers(mn, 100,
						   T0 + NSEC_PER_SEC), 1);
	meshup_neigh_flush(mn);
}

static struct kunit_case neigh_test_list[] = {
	KUNIT_CASE(neigh_test_strangers_share),
	KUNIT_CASE(neigh_test_neighbour_own_bucket),
	KUNIT_CASE(neigh_test_strangers_small_rate),
	{}
};

static struct kunit_suite neigh_test_suite = {
	.name = "meshup_neigh",
	.test_cases = neigh_test_list,
};

kunit_test_suites(&neigh_test_suite);
