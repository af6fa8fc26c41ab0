// SPDX-License-Identifier: GPL-2.0
/*
 * The helper registration: one per namespace (a second live one gets
 * EBUSY), released when the registered process dies, and registrations of
 * different namespaces are independent.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "helper.h"
#include "kselftest_harness.h"

FIXTURE(reg) {
	char a[32], b[32];
	pid_t child;
};

FIXTURE_SETUP(reg)
{
	self->child = -1;
	snprintf(self->a, sizeof(self->a), "mur%d-a", getpid());
	snprintf(self->b, sizeof(self->b), "mur%d-b", getpid());
	ASSERT_EQ(0, mu_sh("ip netns add %s && ip netns add %s", self->a, self->b));
}

FIXTURE_TEARDOWN(reg)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	mu_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", self->a, self->b);
}

/* Child: registers in ns, reports the result on fd, then waits to die. */
static pid_t spawn_helper(const char *ns, int *result)
{
	int fds[2], rc = -EIO;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct mu_nl nl;

		close(fds[0]);
		rc = mu_nl_open(&nl, ns);
		if (!rc)
			rc = mu_simple_cmd(&nl, MESHUP_CMD_REGISTER);
		if (write(fds[1], &rc, sizeof(rc)) != sizeof(rc))
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &rc, sizeof(rc)) != sizeof(rc))
		rc = -EIO;
	close(fds[0]);
	*result = rc;
	return pid;
}

TEST_F_TIMEOUT(reg, released_when_process_dies, 120)
{
	struct mu_nl x, y, other;
	long deadline;
	int rc;

	self->child = spawn_helper(self->a, &rc);
	ASSERT_LT(0, self->child);
	ASSERT_EQ(0, rc) TH_LOG("child could not register: %d", rc);

	ASSERT_EQ(0, mu_nl_open(&x, self->a));
	EXPECT_EQ(-EBUSY, mu_simple_cmd(&x, MESHUP_CMD_REGISTER));
	/* Another namespace has its own slot. */
	ASSERT_EQ(0, mu_nl_open(&other, self->b));
	EXPECT_EQ(0, mu_simple_cmd(&other, MESHUP_CMD_REGISTER));

	kill(self->child, SIGKILL);
	waitpid(self->child, NULL, 0);
	self->child = -1;

	/* The release may be asynchronous; allow it a generous while. */
	deadline = mu_now_ms() + 10000;
	do {
		rc = mu_simple_cmd(&x, MESHUP_CMD_REGISTER);
		if (rc != -EBUSY)
			break;
		mu_sleep_ms(100);
	} while (mu_now_ms() < deadline);
	EXPECT_EQ(0, rc) TH_LOG("registration not released after the helper died: %d", rc);

	/* x holds it now: a second live registration gets EBUSY. */
	ASSERT_EQ(0, mu_nl_open(&y, self->a));
	EXPECT_EQ(-EBUSY, mu_simple_cmd(&y, MESHUP_CMD_REGISTER));
	/* UNREGISTER from a socket that is not the helper changes nothing. */
	mu_simple_cmd(&y, MESHUP_CMD_UNREGISTER);
	EXPECT_EQ(-EBUSY, mu_simple_cmd(&y, MESHUP_CMD_REGISTER));
	/* Explicit release by the holder. */
	EXPECT_EQ(0, mu_simple_cmd(&x, MESHUP_CMD_UNREGISTER));
	EXPECT_EQ(0, mu_simple_cmd(&y, MESHUP_CMD_REGISTER));
	/* Closing the socket releases it too. */
	mu_nl_close(&y);
	deadline = mu_now_ms() + 10000;
	do {
		rc = mu_simple_cmd(&x, MESHUP_CMD_REGISTER);
		if (rc != -EBUSY)
			break;
		mu_sleep_ms(100);
	} while (mu_now_ms() < deadline);
	EXPECT_EQ(0, rc) TH_LOG("registration not released when its socket closed");
	mu_nl_close(&x);
	mu_nl_close(&other);
}

TEST_HARNESS_MAIN
