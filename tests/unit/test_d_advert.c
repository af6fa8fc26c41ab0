// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what meshupd's beacons carry (advert.c): every channel
 * keeps an entry, its newest version, when there are more held bundles and
 * transfers than the 16 entries a beacon holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "meshupd.h"

static void key(uint8_t *k, int chan, uint64_t version)
{
	memset(k, 0, MESHUP_KEY_LEN);
	k[0] = (uint8_t)(0x10 + chan);
	mu_put_be64(k + 4, version);
	k[12] = (uint8_t)version;
}

static void channels(int n)
{
	memset(&D, 0, sizeof(D));
	D.cfg.n_chans = n;
	for (int c = 0; c < n; c++) {
		D.cfg.chans[c].id[0] = (uint8_t)(0x10 + c);
		D.chans[c].cfg = &D.cfg.chans[c];
	}
}

static void hold(int chan, int slot, uint64_t version, uint32_t blocks)
{
	struct d_held *h = &D.chans[chan].held[slot];

	h->used = true;
	key(h->key, chan, version);
	h->t.n_blocks = blocks;
}

static void xfer(int slot, int chan, uint64_t version, enum d_xfer_state st,
		 uint32_t held)
{
	struct d_xfer *x = &D.xfers[slot];

	x->used = true;
	x->chan = chan;
	x->state = st;
	key(x->key, chan, version);
	x->held = held;
}

static void assert_entry(const struct mu_nl_entry *e, int chan, uint64_t version,
			 uint32_t blocks)
{
	assert_int_equal(e->key[0], 0x10 + chan);
	assert_int_equal(d_key_version(e->key), version);
	assert_int_equal(e->blocks_held, blocks);
}

/* Few entries: all of them, each channel's newest first. */
static void test_all_fit(void **state)
{
	struct mu_nl_entry e[MESHUP_BEACON_MAX_ENTRIES];

	channels(3);
	hold(0, 0, 1, 10);		/* channel 0: 1 and 2 held, 3 arriving */
	hold(0, 1, 2, 20);
	xfer(0, 0, 3, D_X_BLOCKS, 5);
	xfer(1, 1, 7, D_X_MANIFEST, 0);	/* channel 1: no manifest yet */
	hold(2, 2, 4, 40);		/* channel 2: 4 held */
	assert_int_equal(d_advert_build(e), 5);
	assert_entry(&e[0], 0, 3, 5);
	assert_entry(&e[1], 1, 0, 0);	/* the placeholder */
	assert_int_equal(e[1].key[0], 0x11);
	assert_int_equal(e[1].key[12], 0);
	assert_entry(&e[2], 2, 4, 40);
	assert_entry(&e[3], 0, 1, 10);
	assert_entry(&e[4], 0, 2, 20);
}

/* 16 channels of 2 held bundles each: one entry per channel, the newest. */
static void test_every_channel_keeps_its_newest(void **state)
{
	struct mu_nl_entry e[MESHUP_BEACON_MAX_ENTRIES];

	channels(D_MAX_CHANNELS);
	for (int c = 0; c < D_MAX_CHANNELS; c++) {
		hold(c, 0, 100 + (uint64_t)c, 3);
		hold(c, 3, 200 + (uint64_t)c, 4);
	}
	assert_int_equal(d_advert_build(e), MESHUP_BEACON_MAX_ENTRIES);
	for (int c = 0; c < D_MAX_CHANNELS; c++)
		assert_entry(&e[c], c, 200 + (uint64_t)c, 4);
}

/* 12 channels, the first with 4 held and 2 transfers: the rest fill up. */
static void test_leftovers_fill_up(void **state)
{
	struct mu_nl_entry e[MESHUP_BEACON_MAX_ENTRIES];
	int seen[8] = { 0 };

	channels(12);
	for (int i = 0; i < D_HELD_MAX; i++)
		hold(0, i, 1 + (uint64_t)i, 8);
	xfer(0, 0, 5, D_X_BLOCKS, 1);
	xfer(2, 0, 6, D_X_BLOCKS, 2);
	assert_int_equal(d_advert_build(e), MESHUP_BEACON_MAX_ENTRIES);
	assert_entry(&e[0], 0, 6, 2);
	for (int c = 1; c < 12; c++)
		assert_entry(&e[c], c, 0, 0);
	for (int i = 12; i < MESHUP_BEACON_MAX_ENTRIES; i++) {
		assert_int_equal(e[i].key[0], 0x10);
		seen[d_key_version(e[i].key)]++;
	}
	/* four of the five others fit: held 1..4 before the transfer of 5 */
	assert_int_equal(seen[1] + seen[2] + seen[3] + seen[4], 4);
	assert_int_equal(seen[5], 0);
	assert_int_equal(seen[6], 0);
}

/* A transfer of a key held meanwhile (injected) is not advertised beside it:
 * neighbours would read the key twice, with two block counts. */
static void test_no_transfer_of_held(void **state)
{
	struct mu_nl_entry e[MESHUP_BEACON_MAX_ENTRIES];

	channels(1);
	hold(0, 0, 2, 30);
	xfer(0, 0, 2, D_X_BLOCKS, 4);
	assert_int_equal(d_advert_build(e), 1);
	assert_entry(&e[0], 0, 2, 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_fit),
		cmocka_unit_test(test_every_channel_keeps_its_newest),
		cmocka_unit_test(test_leftovers_fill_up),
		cmocka_unit_test(test_no_transfer_of_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
