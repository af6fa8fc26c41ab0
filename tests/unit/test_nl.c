// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of userspace/lib/nl_parse.c and nl_fmt.c: netlink messages as
 * the module builds them (include/uapi/linux/meshup.h), built here with
 * libnl, parsed into the nl.h structs and rendered; malformed messages are
 * rejected with a message naming the attribute.  Also the not-loaded error
 * path of mu_nl_open() when the family does not exist (skipped if it does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nl.h"
#include "nl_fmt.h"
#include "nl_parse.h"

#define FAMILY 0x1234

static const uint8_t mac1[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 1, FAMILY, 0, 0, cmd, 1));
	return msg;
}

/* key: channel id 0a1b2c3d, version 1.2.3, digest 0011223344556677 */
static void make_key(uint8_t key[MESHUP_KEY_LEN], uint32_t patch)
{
	static const uint8_t chan[4] = { 0x0a, 0x1b, 0x2c, 0x3d };
	static const uint8_t dig[8] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55,
					0x66, 0x77 };

	memcpy(key, chan, 4);
	mu_put_be64(key + 4, (uint64_t)1 << 48 | (uint64_t)2 << 32 | patch);
	memcpy(key + 12, dig, 8);
}

static void put_entries(struct nl_msg *msg, unsigned int n)
{
	struct nlattr *list = nla_nest_start(msg, MESHUP_A_ENTRIES);
	uint8_t key[MESHUP_KEY_LEN];
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct nlattr *one = nla_nest_start(msg, 0);

		make_key(key, 3 + i);
		nla_put(msg, MESHUP_ENTRY_A_KEY, MESHUP_KEY_LEN, key);
		nla_put_u32(msg, MESHUP_ENTRY_A_BLOCKS_HELD, 10 + i);
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, list);
}

static struct nl_msg *neigh_msg(uint8_t cmd, bool offset, unsigned int n)
{
	struct nl_msg *msg = new_msg(cmd);

	nla_put_u32(msg, MESHUP_A_IFINDEX, 7);
	nla_put(msg, MESHUP_A_PEER, 6, mac1);
	nla_put_u32(msg, MESHUP_A_NEIGH_AGE_MS, 1234);
	if (offset)
		nla_put_u64(msg, MESHUP_A_NEIGH_OFFSET_MS, (uint64_t)-12);
	nla_put_u8(msg, MESHUP_A_CLOCK_QUALITY, 2);
	nla_put_u64(msg, MESHUP_A_MESH_TIME, 1800000000123ULL);
	put_entries(msg, n);
	return msg;
}

static void test_neigh(void **state)
{
	struct nl_msg *msg = neigh_msg(MESHUP_CMD_GET_NEIGHBORS, true, 2);
	char err[MU_ERR_LEN] = "", ent[96];
	struct mu_nl_neigh n;

	assert_int_equal(mu_nl_parse_neigh(nlmsg_hdr(msg), &n, err), 0);
	assert_int_equal(n.ifindex, 7);
	assert_memory_equal(n.peer, mac1, 6);
	assert_int_equal(n.age_ms, 1234);
	assert_true(n.has_offset);
	assert_true(n.offset_ms == -12);
	assert_int_equal(n.clock_quality, 2);
	assert_true(n.mesh_time_ms == 1800000000123ULL);
	assert_int_equal(n.n_entries, 2);
	assert_int_equal(n.entries[1].blocks_held, 11);
	assert_string_equal(mu_nl_fmt_entry(&n.entries[0], ent, sizeof(ent)),
			    "0a1b2c3d 1.2.3 0011223344556677 blocks 10");
	nlmsg_free(msg);

	/* No offset attribute: has_offset false; JSON offset null. */
	msg = neigh_msg(MESHUP_CMD_GET_NEIGHBORS, false, 0);
	assert_int_equal(mu_nl_parse_neigh(nlmsg_hdr(msg), &n, err), 0);
	assert_false(n.has_offset);
	assert_int_equal(n.n_entries, 0);
	{
		struct json_object *j = mu_nl_json_neigh(&n, "veth0");

		assert_string_equal(json_object_to_json_string_ext(j,
				    JSON_C_TO_STRING_PLAIN),
				    "{\"ifindex\":7,\"ifname\":\"veth0\","
				    "\"mac\":\"02:aa:bb:cc:dd:01\",\"age_ms\":1234,"
				    "\"clock_quality\":2,\"clock\":\"synced\","
				    "\"mesh_time_ms\":1800000000123,"
				    "\"offset_ms\":null,\"entries\":[]}");
		json_object_put(j);
	}
	nlmsg_free(msg);
}

static void test_neigh_malformed(void **state)
{
	char err[MU_ERR_LEN] = "";
	struct mu_nl_neigh n;
	struct nl_msg *msg;
	uint8_t short_key[10] = { 0 };
	struct nlattr *list, *one;

	/* Missing PEER. */
	msg = new_msg(MESHUP_CMD_GET_NEIGHBORS);
	nla_put_u32(msg, MESHUP_A_IFINDEX, 7);
	nla_put_u32(msg, MESHUP_A_NEIGH_AGE_MS, 1);
	nla_put_u8(msg, MESHUP_A_CLOCK_QUALITY, 0);
	nla_put_u64(msg, MESHUP_A_MESH_TIME, 0);
	assert_int_equal(mu_nl_parse_neigh(nlmsg_hdr(msg), &n, err), -EPROTO);
	assert_non_null(strstr(err, "PEER"));
	nlmsg_free(msg);

	/* PEER of the wrong length. */
	msg = new_msg(MESHUP_CMD_EVT_NEIGH_LOST);
	nla_put_u32(msg, MESHUP_A_IFINDEX, 7);
	nla_put(msg, MESHUP_A_PEER, 5, mac1);
	{
		struct mu_nl_event e;

		assert_int_equal(mu_nl_parse_event(nlmsg_hdr(msg), &e, err),
				 -EPROTO);
		assert_non_null(strstr(err, "EVT_NEIGH_LOST"));
	}
	nlmsg_free(msg);

	/* 17 entries. */
	msg = neigh_msg(MESHUP_CMD_GET_NEIGHBORS, true,
			MESHUP_BEACON_MAX_ENTRIES + 1);
	assert_int_equal(mu_nl_parse_neigh(nlmsg_hdr(msg), &n, err), -EPROTO);
	assert_non_null(strstr(err, "more than 16"));
	nlmsg_free(msg);

	/* An entry with a short key. */
	msg = new_msg(MESHUP_CMD_GET_NEIGHBORS);
	nla_put_u32(msg, MESHUP_A_IFINDEX, 7);
	nla_put(msg, MESHUP_A_PEER, 6, mac1);
	nla_put_u32(msg, MESHUP_A_NEIGH_AGE_MS, 1);
	nla_put_u8(msg, MESHUP_A_CLOCK_QUALITY, 0);
	nla_put_u64(msg, MESHUP_A_MESH_TIME, 0);
	list = nla_nest_start(msg, MESHUP_A_ENTRIES);
	one = nla_nest_start(msg, 0);
	nla_put(msg, MESHUP_ENTRY_A_KEY, sizeof(short_key), short_key);
	nla_put_u32(msg, MESHUP_ENTRY_A_BLOCKS_HELD, 1);
	nla_nest_end(msg, one);
	nla_nest_end(msg, list);
	assert_int_equal(mu_nl_parse_neigh(nlmsg_hdr(msg), &n, err), -EPROTO);
	assert_non_null(strstr(err, "entry 0"));
	nlmsg_free(msg);
}

static void test_frame(void **state)
{
	struct nl_msg *msg = new_msg(MESHUP_CMD_FRAME);
	static const uint8_t body[5] = { 1, 2, 3, 4, 5 };
	char err[MU_ERR_LEN] = "";
	struct mu_nl_frame f;

	nla_put_u32(msg, MESHUP_A_IFINDEX, 3);
	nla_put(msg, MESHUP_A_PEER, 6, mac1);
	nla_put_u8(msg, MESHUP_A_FRAME_TYPE, MESHUP_T_BLOCK);
	nla_put_u8(msg, MESHUP_A_FRAME_VERSION, 2);
	nla_put(msg, MESHUP_A_FRAME_BODY, sizeof(body), body);
	assert_int_equal(mu_nl_parse_frame(nlmsg_hdr(msg), &f, err), 0);
	assert_int_equal(f.ifindex, 3);
	assert_int_equal(f.type, MESHUP_T_BLOCK);
	assert_int_equal(f.version, 2);
	assert_int_equal(f.body_len, 5);
	assert_memory_equal(f.body, body, 5);
	nlmsg_free(msg);

	msg = new_msg(MESHUP_CMD_FRAME);
	nla_put_u32(msg, MESHUP_A_IFINDEX, 3);
	nla_put(msg, MESHUP_A_PEER, 6, mac1);
	nla_put_u8(msg, MESHUP_A_FRAME_TYPE, MESHUP_T_BLOCK);
	nla_put_u8(msg, MESHUP_A_FRAME_VERSION, 1);
	assert_int_equal(mu_nl_parse_frame(nlmsg_hdr(msg), &f, err), -EPROTO);
	assert_non_null(strstr(err, "FRAME_BODY"));
	nlmsg_free(msg);
}

static void test_iface(void **state)
{
	struct nl_msg *msg = new_msg(MESHUP_CMD_GET_IFACES);
	char err[MU_ERR_LEN] = "";
	struct mu_nl_iface i;
	struct nlattr *st;
	int a;

	nla_put_u32(msg, MESHUP_A_IFINDEX, 4);
	nla_put_string(msg, MESHUP_A_IFNAME, "veth1");
	nla_put_u32(msg, MESHUP_A_TRICKLE_INTERVAL_MS, 800);
	st = nla_nest_start(msg, MESHUP_A_STATS);
	for (a = MESHUP_STAT_A_RX_BEACON; a <= MESHUP_STAT_A_TX_ERRORS; a++)
		nla_put_u64(msg, a, 100 + a);
	nla_put_u64(msg, MESHUP_STAT_A_MAX + 5, 9);	/* a future counter */
	nla_nest_end(msg, st);
	assert_int_equal(mu_nl_parse_iface(nlmsg_hdr(msg), &i, err), 0);
	assert_string_equal(i.name, "veth1");
	assert_int_equal(i.trickle_interval_ms, 800);
	assert_true(i.stats[MESHUP_STAT_A_TX_BEACON] ==
		    100 + MESHUP_STAT_A_TX_BEACON);
	assert_true(i.stats[MESHUP_STAT_A_DROP_NOT_FOR_US] ==
		    100 + MESHUP_STAT_A_DROP_NOT_FOR_US);
	assert_true(i.stats_present & 1ULL << MESHUP_STAT_A_TX_ERRORS);
	{
		struct json_object *j = mu_nl_json_iface(&i), *c, *d, *v;

		assert_true(json_object_object_get_ex(j, "counters", &c));
		assert_true(json_object_object_get_ex(j, "drops", &d));
		assert_true(json_object_object_get_ex(c, "tx_beacon", &v));
		assert_int_equal(json_object_get_int64(v),
				 100 + MESHUP_STAT_A_TX_BEACON);
		assert_true(json_object_object_get_ex(d, "bad_magic", &v));
		assert_int_equal(json_object_get_int64(v),
				 100 + MESHUP_STAT_A_DROP_BAD_MAGIC);
		assert_false(json_object_object_get_ex(c, "drop_short", &v));
		assert_int_equal(json_object_object_length(c) +
				 json_object_object_length(d),
				 MESHUP_STAT_A_TX_ERRORS);
		json_object_put(j);
	}
	nlmsg_free(msg);

	/* A counter that is not a u64. */
	msg = new_msg(MESHUP_CMD_GET_IFACES);
	nla_put_u32(msg, MESHUP_A_IFINDEX, 4);
	nla_put_string(msg, MESHUP_A_IFNAME, "veth1");
	nla_put_u32(msg, MESHUP_A_TRICKLE_INTERVAL_MS, 800);
	st = nla_nest_start(msg, MESHUP_A_STATS);
	nla_put_u32(msg, MESHUP_STAT_A_RX_BLOCK, 1);
	nla_nest_end(msg, st);
	assert_int_equal(mu_nl_parse_iface(nlmsg_hdr(msg), &i, err), -EPROTO);
	assert_non_null(strstr(err, "rx_block"));
	nlmsg_free(msg);
}

static void test_params(void **state)
{
	struct nl_msg *msg = new_msg(MESHUP_CMD_GET_PARAMS);
	char err[MU_ERR_LEN] = "";
	struct mu_nl_params p;
	struct nlattr *nest, *list;

	nest = nla_nest_start(msg, MESHUP_A_PARAMS);
	nla_put_u32(msg, MESHUP_PARAM_A_IMIN_MS, 100);
	nla_put_u32(msg, MESHUP_PARAM_A_K, 2);
	nla_put_u32(msg, MESHUP_PARAM_A_IF_FILTER, MESHUP_IF_FILTER_ALLOW);
	list = nla_nest_start(msg, MESHUP_PARAM_A_IF_LIST);
	nla_put_string(msg, 0, "eth0");
	nla_put_string(msg, 0, "wlan0");
	nla_nest_end(msg, list);
	nla_nest_end(msg, nest);
	assert_int_equal(mu_nl_parse_params(nlmsg_hdr(msg), &p, err), 0);
	assert_int_equal(p.imin_ms, 100);
	assert_int_equal(p.k, 2);
	assert_int_equal(p.if_filter, MESHUP_IF_FILTER_ALLOW);
	assert_int_equal(p.present,
			 MU_NL_PARAM(MESHUP_PARAM_A_IMIN_MS) |
			 MU_NL_PARAM(MESHUP_PARAM_A_K) |
			 MU_NL_PARAM(MESHUP_PARAM_A_IF_FILTER) |
			 MU_NL_PARAM(MESHUP_PARAM_A_IF_LIST));
	assert_int_equal(p.n_if, 2);
	assert_string_equal(p.if_list[1], "wlan0");
	nlmsg_free(msg);
}

static void test_events(void **state)
{
	char err[MU_ERR_LEN] = "", line[512];
	struct mu_nl_event e;
	struct nl_msg *msg;

	msg = neigh_msg(MESHUP_CMD_EVT_NEIGH_NEW, true, 1);
	assert_int_equal(mu_nl_parse_event(nlmsg_hdr(msg), &e, err), 0);
	assert_int_equal(e.cmd, MESHUP_CMD_EVT_NEIGH_NEW);
	assert_memory_equal(e.peer, mac1, 6);
	assert_string_equal(mu_nl_fmt_event(&e, "veth0", line, sizeof(line)),
			    "neigh-new veth0 02:aa:bb:cc:dd:01 quality 2 "
			    "offset -12 ms entries 1: 0a1b2c3d 1.2.3 "
			    "0011223344556677 blocks 10");
	{
		struct json_object *j = mu_nl_json_event(&e, "veth0", 1000);
		struct json_object *v;

		assert_true(json_object_object_get_ex(j, "event", &v));
		assert_string_equal(json_object_get_string(v), "neigh-new");
		assert_true(json_object_object_get_ex(j, "mac", &v));
		assert_string_equal(json_object_get_string(v),
				    "02:aa:bb:cc:dd:01");
		assert_true(json_object_object_get_ex(j, "entries", &v));
		assert_int_equal(json_object_array_length(v), 1);
		json_object_put(j);
	}
	nlmsg_free(msg);

	msg = new_msg(MESHUP_CMD_EVT_DROP);
	nla_put_u32(msg, MESHUP_A_IFINDEX, 9);
	nla_put(msg, MESHUP_A_PEER, 6, mac1);
	nla_put_u32(msg, MESHUP_A_DROP_REASON, MESHUP_DROP_BAD_MAGIC);
	assert_int_equal(mu_nl_parse_event(nlmsg_hdr(msg), &e, err), 0);
	assert_string_equal(mu_nl_fmt_event(&e, NULL, line, sizeof(line)),
			    "drop if9 02:aa:bb:cc:dd:01 reason bad_magic");
	nlmsg_free(msg);

	/* A drop without PEER (unknown sender). */
	msg = new_msg(MESHUP_CMD_EVT_DROP);
	nla_put_u32(msg, MESHUP_A_IFINDEX, 9);
	nla_put_u32(msg, MESHUP_A_DROP_REASON, MESHUP_DROP_SHORT);
	assert_int_equal(mu_nl_parse_event(nlmsg_hdr(msg), &e, err), 0);
	assert_false(e.has_peer);
	assert_string_equal(mu_nl_fmt_event(&e, "eth0", line, sizeof(line)),
			    "drop eth0 - reason short");
	nlmsg_free(msg);

	msg = new_msg(MESHUP_CMD_EVT_IFACE_REMOVED);
	nla_put_u32(msg, MESHUP_A_IFINDEX, 9);
	nla_put_string(msg, MESHUP_A_IFNAME, "veth9");
	assert_int_equal(mu_nl_parse_event(nlmsg_hdr(msg), &e, err), 0);
	assert_string_equal(mu_nl_fmt_event(&e, NULL, line, sizeof(line)),
			    "iface-removed veth9 ifindex 9");
	nlmsg_free(msg);

	/* IFNAME without its NUL. */
	msg = new_msg(MESHUP_CMD_EVT_IFACE_ADDED);
	nla_put_u32(msg, MESHUP_A_IFINDEX, 9);
	nla_put(msg, MESHUP_A_IFNAME, 5, "veth9");
	assert_int_equal(mu_nl_parse_event(nlmsg_hdr(msg), &e, err), -EPROTO);
	nlmsg_free(msg);

	/* A truncated line never overflows. */
	msg = neigh_msg(MESHUP_CMD_EVT_NEIGH_CHANGED, true, 16);
	assert_int_equal(mu_nl_parse_event(nlmsg_hdr(msg), &e, err), 0);
	mu_nl_fmt_event(&e, "veth0", line, 40);
	assert_int_equal(strlen(line), 39);
	nlmsg_free(msg);
}

static void test_extack(void **state)
{
	/* NLMSG_ERROR, capped, with an extack message. */
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_CAPPED |
						NLM_F_ACK_TLVS);
	struct nlmsgerr e = { .error = -EINVAL };

	e.msg.nlmsg_len = 64;
	nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "imin out of range");
	assert_string_equal(mu_nl_parse_extack(nlmsg_hdr(msg)),
			    "imin out of range");
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_CAPPED);
	nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
	assert_null(mu_nl_parse_extack(nlmsg_hdr(msg)));
	nlmsg_free(msg);
}

static void test_names(void **state)
{
	unsigned int a;

	for (a = 1; a <= MESHUP_STAT_A_MAX; a++)
		if (a != MESHUP_STAT_A_PAD)
			assert_non_null(mu_nl_stat_name(a));
	for (a = 0; a <= MESHUP_DROP_MAX; a++)
		assert_non_null(mu_nl_drop_name(a));
	assert_int_equal(mu_nl_stat_drop_reason(MESHUP_STAT_A_DROP_SHORT),
			 MESHUP_DROP_SHORT);
	assert_int_equal(mu_nl_stat_drop_reason(MESHUP_STAT_A_DROP_NOT_FOR_US),
			 MESHUP_DROP_NOT_FOR_US);
	assert_int_equal(mu_nl_stat_drop_reason(MESHUP_STAT_A_TX_BEACON), 0);
	assert_null(mu_nl_event_name(MESHUP_CMD_FRAME));
	assert_string_equal(mu_nl_event_name(MESHUP_CMD_EVT_DROP), "drop");
}

static void test_open_not_loaded(void **state)
{
	char err[MU_ERR_LEN] = "";
	struct mu_nl *nl = NULL;
	int ret = mu_nl_open(&nl, NULL, NULL, err);

	if (ret == 0) {
		mu_nl_close(nl);
		skip();	/* the module is loaded here */
	}
	assert_int_equal(ret, -ENOENT);
	assert_null(nl);
	assert_string_equal(err, MU_NL_NOMOD_MSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_neigh),
		cmocka_unit_test(test_neigh_malformed),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_iface),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_extack),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_open_not_loaded),
	};

	return cmocka_run_group_tests_name("nl", tests, NULL, NULL);
}
