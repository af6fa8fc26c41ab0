// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the section 5 rules in meshupd (policy.c): acceptance,
 * retention (newest, active, fallback), active bundle over time, and mesh
 * time (meshtime.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "policy.h"
#include "meshtime.h"

static struct d_bref B(uint64_t v, uint8_t p, uint64_t start, uint64_t end)
{
	struct d_bref b = { .version = v, .start = start, .end = end };

	memset(b.prefix, 0, 8);
	b.prefix[0] = p;
	return b;
}

static void test_key_order(void **state)
{
	struct d_bref a = B(1, 0x10, 0, 0), b = B(1, 0x20, 0, 0), c = B(2, 0x00, 0, 0);

	assert_true(d_key_cmp(&a, &b) < 0);
	assert_true(d_key_cmp(&b, &a) > 0);
	assert_true(d_key_cmp(&b, &c) < 0);
	assert_int_equal(d_key_cmp(&a, &a), 0);
}

static void test_accept(void **state)
{
	struct d_bref held[3] = { 0 };
	struct d_bref c;
	const char *why = NULL;

	/* nothing held: anything */
	c = B(1, 1, 0, 0);
	assert_true(d_acceptable(held, 0, &c, 100, &why));

	held[0] = B(5, 0x50, 0, 0);
	c = B(6, 0, 0, 0);
	assert_true(d_acceptable(held, 1, &c, 100, &why));
	c = B(4, 0xff, 0, 0);			/* older, stable, started, but the */
	assert_false(d_acceptable(held, 1, &c, 100, &why));	/* fallback is 5 */
	c = B(5, 0x50, 0, 0);			/* equal */
	assert_false(d_acceptable(held, 1, &c, 100, &why));
	assert_string_equal(why, "already held");
	c = B(5, 0x60, 0, 0);			/* same version, greater digest */
	assert_true(d_acceptable(held, 1, &c, 100, &why));
	c = B(5, 0x40, 0, 0);			/* same version, smaller digest */
	assert_false(d_acceptable(held, 1, &c, 100, &why));

	/* newest is experimental, no stable one: an older stable started
	 * bundle is accepted (it becomes the fallback) */
	held[0] = B(5, 0x50, 0, 200);
	c = B(3, 0, 10, 0);
	assert_true(d_acceptable(held, 1, &c, 100, &why));
	c = B(3, 0, 150, 0);			/* not started yet: no */
	assert_false(d_acceptable(held, 1, &c, 100, &why));
	c = B(3, 0, 10, 50);			/* experimental: no */
	assert_false(d_acceptable(held, 1, &c, 100, &why));
	/* with a fallback 4 held: only a newer stable started one */
	held[1] = B(4, 0, 0, 0);
	c = B(3, 0, 10, 0);
	assert_false(d_acceptable(held, 2, &c, 100, &why));
	c = B(4, 1, 10, 0);
	assert_true(d_acceptable(held, 2, &c, 100, &why));

	/* beacon-level pre-check */
	held[0] = B(5, 0x50, 0, 0);
	assert_true(d_maybe_acceptable(held, 1, 6, (uint8_t[8]){ 0 }));
	assert_false(d_maybe_acceptable(held, 1, 5, (uint8_t[8]){ 0x50 }));
	assert_false(d_maybe_acceptable(held, 1, 4, (uint8_t[8]){ 0 }));
	assert_true(d_maybe_acceptable(held, 1, 5, (uint8_t[8]){ 0x51 }));
	held[0] = B(5, 0x50, 0, 900);		/* experimental only */
	assert_true(d_maybe_acceptable(held, 1, 4, (uint8_t[8]){ 0 }));
}

static void test_active(void **state)
{
	struct d_bref h[3] = {
		B(1, 0, 0, 0),		/* stable, at once */
		B(2, 0, 100, 0),	/* stable, from 100 */
		B(3, 0, 150, 200),	/* experimental 150..200 */
	};

	assert_int_equal(d_active(h, 3, 50), 0);
	assert_int_equal(d_active(h, 3, 99), 0);
	assert_int_equal(d_active(h, 3, 100), 1);	/* start_time <= now */
	assert_int_equal(d_active(h, 3, 149), 1);
	assert_int_equal(d_active(h, 3, 150), 2);
	assert_int_equal(d_active(h, 3, 199), 2);
	assert_int_equal(d_active(h, 3, 200), 1);	/* end_time: revert */
	assert_int_equal(d_active(h, 0, 200), -1);
	h[0] = B(1, 0, 500, 0);
	assert_int_equal(d_active(h, 1, 100), -1);	/* nothing due */
	assert_int_equal(d_newest(h, 3), 2);
}

static void test_retain(void **state)
{
	struct d_bref h[4];
	bool keep[4];

	/* newest experimental active, fallback stable: both kept, older go */
	h[0] = B(1, 0, 0, 0);
	h[1] = B(2, 0, 0, 0);
	h[2] = B(3, 0, 0, 1000);
	d_retain(h, 3, 100, keep);
	assert_false(keep[0]);
	assert_true(keep[1]);
	assert_true(keep[2]);

	/* newest not yet due: active (2) kept, fallback = active, 1 goes */
	h[2] = B(3, 0, 500, 0);
	d_retain(h, 3, 100, keep);
	assert_false(keep[0]);
	assert_true(keep[1]);
	assert_true(keep[2]);

	/* newest due, stable: only it */
	d_retain(h, 3, 600, keep);
	assert_false(keep[0]);
	assert_false(keep[1]);
	assert_true(keep[2]);

	/* three distinct: newest future, active experimental, fallback stable */
	h[0] = B(1, 0, 0, 0);
	h[1] = B(2, 0, 0, 900);
	h[2] = B(3, 0, 500, 0);
	h[3] = B(0, 9, 0, 0);
	d_retain(h, 4, 100, keep);
	assert_true(keep[0]);
	assert_true(keep[1]);
	assert_true(keep[2]);
	assert_false(keep[3]);
}

static void test_median(void **state)
{
	struct d_neigh_time s[5] = {
		{ 100, 1 }, { -50, 2 }, { 7000, 0 }, { 300, 1 }, { 200, 1 },
	};
	int64_t m = 0;
	uint8_t q;

	assert_int_equal(d_median_offset(s, 5, &m), 4);	/* quality 0 ignored */
	assert_true(m == 150);				/* mean of 100, 200 */
	assert_int_equal(d_median_offset(s, 2, &m), 2);
	assert_true(m == 25);
	assert_int_equal(d_median_offset(s + 2, 1, &m), 0);
	assert_int_equal(d_median_offset(s, 1, &m), 1);
	assert_true(m == 100);

	/* synced clock wins; else neighbours; else own clock */
	assert_true(d_meshtime_compute(D_CLOCK_SYNCED, 0, 1000, 5, s, 5, &q) == 1005);
	assert_int_equal(q, 2);
	assert_true(d_meshtime_compute(D_CLOCK_AUTO, 1, 1000, 0, s, 5, &q) == 1000);
	assert_int_equal(q, 2);
	assert_true(d_meshtime_compute(D_CLOCK_AUTO, 0, 1000, 99, s, 5, &q) == 1150);
	assert_int_equal(q, 1);
	assert_true(d_meshtime_compute(D_CLOCK_UNSYNCED, 1, 1000, 99, s, 5, &q) == 1150);
	assert_int_equal(q, 1);
	assert_true(d_meshtime_compute(D_CLOCK_UNSYNCED, 0, 1000, -7, s + 2, 1, &q) == 993);
	assert_int_equal(q, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_active),
		cmocka_unit_test(test_retain),
		cmocka_unit_test(test_median),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
