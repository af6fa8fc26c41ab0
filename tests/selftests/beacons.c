// SPDX-License-Identifier: GPL-2.0
/*
 * Two and three namespaces joined by veth pairs hear each other's beacons:
 * GET_NEIGHBORS in every namespace lists every peer on the right link, and
 * the events group delivers exactly one NEIGH_NEW per peer and IFACE_ADDED
 * for every link.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"
#include "kselftest_harness.h"

#define MAXN 3

FIXTURE(mesh) {
	char ns[MAXN][32];
	int n;
	struct mu_nl ev;
};

FIXTURE_VARIANT(mesh) {
	int nodes;
};

FIXTURE_VARIANT_ADD(mesh, two) { .nodes = 2 };
FIXTURE_VARIANT_ADD(mesh, three) { .nodes = 3 };

static void mac_of(int i, int j, char *buf, size_t len)
{
	snprintf(buf, len, "02:00:00:00:%02x:%02x", i + 1, j + 1);
}

FIXTURE_SETUP(mesh)
{
	struct mu_params p = { .imin_ms = 50 };
	char ma[24], mb[24];
	int i, j;

	self->n = variant->nodes;
	for (i = 0; i < self->n; i++) {
		snprintf(self->ns[i], sizeof(self->ns[i]), "mub%d-%d", getpid(), i);
		ASSERT_EQ(0, mu_sh("ip netns add %s", self->ns[i]));
	}
	for (i = 0; i < self->n; i++)
		for (j = i + 1; j < self->n; j++) {
			mac_of(i, j, ma, sizeof(ma));
			mac_of(j, i, mb, sizeof(mb));
			ASSERT_EQ(0, mu_sh("ip -n %s link add m%d%d address %s type veth peer name m%d%d netns %s address %s",
					   self->ns[i], i, j, ma, j, i, self->ns[j], mb));
		}
	for (i = 0; i < self->n; i++) {
		struct mu_nl nl;

		ASSERT_EQ(0, mu_nl_open(&nl, self->ns[i])) TH_LOG("meshup family not found");
		ASSERT_EQ(0, mu_set_params(&nl, &p));
		mu_nl_close(&nl);
	}
	ASSERT_EQ(0, mu_nl_open_events(&self->ev, self->ns[0]));
	for (i = 0; i < self->n; i++)
		for (j = 0; j < self->n; j++)
			if (i != j)
				ASSERT_EQ(0, mu_sh("ip -n %s link set m%d%d up", self->ns[i], i, j));
}

FIXTURE_TEARDOWN(mesh)
{
	int i;

	mu_nl_close(&self->ev);
	for (i = 0; i < self->n; i++)
		if (self->ns[i][0])
			mu_sh("ip netns del %s 2>/dev/null", self->ns[i]);
}

/* Does namespace i list every other node on the link that leads to it? */
static int sees_all(FIXTURE_DATA(mesh) *self, int i)
{
	struct mu_neigh nb[64];
	struct mu_nl nl;
	char name[16], mac[24];
	uint8_t want[ETH_ALEN];
	int n, j, k, found = 0;

	if (mu_nl_open(&nl, self->ns[i]))
		return 0;
	n = mu_get_neighbors(&nl, nb, 64);
	mu_nl_close(&nl);
	for (j = 0; j < self->n; j++) {
		if (j == i)
			continue;
		snprintf(name, sizeof(name), "m%d%d", i, j);
		mac_of(j, i, mac, sizeof(mac));
		mu_parse_mac(mac, want);
		for (k = 0; k < n; k++)
			if (!memcmp(nb[k].mac, want, ETH_ALEN) &&
			    nb[k].ifindex == mu_ifindex(self->ns[i], name)) {
				found++;
				break;
			}
	}
	return found == self->n - 1;
}

TEST_F_TIMEOUT(mesh, hear_each_other, 180)
{
	long deadline = mu_now_ms() + 90000;
	struct mu_event ev;
	int i, j, all = 0, news[MAXN] = { 0 }, added[MAXN] = { 0 };
	uint8_t mac[MAXN][ETH_ALEN];
	char s[24];

	while (mu_now_ms() < deadline) {
		for (all = 0, i = 0; i < self->n; i++)
			all += sees_all(self, i);
		if (all == self->n)
			break;
		mu_sleep_ms(500);
	}
	ASSERT_EQ(self->n, all) TH_LOG("not every namespace lists all its peers");

	for (j = 1; j < self->n; j++) {
		mac_of(j, 0, s, sizeof(s));
		mu_parse_mac(s, mac[j]);
	}
	/* Everything queued so far plus two quiet seconds. */
	while (mu_nl_next(&self->ev, 2000, &ev) == 1) {
		if (ev.cmd == MESHUP_CMD_EVT_NEIGH_NEW && ev.has_peer) {
			for (j = 1; j < self->n; j++)
				if (!memcmp(ev.peer, mac[j], ETH_ALEN))
					news[j]++;
		}
		if (ev.cmd == MESHUP_CMD_EVT_IFACE_ADDED)
			for (j = 1; j < self->n; j++) {
				snprintf(s, sizeof(s), "m0%d", j);
				if (!strcmp(ev.ifname, s) &&
				    ev.ifindex == mu_ifindex(self->ns[0], s))
					added[j]++;
			}
	}
	for (j = 1; j < self->n; j++) {
		EXPECT_EQ(1, news[j]) TH_LOG("NEIGH_NEW events for node %d: %d", j, news[j]);
		EXPECT_EQ(1, added[j]) TH_LOG("IFACE_ADDED events for m0%d: %d", j, added[j]);
	}
}

TEST_HARNESS_MAIN
