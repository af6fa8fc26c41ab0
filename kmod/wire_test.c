// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of meshup_validate() and meshup_entries_consistent().
 */
#include <kunit/test.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "neigh.h"
#include "wire.h"

#define BUF_LEN	2048
#define NO_SET	0xffff

/**
 * struct wire_case - one frame and the verdict it must get
 * @name: what the case checks
 * @version: protocol version byte
 * @type: type byte
 * @body_len: body_len field
 * @arrived: bytes handed to meshup_validate()
 * @off: body offset of a byte to set, or NO_SET
 * @val: its value
 * @want: expected verdict
 */
struct wire_case {
	const char *name;
	u8 version;
	u8 type;
	u16 body_len;
	size_t arrived;
	u16 off;
	u8 val;
	enum meshup_drop_reason want;
};

#define B MESHUP_T_BEACON
#define R MESHUP_T_REQUEST
#define M MESHUP_T_MANIFEST
#define K MESHUP_T_BLOCK
/* exact arrival: header + body */
#define X(bl) (8 + (bl))

static const struct wire_case wire_cases[] = {
	/* common header */
	{ "empty", 1, B, 11, 0, NO_SET, 0, MESHUP_DROP_SHORT },
	{ "7 bytes", 1, B, 11, 7, NO_SET, 0, MESHUP_DROP_SHORT },
	{ "version 0", 0, B, 11, X(11), NO_SET, 0, MESHUP_DROP_BAD_VERSION },
	{ "version 1", 1, B, 11, X(11), NO_SET, 0, MESHUP_DROP_NONE },
	{ "version 2 known type", 2, B, 11, X(11), NO_SET, 0, MESHUP_DROP_NONE },
	{ "version 255 request", 255, R, 36, X(36), NO_SET, 0, MESHUP_DROP_NONE },
	{ "version 2 appended field", 2, R, 44, X(44), NO_SET, 0,
	  MESHUP_DROP_NONE },
	{ "version 2 unknown type", 2, 9, 11, X(11), NO_SET, 0,
	  MESHUP_DROP_UNKNOWN_TYPE },
	{ "type 0", 1, 0, 11, X(11), NO_SET, 0, MESHUP_DROP_UNKNOWN_TYPE },
	{ "type 5", 1, 5, 11, X(11), NO_SET, 0, MESHUP_DROP_UNKNOWN_TYPE },
	{ "type 255", 1, 255, 11, X(11), NO_SET, 0, MESHUP_DROP_UNKNOWN_TYPE },
	{ "header only, body_len 0", 1, B, 0, 8, NO_SET, 0, MESHUP_DROP_SHORT },
	{ "body_len > arrived by 1", 1, B, 11, X(10), NO_SET, 0,
	  MESHUP_DROP_BAD_LENGTH },
	{ "body_len 65535", 1, K, 65535, X(1048), NO_SET, 0,
	  MESHUP_DROP_BAD_LENGTH },
	{ "padding ignored", 1, B, 11, 60, NO_SET, 0, MESHUP_DROP_NONE },
	{ "padding with junk ignored", 1, B, 11, 60, 40, 0xff,
	  MESHUP_DROP_NONE },
	/* BEACON: count at body offset 10 */
	{ "beacon 10", 1, B, 10, X(10), NO_SET, 0, MESHUP_DROP_SHORT },
	{ "beacon 11 count 0", 1, B, 11, X(11), 10, 0, MESHUP_DROP_NONE },
	{ "beacon 11 count 1", 1, B, 11, X(11), 10, 1, MESHUP_DROP_BAD_LENGTH },
	{ "beacon 34 count 1", 1, B, 34, X(34), 10, 1, MESHUP_DROP_BAD_LENGTH },
	{ "beacon 35 count 1", 1, B, 35, X(35), 10, 1, MESHUP_DROP_NONE },
	{ "beacon 36 count 1", 1, B, 36, X(36), 10, 1, MESHUP_DROP_NONE },
	{ "beacon 394 count 16", 1, B, 394, X(394), 10, 16,
	  MESHUP_DROP_BAD_LENGTH },
	{ "beacon 395 count 16", 1, B, 395, X(395), 10, 16, MESHUP_DROP_NONE },
	{ "beacon 396 count 16", 1, B, 396, X(396), 10, 16, MESHUP_DROP_NONE },
	{ "beacon 419 count 17", 1, B, 419, X(419), 10, 17,
	  MESHUP_DROP_BAD_FIELD },
	{ "beacon count 255", 1, B, 1024, X(1024), 10, 255,
	  MESHUP_DROP_BAD_FIELD },
	{ "beacon 35 count 1 arrived 42", 1, B, 35, 42, 10, 1,
	  MESHUP_DROP_BAD_LENGTH },
	/* REQUEST: what at body offset 20 */
	{ "request 35", 1, R, 35, X(35), NO_SET, 0, MESHUP_DROP_SHORT },
	{ "request 36 what 0", 1, R, 36, X(36), 20, 0, MESHUP_DROP_NONE },
	{ "request 36 what 1", 1, R, 36, X(36), 20, 1, MESHUP_DROP_NONE },
	{ "request 36 what 2", 1, R, 36, X(36), 20, 2, MESHUP_DROP_BAD_FIELD },
	{ "request 36 what 255", 1, R, 36, X(36), 20, 255,
	  MESHUP_DROP_BAD_FIELD },
	{ "request 37", 1, R, 37, X(37), 20, 1, MESHUP_DROP_NONE },
	{ "request padded to 46", 1, R, 36, 46, 20, 1, MESHUP_DROP_NONE },
	/* MANIFEST */
	{ "manifest 20", 1, M, 20, X(20), NO_SET, 0, MESHUP_DROP_SHORT },
	{ "manifest 21", 1, M, 21, X(21), NO_SET, 0, MESHUP_DROP_NONE },
	{ "manifest 1044", 1, M, 1044, X(1044), NO_SET, 0, MESHUP_DROP_NONE },
	{ "manifest 1045", 1, M, 1045, X(1045), NO_SET, 0,
	  MESHUP_DROP_BAD_LENGTH },
	{ "manifest 1044 arrived 1051", 1, M, 1044, X(1043), NO_SET, 0,
	  MESHUP_DROP_BAD_LENGTH },
	/* BLOCK */
	{ "block 24", 1, K, 24, X(24), NO_SET, 0, MESHUP_DROP_SHORT },
	{ "block 25", 1, K, 25, X(25), NO_SET, 0, MESHUP_DROP_NONE },
	{ "block 1048", 1, K, 1048, X(1048), NO_SET, 0, MESHUP_DROP_NONE },
	{ "block 1049", 1, K, 1049, X(1049), NO_SET, 0,
	  MESHUP_DROP_BAD_LENGTH },
	{ "block 1048 padded", 1, K, 1048, X(1048) + 100, NO_SET, 0,
	  MESHUP_DROP_NONE },
};

static u8 *wire_frame(struct kunit *test, const struct wire_case *c)
{
	u8 *buf = kunit_kzalloc(test, BUF_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	put_unaligned_be16(MESHUP_MAGIC, buf);
	buf[2] = c->version;
	buf[3] = c->type;
	put_unaligned_be16(c->body_len, buf + 4);
	put_unaligned_be16(0xabcd, buf + 6);	/* reserved: ignored */
	if (c->off != NO_SET)
		buf[8 + c->off] = c->val;
	return buf;
}

static void wire_test_cases(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wire_cases); i++) {
		const struct wire_case *c = &wire_cases[i];
		u8 *buf = wire_frame(test, c);

		KUNIT_EXPECT_EQ_MSG(test, (int)meshup_validate(buf, c->arrived,
							       NULL),
				    (int)c->want, "case: %s", c->name);
	}
}

static void wire_test_magic(struct kunit *test)
{
	struct wire_case c = { "magic", 1, B, 11, X(11), NO_SET, 0, 0 };
	u8 *buf = wire_frame(test, &c);

	KUNIT_EXPECT_EQ(test, (int)meshup_validate(buf, X(11), NULL),
			(int)MESHUP_DROP_NONE);
	buf[0] = 0x55;
	buf[1] = 0x4d;	/* byte-swapped magic */
	KUNIT_EXPECT_EQ(test, (int)meshup_validate(buf, X(11), NULL),
			(int)MESHUP_DROP_BAD_MAGIC);
	buf[0] = 0;
	buf[1] = 0;
	KUNIT_EXPECT_EQ(test, (int)meshup_validate(buf, X(11), NULL),
			(int)MESHUP_DROP_BAD_MAGIC);
	/* magic is checked before the version */
	buf[2] = 0;
	KUNIT_EXPECT_EQ(test, (int)meshup_validate(buf, X(11), NULL),
			(int)MESHUP_DROP_BAD_MAGIC);
}

static void wire_test_info(struct kunit *test)
{
	struct wire_case c = { "info", 3, K, 100, 200, NO_SET, 0, 0 };
	struct meshup_frame_info fi = {};
	u8 *buf = wire_frame(test, &c);

	KUNIT_EXPECT_EQ(test, (int)meshup_validate(buf, 200, &fi),
			(int)MESHUP_DROP_NONE);
	KUNIT_EXPECT_EQ(test, fi.type, MESHUP_T_BLOCK);
	KUNIT_EXPECT_EQ(test, fi.version, 3);
	KUNIT_EXPECT_EQ(test, fi.body_len, 100);
}

static void wire_entry(struct meshup_beacon_entry *e, u8 ch, u64 ver,
		       u32 held)
{
	memset(e, 0, sizeof(*e));
	e->key.channel_id[0] = ch;
	e->key.version = cpu_to_be64(ver);
	e->key.digest_prefix[0] = (u8)ver;
	e->blocks_held = cpu_to_be32(held);
}

static void wire_test_consistency(struct kunit *test)
{
	struct meshup_beacon_entry ours[3], theirs[4];

	wire_entry(&ours[0], 1, 5, 10);
	wire_entry(&ours[1], 1, 4, 10);
	wire_entry(&ours[2], 2, 7, 3);

	/* we advertise nothing: everything is consistent */
	wire_entry(&theirs[0], 1, 9, 1);
	KUNIT_EXPECT_TRUE(test, meshup_entries_consistent(ours, 0, theirs, 1));
	/* they say nothing */
	KUNIT_EXPECT_TRUE(test, meshup_entries_consistent(ours, 3, theirs, 0));
	/* only a channel we do not advertise */
	wire_entry(&theirs[0], 3, 9, 1);
	KUNIT_EXPECT_TRUE(test, meshup_entries_consistent(ours, 3, theirs, 1));
	/* the same set, other order, plus a foreign channel */
	theirs[0] = ours[2];
	theirs[1] = ours[1];
	theirs[2] = ours[0];
	wire_entry(&theirs[3], 3, 1, 1);
	KUNIT_EXPECT_TRUE(test, meshup_entries_consistent(ours, 3, theirs, 4));
	/* channel 2 only, equal: says nothing about channel 1 */
	KUNIT_EXPECT_TRUE(test, meshup_entries_consistent(ours, 3, theirs, 1));
	/* blocks_held differs */
	wire_entry(&theirs[0], 2, 7, 4);
	KUNIT_EXPECT_FALSE(test, meshup_entries_consistent(ours, 3, theirs, 1));
	/* a newer version of channel 2 */
	wire_entry(&theirs[0], 2, 8, 3);
	KUNIT_EXPECT_FALSE(test, meshup_entries_consistent(ours, 3, theirs, 1));
	/* one of our two channel-1 entries missing */
	theirs[0] = ours[0];
	KUNIT_EXPECT_FALSE(test, meshup_entries_consistent(ours, 3, theirs, 1));
	/* an extra entry for channel 1 */
	theirs[0] = ours[0];
	theirs[1] = ours[1];
	wire_entry(&theirs[2], 1, 6, 0);
	KUNIT_EXPECT_FALSE(test, meshup_entries_consistent(ours, 3, theirs, 3));
	/* digest prefix differs */
	theirs[2] = ours[2];
	theirs[2].key.digest_prefix[7] ^= 1;
	KUNIT_EXPECT_FALSE(test, meshup_entries_consistent(ours, 3, theirs, 3));
}

static void wire_test_token_bucket(struct kunit *test)
{
	struct meshup_tb tb = { .tokens = 400ULL * (NSEC_PER_SEC / 200) };
	u64 now = 1000000000ULL;
	int i, ok = 0;

	tb.last = now;
	/* a full bucket: exactly the burst passes at once */
	for (i = 0; i < 500; i++)
		ok += meshup_tb_take(&tb, now, 200, 400);
	KUNIT_EXPECT_EQ(test, ok, 400);
	/* one token per 5 ms at 200/s */
	KUNIT_EXPECT_FALSE(test, meshup_tb_take(&tb, now + 4999999, 200, 400));
	KUNIT_EXPECT_TRUE(test, meshup_tb_take(&tb, now + 5000000, 200, 400));
	KUNIT_EXPECT_FALSE(test, meshup_tb_take(&tb, now + 5000000, 200, 400));
	/* a long silence refills to the burst, not beyond */
	ok = 0;
	for (i = 0; i < 500; i++)
		ok += meshup_tb_take(&tb, now + 3600ULL * NSEC_PER_SEC, 200, 400);
	KUNIT_EXPECT_EQ(test, ok, 400);
	/* a clock that goes backwards gives nothing */
	KUNIT_EXPECT_FALSE(test, meshup_tb_take(&tb, now, 200, 400));
}

static struct kunit_case wire_test_list[] = {
	KUNIT_CASE(wire_test_cases),
	KUNIT_CASE(wire_test_magic),
	KUNIT_CASE(wire_test_info),
	KUNIT_CASE(wire_test_consistency),
	KUNIT_CASE(wire_test_token_bucket),
	{}
};

static struct kunit_suite wire_test_suite = {
	.name = "meshup_wire",
	.test_cases = wire_test_list,
};

kunit_test_suites(&wire_test_suite);
