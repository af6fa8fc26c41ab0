// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace deletion and module unload under traffic: namespaces running
 * meshup are deleted while beacons flood into them, then the module is
 * removed and loaded again ($MESHUP_KO) three times while a helper is
 * registered and the links flood.  Leaks or use-after-free show up in the
 * harness's final KASAN/kmemleak/dmesg check; here: every step succeeds and
 * the reloaded module finds the links again.  The module is loaded at the
 * end whatever happens.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "helper.h"
#include "kselftest_harness.h"

FIXTURE(down) {
	char a[32], b[32], c[32];
	pid_t flood_a, flood_b, helper;
	const char *ko;
};

FIXTURE_SETUP(down)
{
	self->flood_a = self->flood_b = self->helper = -1;
	self->ko = getenv("MESHUP_KO");
	ASSERT_NE(NULL, self->ko) TH_LOG("MESHUP_KO is not set");
	ASSERT_EQ(0, access(self->ko, R_OK)) TH_LOG("no module at %s", self->ko);
	snprintf(self->a, sizeof(self->a), "mud%d-a", getpid());
	snprintf(self->b, sizeof(self->b), "mud%d-b", getpid());
	snprintf(self->c, sizeof(self->c), "mud%d-c", getpid());
	ASSERT_EQ(0, mu_sh("ip netns add %s && ip netns add %s", self->a, self->b));
	ASSERT_EQ(0, mu_sh("ip -n %s link add da type veth peer name db netns %s && ip -n %s link set da up && ip -n %s link set db up",
			   self->a, self->b, self->a, self->b));
	self->flood_a = mu_flood_start(self->a, "d");
	self->flood_b = mu_flood_start(self->b, "d");
	ASSERT_LT(0, self->flood_a);
	ASSERT_LT(0, self->flood_b);
}

static void stop(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = -1;
}

FIXTURE_TEARDOWN(down)
{
	stop(&self->flood_a);
	stop(&self->flood_b);
	stop(&self->helper);
	if (!mu_module_loaded() && self->ko)
		mu_sh("insmod %s", self->ko);
	mu_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null",
	      self->a, self->b, self->c);
}

/* A child registered as A's helper, reading nothing, until killed. */
static pid_t spawn_helper(const char *ns)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct mu_nl nl;

		if (mu_nl_open(&nl, ns) || mu_simple_cmd(&nl, MESHUP_CMD_REGISTER))
			_exit(1);
		for (;;)
			pause();
	}
	return pid;
}

TEST_F_TIMEOUT(down, netns_delete_and_rmmod_under_traffic, 400)
{
	pid_t flood_c;
	struct mu_iface v[8];
	struct mu_nl nl;
	int round, rc, n;
	long deadline;

	/* Namespaces with live meshup links deleted under traffic. */
	for (round = 0; round < 3; round++) {
		ASSERT_EQ(0, mu_sh("ip netns add %s", self->c));
		ASSERT_EQ(0, mu_sh("ip -n %s link add dc type veth peer name dd netns %s && ip -n %s link set dc up && ip -n %s link set dd up",
				   self->c, self->b, self->c, self->b));
		ASSERT_EQ(0, mu_sh("ip -n %s link add de type veth peer name df && ip -n %s link set de up && ip -n %s link set df up",
				   self->c, self->c, self->c));
		flood_c = mu_flood_start(self->c, "d");
		ASSERT_LT(0, flood_c);
		mu_sleep_ms(1000);
		/* The flooder keeps the namespace referenced until it dies:
		 * delete the name first, then end the last user.
		 */
		EXPECT_EQ(0, mu_sh("ip netns del %s", self->c));
		mu_sleep_ms(300);
		stop(&flood_c);
		mu_sleep_ms(500);
	}

	/* rmmod and insmod while the links flood and a helper is registered. */
	for (round = 0; round < 3; round++) {
		self->helper = spawn_helper(self->a);
		ASSERT_LT(0, self->helper);
		mu_sleep_ms(1000);
		deadline = mu_now_ms() + 20000;
		do {
			rc = mu_sh("rmmod meshup 2>/dev/null");
			if (!rc)
				break;
			mu_sleep_ms(200);
		} while (mu_now_ms() < deadline);
		EXPECT_EQ(0, rc) TH_LOG("rmmod failed (round %d)", round);
		EXPECT_FALSE(mu_module_loaded());
		mu_sleep_ms(500);
		stop(&self->helper);
		ASSERT_EQ(0, mu_sh("insmod %s", self->ko)) TH_LOG("insmod failed (round %d)", round);
		ASSERT_TRUE(mu_module_loaded());

		/* The reloaded module runs on the existing link again. */
		ASSERT_EQ(0, mu_nl_open(&nl, self->a)) TH_LOG("family gone after insmod");
		deadline = mu_now_ms() + 20000;
		do {
			n = mu_get_ifaces(&nl, v, 8);
			if (n == 1 && v[0].stats[MESHUP_STAT_A_RX_BEACON] > 0)
				break;
			mu_sleep_ms(250);
		} while (mu_now_ms() < deadline);
		EXPECT_EQ(1, n) TH_LOG("GET_IFACES in A after reload: %d", n);
		if (n == 1) {
			EXPECT_STREQ("da", v[0].name);
			EXPECT_LT(0, v[0].stats[MESHUP_STAT_A_RX_BEACON]);
		}
		mu_nl_close(&nl);
	}
	EXPECT_TRUE(mu_module_loaded());
}

TEST_HARNESS_MAIN
