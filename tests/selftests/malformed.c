// SPDX-License-Identifier: GPL-2.0
/*
 * Hundreds of malformed frames of every class, sent from namespace B with
 * AF_PACKET, are dropped by A, counted by reason in GET_IFACES (exact
 * counts), and never reach the helper registered in A.  A valid REQUEST
 * sent last must reach it (so the test can tell "not delivered" from "the
 * helper socket hears nothing").
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "helper.h"
#include "kselftest_harness.h"

#define PER_CLASS 30
static const char MAC_A[] = "02:00:00:00:0a:02";
static const char MAC_B[] = "02:00:00:00:0b:02";
static const char MAC_X[] = "02:00:00:00:0e:02";	/* forged sender */
static const char MAC_O[] = "02:00:00:00:0e:77";	/* another station */

FIXTURE(bad) {
	char a[32], b[32];
	struct mu_nl helper;	/* registered in A */
	struct mu_nl nl;
	int tx, ifindex_b;
	uint8_t mac_a[ETH_ALEN], mac_x[ETH_ALEN], mac_o[ETH_ALEN];
};

FIXTURE_SETUP(bad)
{
	self->tx = -1;
	snprintf(self->a, sizeof(self->a), "mum%d-a", getpid());
	snprintf(self->b, sizeof(self->b), "mum%d-b", getpid());
	ASSERT_EQ(0, mu_sh("ip netns add %s && ip netns add %s", self->a, self->b));
	ASSERT_EQ(0, mu_sh("ip -n %s link add xa address %s type veth peer name xb netns %s address %s",
			   self->a, MAC_A, self->b, MAC_B));
	ASSERT_EQ(0, mu_sh("ip -n %s link set xa up && ip -n %s link set xb up",
			   self->a, self->b));
	mu_parse_mac(MAC_A, self->mac_a);
	mu_parse_mac(MAC_X, self->mac_x);
	mu_parse_mac(MAC_O, self->mac_o);
	ASSERT_EQ(0, mu_nl_open(&self->nl, self->a)) TH_LOG("meshup family not found");
	ASSERT_EQ(0, mu_nl_open(&self->helper, self->a));
	ASSERT_EQ(0, mu_simple_cmd(&self->helper, MESHUP_CMD_REGISTER));
	self->tx = mu_packet_open(self->b, "xb");
	ASSERT_LE(0, self->tx);
	self->ifindex_b = mu_ifindex(self->b, "xb");
	ASSERT_LT(0, self->ifindex_b);
}

FIXTURE_TEARDOWN(bad)
{
	if (self->tx >= 0)
		close(self->tx);
	mu_nl_close(&self->helper);
	mu_nl_close(&self->nl);
	mu_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", self->a, self->b);
}

struct bad_class {
	const char *what;
	int reason;
	bool unicast;
	uint16_t magic;
	uint8_t version, type;
	int body_len;		/* -1: the body's real size */
	size_t body;		/* bytes of body actually sent */
	int count;		/* beacon entry count, -1 none */
	int req_what;		/* request what, -1 none */
};

static const struct bad_class classes[] = {
	{ "short (4 bytes)", MESHUP_DROP_SHORT, false, MESHUP_MAGIC, 1, 1, 0, 0, -1, -1 },
	{ "bad magic", MESHUP_DROP_BAD_MAGIC, false, 0x1234, 1, MESHUP_T_BEACON, -1, 11, 0, -1 },
	{ "version 0", MESHUP_DROP_BAD_VERSION, false, MESHUP_MAGIC, 0, MESHUP_T_BEACON, -1, 11, 0, -1 },
	{ "body_len too big", MESHUP_DROP_BAD_LENGTH, false, MESHUP_MAGIC, 1, MESHUP_T_BEACON, 200, 11, 0, -1 },
	{ "unknown type 9", MESHUP_DROP_UNKNOWN_TYPE, false, MESHUP_MAGIC, 1, 9, -1, 0, -1, -1 },
	{ "beacon count 17", MESHUP_DROP_BAD_FIELD, false, MESHUP_MAGIC, 1, MESHUP_T_BEACON, -1, 11 + 17 * 24, 17, -1 },
	{ "beacon shorter than its entries", MESHUP_DROP_BAD_LENGTH, false, MESHUP_MAGIC, 1, MESHUP_T_BEACON, -1, 11 + 24, 2, -1 },
	{ "request what 2", MESHUP_DROP_BAD_FIELD, true, MESHUP_MAGIC, 1, MESHUP_T_REQUEST, -1, 36, -1, 2 },
	{ "request too short", MESHUP_DROP_SHORT, true, MESHUP_MAGIC, 1, MESHUP_T_REQUEST, -1, 30, -1, 0 },
	{ "manifest too long", MESHUP_DROP_BAD_LENGTH, true, MESHUP_MAGIC, 1, MESHUP_T_MANIFEST, -1, 20 + 1025, -1, -1 },
	{ "manifest empty", MESHUP_DROP_SHORT, true, MESHUP_MAGIC, 1, MESHUP_T_MANIFEST, -1, 20, -1, -1 },
	{ "block too long", MESHUP_DROP_BAD_LENGTH, true, MESHUP_MAGIC, 1, MESHUP_T_BLOCK, -1, 24 + 1025, -1, -1 },
	{ "block empty", MESHUP_DROP_SHORT, true, MESHUP_MAGIC, 1, MESHUP_T_BLOCK, -1, 24, -1, -1 },
	{ "request to another MAC", MESHUP_DROP_NOT_FOR_US, true, MESHUP_MAGIC, 1, MESHUP_T_REQUEST, -1, 36, -1, 1 },
};

static size_t build(const struct bad_class *c, uint8_t *frame,
		    const uint8_t *dst, const uint8_t *src)
{
	uint8_t body[1200];

	memset(body, 0, sizeof(body));
	if (c->count >= 0)
		body[10] = c->count;
	if (c->req_what >= 0)
		body[20] = c->req_what;
	if (c->type == 1 && c->body == 0 && c->body_len == 0 &&
	    c->reason == MESHUP_DROP_SHORT) {
		/* 4 bytes: not even a common header */
		memcpy(frame, dst, ETH_ALEN);
		memcpy(frame + ETH_ALEN, src, ETH_ALEN);
		frame[12] = MESHUP_ETH_P >> 8;
		frame[13] = MESHUP_ETH_P & 0xff;
		frame[14] = MESHUP_MAGIC >> 8;
		frame[15] = MESHUP_MAGIC & 0xff;
		frame[16] = 1;
		frame[17] = 1;
		return ETH_HLEN + 4;
	}
	return mu_frame(frame, dst, src, c->magic, c->version, c->type,
			c->body_len >= 0 ? c->body_len : c->body, body, c->body);
}

static int stat_of(int reason)
{
	return MESHUP_STAT_A_DROP_SHORT + reason - MESHUP_DROP_SHORT;
}

TEST_F_TIMEOUT(bad, dropped_counted_not_delivered, 240)
{
	uint64_t want[MESHUP_STAT_A_MAX + 1] = { 0 }, base[MESHUP_STAT_A_MAX + 1];
	uint8_t frame[1600], bcast[ETH_ALEN];
	struct mu_iface v[8];
	const struct mu_iface *ifc = NULL;
	struct mu_event ev;
	int i, r, n, ifindex_a = mu_ifindex(self->a, "xa");
	int delivered_bad = 0, delivered_good = 0;
	size_t len;
	long deadline;

	memset(bcast, 0xff, ETH_ALEN);
	n = mu_get_ifaces(&self->nl, v, 8);
	ifc = mu_find_iface(v, n, ifindex_a);
	ASSERT_NE(NULL, ifc) TH_LOG("xa not in GET_IFACES");
	memcpy(base, ifc->stats, sizeof(base));

	for (r = 0; r < PER_CLASS; r++)
		for (i = 0; i < (int)(sizeof(classes) / sizeof(classes[0])); i++) {
			const struct bad_class *c = &classes[i];
			const uint8_t *dst = !c->unicast ? bcast :
				c->reason == MESHUP_DROP_NOT_FOR_US ? self->mac_o : self->mac_a;

			len = build(c, frame, dst, self->mac_x);
			ASSERT_EQ(0, mu_packet_send(self->tx, self->ifindex_b, frame, len))
				TH_LOG("send %s", c->what);
			want[stat_of(c->reason)]++;
			if (r % 10 == 9)
				mu_sleep_ms(1);
		}

	/* Exact counts once they settle (generous deadline). */
	deadline = mu_now_ms() + 30000;
	for (;;) {
		bool same = true;

		n = mu_get_ifaces(&self->nl, v, 8);
		ifc = mu_find_iface(v, n, ifindex_a);
		ASSERT_NE(NULL, ifc);
		for (i = MESHUP_STAT_A_DROP_SHORT; i <= MESHUP_STAT_A_DROP_NOT_FOR_US; i++)
			if (i != MESHUP_STAT_A_DROP_DELIVERY &&
			    ifc->stats[i] - base[i] != want[i])
				same = false;
		if (same || mu_now_ms() > deadline)
			break;
		mu_sleep_ms(500);
	}
	for (i = MESHUP_STAT_A_DROP_SHORT; i <= MESHUP_STAT_A_DROP_NOT_FOR_US; i++) {
		if (i == MESHUP_STAT_A_DROP_DELIVERY)
			continue;
		EXPECT_EQ(want[i], ifc->stats[i] - base[i])
			TH_LOG("drop counter %d: want %llu, got %llu", i,
			       (unsigned long long)want[i],
			       (unsigned long long)(ifc->stats[i] - base[i]));
	}

	/* Positive control: one valid REQUEST for the manifest. */
	{
		uint8_t body[36] = { 0xc1, 0xc2, 0xc3, 0xc4 };

		len = mu_frame(frame, self->mac_a, self->mac_x, MESHUP_MAGIC, 1,
			       MESHUP_T_REQUEST, sizeof(body), body, sizeof(body));
		ASSERT_EQ(0, mu_packet_send(self->tx, self->ifindex_b, frame, len));
	}
	while (mu_nl_next(&self->helper, 3000, &ev) == 1) {
		if (ev.cmd != MESHUP_CMD_FRAME || !ev.has_peer ||
		    memcmp(ev.peer, self->mac_x, ETH_ALEN))
			continue;
		if (ev.frame_type == MESHUP_T_REQUEST && !delivered_good)
			delivered_good = 1;
		else
			delivered_bad++;
	}
	EXPECT_EQ(0, delivered_bad) TH_LOG("malformed frames reached the helper");
	EXPECT_EQ(1, delivered_good) TH_LOG("the valid REQUEST did not reach the helper");
}

TEST_HARNESS_MAIN
