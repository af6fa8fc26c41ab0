// SPDX-License-Identifier: GPL-2.0
/*
 * Trickle: while everything is consistent the beacon interval doubles, so the
 * number of beacons per window falls; an inconsistent beacon (same channel,
 * other version) and a local SET_ADVERT change reset it to Imin, so the
 * count jumps.  Node A (Imin 20 ms, k 255 so that nothing is suppressed) is
 * watched from B with an AF_PACKET socket.  Counts are asserted with wide
 * margins: TCG timing is noisy.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "helper.h"
#include "kselftest_harness.h"

#define IMIN 20
static const char MAC_A[] = "02:00:00:00:0a:01";
static const char MAC_B[] = "02:00:00:00:0b:01";
static const uint8_t CHAN[4] = { 0xc1, 0xc2, 0xc3, 0xc4 };

FIXTURE(trickle) {
	char a[32], b[32];
	struct mu_nl nl;
	int cap;
	uint8_t mac_a[ETH_ALEN];
};

FIXTURE_SETUP(trickle)
{
	struct mu_params p = { .imin_ms = IMIN, .k = 255 };
	struct meshup_beacon_entry e;

	self->cap = -1;
	snprintf(self->a, sizeof(self->a), "mut%d-a", getpid());
	snprintf(self->b, sizeof(self->b), "mut%d-b", getpid());
	ASSERT_EQ(0, mu_sh("ip netns add %s && ip netns add %s", self->a, self->b));
	ASSERT_EQ(0, mu_sh("ip -n %s link add ta address %s type veth peer name tb netns %s address %s",
			   self->a, MAC_A, self->b, MAC_B));
	mu_parse_mac(MAC_A, self->mac_a);
	ASSERT_EQ(0, mu_nl_open(&self->nl, self->a)) TH_LOG("meshup family not found");
	ASSERT_EQ(0, mu_set_params(&self->nl, &p));
	memset(&e, 0, sizeof(e));
	memcpy(e.key.channel_id, CHAN, 4);
	e.key.version = htobe64(1);
	e.blocks_held = htonl(1);
	ASSERT_EQ(0, mu_set_advert(&self->nl, 0, 1, &e));
	self->cap = mu_packet_open(self->b, "tb");
	ASSERT_LE(0, self->cap);
	ASSERT_EQ(0, mu_sh("ip -n %s link set tb up && ip -n %s link set ta up",
			   self->b, self->a));
}

FIXTURE_TEARDOWN(trickle)
{
	if (self->cap >= 0)
		close(self->cap);
	mu_nl_close(&self->nl);
	mu_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", self->a, self->b);
}

static uint64_t resets(FIXTURE_DATA(trickle) *self, uint32_t *interval)
{
	struct mu_iface v[8];
	int n = mu_get_ifaces(&self->nl, v, 8);
	const struct mu_iface *ifc = mu_find_iface(v, n, mu_ifindex(self->a, "ta"));

	if (!ifc)
		return (uint64_t)-1;
	if (interval)
		*interval = ifc->interval_ms;
	return ifc->stats[MESHUP_STAT_A_TRICKLE_RESETS];
}

TEST_F_TIMEOUT(trickle, doubling_and_reset, 240)
{
	uint8_t frame[256], body[128], src[ETH_ALEN], bcast[ETH_ALEN];
	struct meshup_beacon_entry e;
	int w1, w2, w3, w4, w5;
	uint32_t interval = 0;
	uint64_t r0, r1, r2;
	long t0 = mu_now_ms();
	size_t len;

	/* Intervals 20, 40, 80, ... ms: ~5 beacons in the first second,
	 * at most one in [3 s, 5 s) where I is 1.28 s then 2.56 s.
	 */
	w1 = mu_count_beacons(self->cap, self->mac_a, 1000);
	mu_sleep_ms(3000 - (mu_now_ms() - t0));
	w2 = mu_count_beacons(self->cap, self->mac_a, 2000);
	TH_LOG("beacons in [0,1s): %d, in [3s,5s): %d", w1, w2);
	EXPECT_LE(3, w1);
	EXPECT_GE(2, w2);
	EXPECT_LT(w2, w1);
	r0 = resets(self, &interval);
	ASSERT_NE((uint64_t)-1, r0) TH_LOG("ta not in GET_IFACES");
	EXPECT_LE(8 * IMIN, interval) TH_LOG("interval after 5 s: %u ms", interval);

	/* An inconsistent beacon: our channel, another version. */
	mu_parse_mac("02:00:00:00:0e:01", src);
	memset(bcast, 0xff, ETH_ALEN);
	len = mu_beacon_body(body, 1, CHAN, 2);
	len = mu_frame(frame, bcast, src, MESHUP_MAGIC, 1, MESHUP_T_BEACON,
		       len, body, len);
	ASSERT_EQ(0, mu_packet_send(self->cap, mu_ifindex(self->b, "tb"), frame, len));
	t0 = mu_now_ms();
	w3 = mu_count_beacons(self->cap, self->mac_a, 1000);
	r1 = resets(self, NULL);
	TH_LOG("after an inconsistent beacon: %d in 1 s", w3);
	EXPECT_LE(3, w3);
	EXPECT_LT(r0, r1) TH_LOG("trickle_resets did not grow");

	mu_sleep_ms(3000 - (mu_now_ms() - t0));
	w4 = mu_count_beacons(self->cap, self->mac_a, 2000);
	TH_LOG("[3s,5s) after it: %d", w4);
	EXPECT_GE(2, w4);

	/* A local change of the advert. */
	memset(&e, 0, sizeof(e));
	memcpy(e.key.channel_id, CHAN, 4);
	e.key.version = htobe64(3);
	e.blocks_held = htonl(1);
	ASSERT_EQ(0, mu_set_advert(&self->nl, 0, 1, &e));
	w5 = mu_count_beacons(self->cap, self->mac_a, 1000);
	r2 = resets(self, NULL);
	TH_LOG("after SET_ADVERT: %d in 1 s", w5);
	EXPECT_LE(3, w5);
	EXPECT_LT(w4, w5);
	EXPECT_LT(r1, r2);
}

TEST_HARNESS_MAIN
