// SPDX-License-Identifier: GPL-2.0
/*
 * Live test of the netlink client (userspace/lib/nl.c) against the loaded
 * module: parameters and extack messages, helper registration, advert,
 * SEND to a peer namespace and the FRAME it delivers there, a burst of
 * BLOCK frames (only 0, -ENOBUFS or -EAGAIN allowed), an unread burst that
 * overflows the helper's socket (counted and reported), and the module going
 * away and coming back (-EIDRM, -ENOENT, mu_nl_reconnect()).
 *
 * Built and run by tests/mesh/11-nl-api.sh inside the test guest (not a
 * unit test: it needs root, the module and this environment):
 *   MESHUP_NL_NS_A, MESHUP_NL_NS_B   two namespaces (ip netns names)
 *   MESHUP_NL_IF_A, MESHUP_NL_IF_B   the veth ends in them (up)
 *   MESHUP_NL_MAC_A, MESHUP_NL_MAC_B their MACs
 *   MESHUP_KO                         the module, for the reload case
 * Without it every case skips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nl.h"

static struct {
	bool ready;
	const char *ns[2], *ifn[2], *ko;
	uint8_t mac[2][6];
	uint32_t ifindex[2];
	struct mu_nl *nl[2];	/* one client per namespace */
} L;

struct got {
	unsigned int frames, requests, blocks;
	uint8_t last_peer[6];
	uint32_t last_ifindex;
	uint8_t body[MESHUP_MAX_BODY];
	size_t body_len;
};

static struct got got[2];

static void on_frame(const struct mu_nl_frame *f, void *arg)
{
	struct got *g = arg;

	g->frames++;
	if (f->type == MESHUP_T_REQUEST)
		g->requests++;
	if (f->type == MESHUP_T_BLOCK)
		g->blocks++;
	memcpy(g->last_peer, f->peer, 6);
	g->last_ifindex = f->ifindex;
	if (f->type != MESHUP_T_BEACON && f->body_len <= sizeof(g->body)) {
		memcpy(g->body, f->body, f->body_len);
		g->body_len = f->body_len;
	}
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
			 &b[4], &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* Run in namespace ns: open a client there (its sockets stay in ns). */
static int open_in(int i, char *err)
{
	static const struct mu_nl_ops ops = { .frame = on_frame };
	char path[256];
	int self, fd, ret;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/run/netns/%s", L.ns[i]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET)) {
		snprintf(err, MU_ERR_LEN, "cannot enter namespace %.64s", L.ns[i]);
		ret = -1;
		goto out;
	}
	ret = mu_nl_open(&L.nl[i], &ops, &got[i], err);
	L.ifindex[i] = if_nametoindex(L.ifn[i]);
	if (setns(self, CLONE_NEWNET))
		abort();
out:
	if (self >= 0)
		close(self);
	if (fd >= 0)
		close(fd);
	return ret;
}

static int setup(void **state)
{
	char err[MU_ERR_LEN];
	int i;

	L.ns[0] = getenv("MESHUP_NL_NS_A");
	L.ns[1] = getenv("MESHUP_NL_NS_B");
	L.ifn[0] = getenv("MESHUP_NL_IF_A");
	L.ifn[1] = getenv("MESHUP_NL_IF_B");
	L.ko = getenv("MESHUP_KO");
	if (!L.ns[0] || !L.ns[1] || !L.ifn[0] || !L.ifn[1] || !L.ko ||
	    parse_mac(getenv("MESHUP_NL_MAC_A"), L.mac[0]) ||
	    parse_mac(getenv("MESHUP_NL_MAC_B"), L.mac[1]))
		return 0;	/* not set up: every case skips */
	for (i = 0; i < 2; i++) {
		if (open_in(i, err)) {
			fprintf(stderr, "# open in %s: %s\n", L.ns[i], err);
			return -1;
		}
		if (!L.ifindex[i]) {
			fprintf(stderr, "# no %s in %s\n", L.ifn[i], L.ns[i]);
			return -1;
		}
	}
	L.ready = true;
	return 0;
}

static int teardown(void **state)
{
	mu_nl_close(L.nl[0]);
	mu_nl_close(L.nl[1]);
	return 0;
}

#define NEED() do { if (!L.ready) skip(); } while (0)

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Set when a read of either client reported an overrun (-ENOBUFS). */
static bool overrun[2];

/*
 * Read client i until cond() or ms elapse (ms 0: one pass over what is
 * pending); returns -MU_NL_EGONE if the client learnt the module went,
 * else 0.  Overruns are recorded in overrun[i].
 */
static int pump(int i, bool (*cond)(void), long ms)
{
	struct timespec t0;
	char err[MU_ERR_LEN];
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct pollfd p = { .fd = mu_nl_fd(L.nl[i]), .events = POLLIN };

		if (cond && cond())
			break;
		if (poll(&p, 1, ms ? 200 : 0) <= 0)
			continue;
		ret = mu_nl_recv(L.nl[i], err);
		if (ret == -MU_NL_EGONE)
			return ret;
		if (ret == -ENOBUFS)
			overrun[i] = true;
	} while (ms_since(&t0) < ms);
	return 0;
}

static void test_params(void **state)
{
	struct mu_nl_params p, q;
	char err[MU_ERR_LEN] = "";
	int ret;

	NEED();
	assert_int_equal(mu_nl_get_params(L.nl[0], &p, err), 0);
	assert_true(p.present & MU_NL_PARAM(MESHUP_PARAM_A_IMIN_MS));
	assert_true(p.present & MU_NL_PARAM(MESHUP_PARAM_A_K));
	assert_true(p.imin_ms >= 10 && p.imin_ms <= 60000);

	/* Out of range: rejected, with the kernel's extack message. */
	memset(&q, 0, sizeof(q));
	q.present = MU_NL_PARAM(MESHUP_PARAM_A_IMIN_MS);
	q.imin_ms = 5;
	ret = mu_nl_set_params(L.nl[0], &q, err);
	fprintf(stderr, "# SET_PARAMS imin 5: %d '%s'\n", ret, err);
	assert_true(ret == -ERANGE || ret == -EINVAL);
	assert_true(strncmp(err, "SET_PARAMS: ", 12) == 0);
	/* "SET_PARAMS: <extack> (<strerror>)": the kernel's message is there */
	assert_non_null(strstr(err, ret == -ERANGE ?
			       " (Numerical result out of range)" :
			       " (Invalid argument)"));
	assert_true(strlen(err) > strlen("SET_PARAMS: ") +
		    strlen(" (Numerical result out of range)"));

	/* A change sticks; restore it. */
	q.present = MU_NL_PARAM(MESHUP_PARAM_A_K);
	q.k = p.k == 3 ? 4 : 3;
	assert_int_equal(mu_nl_set_params(L.nl[0], &q, err), 0);
	assert_int_equal(mu_nl_get_params(L.nl[0], &q, err), 0);
	assert_int_equal(q.k, p.k == 3 ? 4 : 3);
	assert_int_equal(q.imin_ms, p.imin_ms);
	q.present = MU_NL_PARAM(MESHUP_PARAM_A_K);
	q.k = p.k;
	assert_int_equal(mu_nl_set_params(L.nl[0], &q, err), 0);
}

static void test_register(void **state)
{
	struct mu_nl *other;
	char err[MU_ERR_LEN] = "";
	int ret;

	NEED();
	assert_int_equal(mu_nl_register(L.nl[0], err), 0);
	assert_int_equal(mu_nl_register(L.nl[1], err), 0);
	/* A second helper in the root namespace is fine... */
	assert_int_equal(mu_nl_open(&other, NULL, NULL, err), 0);
	assert_int_equal(mu_nl_register(other, err), 0);
	assert_int_equal(mu_nl_unregister(other, err), 0);
	mu_nl_close(other);
	/* ...but not in a namespace that has one. */
	{
		char path[256];
		int self = open("/proc/self/ns/net", O_RDONLY);
		int fd;

		snprintf(path, sizeof(path), "/run/netns/%s", L.ns[0]);
		fd = open(path, O_RDONLY);
		assert_int_equal(setns(fd, CLONE_NEWNET), 0);
		ret = mu_nl_open(&other, NULL, NULL, err);
		assert_int_equal(setns(self, CLONE_NEWNET), 0);
		close(fd);
		close(self);
	}
	assert_int_equal(ret, 0);
	ret = mu_nl_register(other, err);
	fprintf(stderr, "# second REGISTER: %d '%s'\n", ret, err);
	assert_int_equal(ret, -EBUSY);
	assert_non_null(strstr(err, "REGISTER: "));
	assert_non_null(strstr(err, " (Device or resource busy)"));
	ret = mu_nl_unregister(other, err);
	assert_true(ret < 0);
	mu_nl_close(other);
}

static void test_advert(void **state)
{
	struct mu_nl_entry e[MESHUP_BEACON_MAX_ENTRIES + 1];
	char err[MU_ERR_LEN] = "";

	NEED();
	memset(e, 0, sizeof(e));
	e[0].key[0] = 0xab;
	e[0].key[11] = 1;	/* version 0.0.1 */
	e[0].blocks_held = 3;
	assert_int_equal(mu_nl_set_advert(L.nl[0], 0, MESHUP_CLOCK_UNSYNCED,
					  e, 1, err), 0);
	assert_int_equal(mu_nl_set_advert(L.nl[0], 1800000000000ULL,
					  MESHUP_CLOCK_SYNCED, NULL,
					  MU_NL_ENTRIES_UNCHANGED, err), 0);
	assert_int_equal(mu_nl_set_advert(L.nl[0], 0, 0, e,
					  MESHUP_BEACON_MAX_ENTRIES + 1, err),
			 -EINVAL);
	/* The kernel rejects a bad clock quality, with a message. */
	assert_true(mu_nl_set_advert(L.nl[0], 0, 7, e, 1, err) < 0);
	fprintf(stderr, "# SET_ADVERT quality 7: '%s'\n", err);
	assert_non_null(strchr(err, '('));
}

static bool b_has_request(void)
{
	return got[1].requests > 0;
}

static void test_send_and_frame(void **state)
{
	struct meshup_request r;
	char err[MU_ERR_LEN] = "";
	int ret;

	NEED();
	memset(&r, 0, sizeof(r));
	r.key.channel_id[0] = 0x42;
	r.what = MESHUP_REQ_MANIFEST;

	ret = mu_nl_send(L.nl[0], 999999, L.mac[1], MESHUP_T_REQUEST, &r,
			 sizeof(r), err);
	fprintf(stderr, "# SEND ifindex 999999: %d '%s'\n", ret, err);
	assert_int_equal(ret, -ENODEV);
	assert_non_null(strchr(err, '('));	/* extack */
	r.what = 9;
	ret = mu_nl_send(L.nl[0], L.ifindex[0], L.mac[1], MESHUP_T_REQUEST,
			 &r, sizeof(r), err);
	assert_int_equal(ret, -EINVAL);
	r.what = MESHUP_REQ_MANIFEST;
	assert_int_equal(mu_nl_send(L.nl[0], L.ifindex[0], L.mac[1],
				    MESHUP_T_REQUEST, &r, 0, err), -EINVAL);

	memset(&got[1], 0, sizeof(got[1]));
	assert_int_equal(mu_nl_send(L.nl[0], L.ifindex[0], L.mac[1],
				    MESHUP_T_REQUEST, &r, sizeof(r), err), 0);
	pump(1, b_has_request, 30000);
	assert_int_equal(got[1].requests, 1);
	assert_memory_equal(got[1].last_peer, L.mac[0], 6);
	assert_int_equal(got[1].last_ifindex, L.ifindex[1]);
	assert_int_equal(got[1].body_len, sizeof(r));
	assert_memory_equal(got[1].body, &r, sizeof(r));
}

#define BURST 2000

static bool b_has_burst(void)
{
	return got[1].blocks >= BURST;
}

struct if_stats {
	uint32_t ifindex;
	uint64_t s[MESHUP_STAT_A_MAX + 1];
	bool found;
};

static int stats_cb(const struct mu_nl_iface *i, void *arg)
{
	struct if_stats *st = arg;

	if (i->ifindex == st->ifindex) {
		memcpy(st->s, i->stats, sizeof(st->s));
		st->found = true;
	}
	return 0;
}

static void read_stats(int i, struct if_stats *st)
{
	char err[MU_ERR_LEN] = "";

	memset(st, 0, sizeof(*st));
	st->ifindex = L.ifindex[i];
	assert_int_equal(mu_nl_get_ifaces(L.nl[i], stats_cb, st, err), 0);
	assert_true(st->found);
}

static void test_block_burst(void **state)
{
	uint8_t body[MESHUP_KEY_LEN + 4 + MESHUP_BLOCK_MAX];
	unsigned int sent = 0, backoff = 0, i;
	struct if_stats a0, a1, b0, b1;
	char err[MU_ERR_LEN] = "";
	uint64_t rx, dd;
	struct timespec t0;
	long ms;
	int ret;

	NEED();
	memset(body, 0x5a, sizeof(body));
	pump(1, NULL, 200);
	overrun[1] = false;
	memset(&got[1], 0, sizeof(got[1]));
	read_stats(0, &a0);
	read_stats(1, &b0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < BURST; i++) {
		mu_put_be32(body + MESHUP_KEY_LEN, i);
		ret = mu_nl_send(L.nl[0], L.ifindex[0], L.mac[1],
				 MESHUP_T_BLOCK, body, sizeof(body), err);
		if (ret == -ENOBUFS || ret == -EAGAIN) {
			backoff++;
			continue;
		}
		if (ret)
			fprintf(stderr, "# BLOCK %u: %s\n", i, err);
		assert_int_equal(ret, 0);
		sent++;
		/* Let the receiver read now and then, as a daemon would. */
		if (i % 64 == 63)
			pump(1, NULL, 0);
	}
	ms = ms_since(&t0);
	fprintf(stderr, "# %u BLOCK frames of %zu bytes: %u sent, %u back-offs, "
		"%ld ms (%ld frames/s)\n", BURST, sizeof(body), sent, backoff, ms,
		ms ? (long)sent * 1000 / ms : 0);
	pump(1, b_has_burst, 5000);
	pump(1, NULL, 500);
	read_stats(0, &a1);
	read_stats(1, &b1);
	rx = b1.s[MESHUP_STAT_A_RX_BLOCK] - b0.s[MESHUP_STAT_A_RX_BLOCK];
	dd = b1.s[MESHUP_STAT_A_DROP_DELIVERY] -
	     b0.s[MESHUP_STAT_A_DROP_DELIVERY];
	fprintf(stderr, "# A tx_block +%llu; B rx_block +%llu, drop_delivery "
		"+%llu, received %u%s\n",
		(unsigned long long)(a1.s[MESHUP_STAT_A_TX_BLOCK] -
				     a0.s[MESHUP_STAT_A_TX_BLOCK]),
		(unsigned long long)rx, (unsigned long long)dd, got[1].blocks,
		overrun[1] ? " (overrun reported: -ENOBUFS)" : "");
	assert_true(sent > 0);
	assert_true(a1.s[MESHUP_STAT_A_TX_BLOCK] - a0.s[MESHUP_STAT_A_TX_BLOCK]
		    == sent);
	assert_true(got[1].blocks > 0);
	/* Every block the module took reached us or was counted and told. */
	assert_true(got[1].blocks <= rx);
	assert_true(got[1].blocks + dd >= rx);
	/* Drops at delivery are never silent: the helper was told. */
	assert_true(dd == 0 || overrun[1]);
}

/*
 * B does not read during a burst bigger than its receive buffer: the module
 * counts every frame it could not deliver, and the client reports the
 * overrun (-ENOBUFS) instead of losing them silently.
 */
static void test_overrun(void **state)
{
	uint8_t body[MESHUP_KEY_LEN + 4 + MESHUP_BLOCK_MAX];
	struct if_stats b0, b1;
	char err[MU_ERR_LEN] = "";
	unsigned int i;
	uint64_t rx, dd;

	NEED();
	memset(body, 0xa5, sizeof(body));
	pump(1, NULL, 200);
	overrun[1] = false;
	memset(&got[1], 0, sizeof(got[1]));
	read_stats(1, &b0);
	for (i = 0; i < BURST; i++) {
		mu_put_be32(body + MESHUP_KEY_LEN, i);
		assert_int_equal(mu_nl_send(L.nl[0], L.ifindex[0], L.mac[1],
					    MESHUP_T_BLOCK, body, sizeof(body),
					    err), 0);
	}
	pump(1, NULL, 2000);
	read_stats(1, &b1);
	rx = b1.s[MESHUP_STAT_A_RX_BLOCK] - b0.s[MESHUP_STAT_A_RX_BLOCK];
	dd = b1.s[MESHUP_STAT_A_DROP_DELIVERY] -
	     b0.s[MESHUP_STAT_A_DROP_DELIVERY];
	fprintf(stderr, "# unread burst: B rx_block +%llu, drop_delivery +%llu, "
		"received %u, overrun reported %d\n", (unsigned long long)rx,
		(unsigned long long)dd, got[1].blocks, overrun[1]);
	assert_true(rx == BURST);
	assert_true(dd > 0);
	assert_true(overrun[1]);
	assert_true(got[1].blocks + dd == rx);
}

static void test_reload(void **state)
{
	struct mu_nl_params p;
	char err[MU_ERR_LEN] = "", cmd[512];
	struct timespec t0;
	int ret = 0;
	uint8_t body[44] = { 0 };

	NEED();
	assert_int_equal(system("rmmod meshup"), 0);
	/* The nlctrl notice tells the client. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!mu_nl_gone(L.nl[0]) && ms_since(&t0) < 10000)
		ret = pump(0, NULL, 200);
	(void)ret;
	fprintf(stderr, "# after rmmod: recv %d, gone %d\n", ret,
		mu_nl_gone(L.nl[0]));
	assert_true(mu_nl_gone(L.nl[0]));
	assert_int_equal(mu_nl_recv(L.nl[0], err), -MU_NL_EGONE);
	assert_int_equal(mu_nl_send(L.nl[0], L.ifindex[0], L.mac[1],
				    MESHUP_T_REQUEST, body, sizeof(body), err),
			 -MU_NL_EGONE);
	/* A client that did not read its socket learns it from a request. */
	ret = mu_nl_get_params(L.nl[1], &p, err);
	fprintf(stderr, "# GET_PARAMS after rmmod: %d '%s'\n", ret, err);
	assert_true(ret == -MU_NL_EGONE || ret == -ENOENT);
	ret = mu_nl_reconnect(L.nl[0], err);
	assert_int_equal(ret, -ENOENT);
	assert_string_equal(err, MU_NL_NOMOD_MSG);

	snprintf(cmd, sizeof(cmd), "insmod '%s'", L.ko);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(mu_nl_reconnect(L.nl[0], err), 0);
	assert_false(mu_nl_gone(L.nl[0]));
	assert_int_equal(mu_nl_register(L.nl[0], err), 0);
	assert_int_equal(mu_nl_get_params(L.nl[0], &p, err), 0);
	pump(1, NULL, 500);
	assert_int_equal(mu_nl_reconnect(L.nl[1], err), 0);
	assert_int_equal(mu_nl_register(L.nl[1], err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_advert),
		cmocka_unit_test(test_send_and_frame),
		cmocka_unit_test(test_block_burst),
		cmocka_unit_test(test_overrun),
		cmocka_unit_test(test_reload),
	};

	return cmocka_run_group_tests_name("nl_live", tests, setup, teardown);
}
