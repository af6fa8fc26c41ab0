// SPDX-License-Identifier: GPL-2.0
/*
 * Interfaces added, removed and renamed while a sender floods valid beacons
 * into them: IFACE_ADDED/IFACE_REMOVED events for each, GET_IFACES lists
 * exactly the links that remain, under their current names, with sane
 * counters (beacons received, nothing dropped as malformed), no crash.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "helper.h"
#include "kselftest_harness.h"

#define ROUNDS 8

FIXTURE(churn) {
	char a[32], b[32];
	pid_t flood;
	struct mu_nl ev, nl;
};

FIXTURE_SETUP(churn)
{
	self->flood = -1;
	snprintf(self->a, sizeof(self->a), "mui%d-a", getpid());
	snprintf(self->b, sizeof(self->b), "mui%d-b", getpid());
	ASSERT_EQ(0, mu_sh("ip netns add %s && ip netns add %s", self->a, self->b));
	ASSERT_EQ(0, mu_nl_open(&self->nl, self->a)) TH_LOG("meshup family not found");
	ASSERT_EQ(0, mu_nl_open_events(&self->ev, self->a));
	self->flood = mu_flood_start(self->b, "cb");
	ASSERT_LT(0, self->flood);
}

FIXTURE_TEARDOWN(churn)
{
	if (self->flood > 0) {
		kill(self->flood, SIGKILL);
		waitpid(self->flood, NULL, 0);
	}
	mu_nl_close(&self->ev);
	mu_nl_close(&self->nl);
	mu_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", self->a, self->b);
}

/*
 * Reads events until ms pass without one (or a while has passed); counts
 * those of our links.
 */
static int collect(struct mu_nl *ev, const int *ifindex, int *added,
		   int *removed, int ms)
{
	long deadline = mu_now_ms() + 5 * ms + 5000;
	struct mu_event e;
	int rc = 0, i;

	while (mu_now_ms() < deadline && (rc = mu_nl_next(ev, ms, &e)) == 1)
		for (i = 0; i < ROUNDS; i++) {
			if (!ifindex[i] || e.ifindex != ifindex[i])
				continue;
			if (e.cmd == MESHUP_CMD_EVT_IFACE_ADDED)
				added[i]++;
			if (e.cmd == MESHUP_CMD_EVT_IFACE_REMOVED)
				removed[i]++;
		}
	return rc < 0 ? rc : 0;
}

TEST_F_TIMEOUT(churn, add_remove_rename_under_traffic, 300)
{
	int ifindex[ROUNDS] = { 0 }, added[ROUNDS] = { 0 }, removed[ROUNDS] = { 0 };
	bool deleted[ROUNDS] = { false }, renamed[ROUNDS] = { false };
	struct mu_iface v[32];
	int r, i, n, rc, live = 0;
	char name[16];

	for (r = 0; r < ROUNDS; r++) {
		ASSERT_EQ(0, mu_sh("ip -n %s link add ca%d type veth peer name cb%d netns %s",
				   self->a, r, r, self->b));
		ASSERT_EQ(0, mu_sh("ip -n %s link set cb%d up && ip -n %s link set ca%d up",
				   self->b, r, self->a, r));
		snprintf(name, sizeof(name), "ca%d", r);
		ifindex[r] = mu_ifindex(self->a, name);
		ASSERT_LT(0, ifindex[r]);
		if (r % 2) {
			ASSERT_EQ(0, mu_sh("ip -n %s link set ca%d down && ip -n %s link set ca%d name cr%d && ip -n %s link set cr%d up",
					   self->a, r, self->a, r, r, self->a, r));
			renamed[r] = true;
		}
		if (r >= 2 && r % 3 != 0) {
			int d = r - 2;

			ASSERT_EQ(0, mu_sh("ip -n %s link del %s%d", self->a,
					   renamed[d] ? "cr" : "ca", d));
			deleted[d] = true;
		}
		/* Keep the event queue short while beacons flood in. */
		rc = collect(&self->ev, ifindex, added, removed, 200);
		ASSERT_EQ(0, rc) TH_LOG("reading events failed: %d", rc);
	}
	rc = collect(&self->ev, ifindex, added, removed, 2000);
	ASSERT_EQ(0, rc) TH_LOG("reading events failed: %d", rc);
	for (i = 0; i < ROUNDS; i++) {
		EXPECT_LE(1, added[i]) TH_LOG("no IFACE_ADDED for link %d", i);
		if (deleted[i])
			EXPECT_LE(1, removed[i]) TH_LOG("no IFACE_REMOVED for deleted link %d", i);
		if (!deleted[i] && !renamed[i])
			EXPECT_EQ(0, removed[i]) TH_LOG("IFACE_REMOVED for live link %d", i);
	}

	n = mu_get_ifaces(&self->nl, v, 32);
	ASSERT_LE(0, n);
	for (i = 0; i < ROUNDS; i++) {
		const struct mu_iface *ifc = mu_find_iface(v, n, ifindex[i]);

		if (deleted[i]) {
			EXPECT_EQ(NULL, ifc) TH_LOG("deleted link %d still listed", i);
			continue;
		}
		live++;
		ASSERT_NE(NULL, ifc) TH_LOG("live link %d not listed", i);
		snprintf(name, sizeof(name), "%s%d", renamed[i] ? "cr" : "ca", i);
		EXPECT_STREQ(name, ifc->name);
		EXPECT_LT(0, ifc->stats[MESHUP_STAT_A_RX_BEACON]) TH_LOG("%s heard no beacon", name);
		EXPECT_EQ(0, ifc->stats[MESHUP_STAT_A_DROP_SHORT] +
			     ifc->stats[MESHUP_STAT_A_DROP_BAD_MAGIC] +
			     ifc->stats[MESHUP_STAT_A_DROP_BAD_VERSION] +
			     ifc->stats[MESHUP_STAT_A_DROP_BAD_LENGTH] +
			     ifc->stats[MESHUP_STAT_A_DROP_UNKNOWN_TYPE] +
			     ifc->stats[MESHUP_STAT_A_DROP_BAD_FIELD]) TH_LOG("%s dropped valid frames as malformed", name);
	}
	EXPECT_EQ(live, n) TH_LOG("GET_IFACES lists %d interfaces, %d links are up", n, live);
}

TEST_HARNESS_MAIN
