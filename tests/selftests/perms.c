// SPDX-License-Identifier: GPL-2.0
/*
 * Without CAP_NET_ADMIN every state-changing command (REGISTER, UNREGISTER,
 * SET_ADVERT, SEND, SET_PARAMS) gets EPERM, while the GET commands work.
 * Two ways to lose the capability: setuid(nobody), and uid 0 with
 * CAP_NET_ADMIN dropped from the effective set.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <linux/capability.h>

#include "helper.h"
#include "kselftest_harness.h"

FIXTURE(perm) {
	char a[32];
};

FIXTURE_VARIANT(perm) {
	bool nobody;
};

FIXTURE_VARIANT_ADD(perm, nobody) { .nobody = true };
FIXTURE_VARIANT_ADD(perm, root_without_net_admin) { .nobody = false };

FIXTURE_SETUP(perm)
{
	snprintf(self->a, sizeof(self->a), "mup%d-a", getpid());
	ASSERT_EQ(0, mu_sh("ip netns add %s", self->a));
	ASSERT_EQ(0, mu_sh("ip -n %s link add pa type veth peer name pb && ip -n %s link set pa up && ip -n %s link set pb up",
			   self->a, self->a, self->a));
}

FIXTURE_TEARDOWN(perm)
{
	mu_sh("ip netns del %s 2>/dev/null", self->a);
}

static int drop_net_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	d[CAP_NET_ADMIN / 32].permitted &= ~(1u << (CAP_NET_ADMIN % 32));
	d[CAP_NET_ADMIN / 32].inheritable &= ~(1u << (CAP_NET_ADMIN % 32));
	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

/* In the child: returns a bitmask of failed checks (0 = all as expected). */
static int child(const char *ns, bool nobody, int ifindex)
{
	struct mu_params p = { .imin_ms = 200 };
	struct meshup_beacon_entry e;
	uint8_t peer[ETH_ALEN] = { 2, 0, 0, 0, 0x0e, 3 };
	uint8_t body[36] = { 0xc1 };
	struct mu_iface v[4];
	struct mu_neigh nb[4];
	struct mu_nl nl;
	uint32_t imin;
	int bad = 0;

	if (mu_netns_enter(ns))
		return 1 << 30;
	if (nobody ? setgid(65534) || setuid(65534) : drop_net_admin())
		return 1 << 29;
	if (mu_nl_open(&nl, NULL))
		return 1 << 28;
	memset(&e, 0, sizeof(e));
	e.blocks_held = htonl(1);
	if (mu_simple_cmd(&nl, MESHUP_CMD_REGISTER) != -EPERM)
		bad |= 1 << 0;
	if (mu_simple_cmd(&nl, MESHUP_CMD_UNREGISTER) != -EPERM)
		bad |= 1 << 1;
	if (mu_set_advert(&nl, 0, 1, &e) != -EPERM)
		bad |= 1 << 2;
	if (mu_send_frame(&nl, ifindex, peer, MESHUP_T_REQUEST, body, sizeof(body)) != -EPERM)
		bad |= 1 << 3;
	if (mu_set_params(&nl, &p) != -EPERM)
		bad |= 1 << 4;
	if (mu_get_params(&nl, &imin) != 0 || imin == 0)
		bad |= 1 << 5;
	if (mu_get_ifaces(&nl, v, 4) < 1)
		bad |= 1 << 6;
	if (mu_get_neighbors(&nl, nb, 4) < 0)
		bad |= 1 << 7;
	mu_nl_close(&nl);
	return bad;
}

TEST_F_TIMEOUT(perm, eperm_for_changes_gets_work, 120)
{
	static const char * const what[] = {
		"REGISTER", "UNREGISTER", "SET_ADVERT", "SEND", "SET_PARAMS",
		"GET_PARAMS", "GET_IFACES", "GET_NEIGHBORS",
	};
	int ifindex = mu_ifindex(self->a, "pa");
	int fds[2], bad = -1, status, i;
	struct mu_nl nl;
	uint32_t imin;
	pid_t pid;

	ASSERT_LT(0, ifindex);
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		bad = child(self->a, variant->nobody, ifindex);
		if (write(fds[1], &bad, sizeof(bad)) != sizeof(bad))
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	ASSERT_EQ(sizeof(bad), read(fds[0], &bad, sizeof(bad)));
	close(fds[0]);
	waitpid(pid, &status, 0);
	ASSERT_EQ(0, bad >> 28) TH_LOG("child setup failed: %#x", bad);
	for (i = 0; i < 8; i++) {
		const char *cmd = what[i], *how = i < 5 ? "did not get EPERM" : "failed";

		EXPECT_EQ(0, bad & (1 << i)) TH_LOG("%s: %s", cmd, how);
	}

	/* Nothing changed: Imin is still the default, no helper holds A. */
	ASSERT_EQ(0, mu_nl_open(&nl, self->a));
	EXPECT_EQ(0, mu_get_params(&nl, &imin));
	EXPECT_NE(200, imin);
	EXPECT_EQ(0, mu_simple_cmd(&nl, MESHUP_CMD_REGISTER));
	mu_nl_close(&nl);
}

TEST_HARNESS_MAIN
