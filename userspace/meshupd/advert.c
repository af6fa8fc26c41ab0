// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd advert: what our beacons carry (sections 3 and 5) and the 1 s
 * housekeeping tick. Entries: every held bundle (blocks_held = B), every
 * transfer past its manifest (contiguous verified blocks, for cut-through),
 * and each configured channel that has neither as version 0 / digest 0 /
 * blocks 0; at most 16, each channel's newest first (d_advert_build()). A new set of keys goes to the module at once; a
 * change of blocks_held alone at most every 300 ms (each change resets the
 * Trickle timers), except that a bundle becoming complete goes out at once. Mesh time and clock quality are refreshed
 * every second; the neighbour table (offsets, adverts) is re-read from the
 * module every 2 s so that a lost FRAME is not fatal.
 */
#include <string.h>

#include "meshupd.h"
#include "log.h"

static struct d_timer tick;
static struct mu_nl_entry last[MESHUP_BEACON_MAX_ENTRIES];
static int n_last = -1;
static uint64_t last_entries_at;
static unsigned int ticks;

/* An entry a channel could advertise: a held bundle or a transfer. */
struct cand {
	const uint8_t *key;
	uint32_t blocks_held;
	bool taken;
};

/* The candidates of channel @c: held bundles, then transfers past their manifest. */
static int candidates(int c, struct cand *cd)
{
	struct d_chan *ch = &D.chans[c];
	int n = 0;

	for (int i = 0; i < D_HELD_MAX; i++)
		if (ch->held[i].used)
			cd[n++] = (struct cand){ ch->held[i].key, ch->held[i].t.n_blocks, false };
	for (int i = 0; i < D_XFER_MAX; i++) {
		struct d_xfer *x = &D.xfers[i];

		/* (one of a key held meanwhile is on its way out) */
		if (x->used && x->chan == c && x->state == D_X_BLOCKS && !d_find_held(x->key))
			cd[n++] = (struct cand){ x->key, x->held, false };
	}
	return n;
}

static void put(struct mu_nl_entry *e, struct cand *cd)
{
	memcpy(e->key, cd->key, MESHUP_KEY_LEN);
	e->blocks_held = cd->blocks_held;
	cd->taken = true;
}

/*
 * The entries, at most MESHUP_BEACON_MAX_ENTRIES: first one per channel
 * (its newest version, held or being fetched, else the placeholder), so that
 * every channel stays visible to neighbours and to Trickle's consistency
 * check; then the others (older held bundles, other transfers) while there
 * is room. What does not fit is left out, with a warning the first time.
 */
int d_advert_build(struct mu_nl_entry *e)
{
	static bool warned;
	struct cand cd[D_MAX_CHANNELS][D_HELD_MAX + D_XFER_MAX];
	int nc[D_MAX_CHANNELS];
	int n = 0, left = 0;

	_Static_assert(D_MAX_CHANNELS <= MESHUP_BEACON_MAX_ENTRIES,
		       "every channel gets an entry");
	for (int c = 0; c < D.cfg.n_chans; c++) {
		int best = -1;

		nc[c] = candidates(c, cd[c]);
		for (int i = 0; i < nc[c]; i++)
			if (best < 0 || d_key_version(cd[c][i].key) > d_key_version(cd[c][best].key))
				best = i;
		if (best >= 0) {
			put(&e[n++], &cd[c][best]);
		} else {
			memset(&e[n], 0, sizeof(e[n]));
			memcpy(e[n].key, D.chans[c].cfg->id, 4);
			n++;
		}
	}
	for (int c = 0; c < D.cfg.n_chans; c++)
		for (int i = 0; i < nc[c]; i++) {
			if (cd[c][i].taken)
				continue;
			if (n < MESHUP_BEACON_MAX_ENTRIES)
				put(&e[n++], &cd[c][i]);
			else
				left++;
		}
	if (left && !warned) {
		warned = true;
		d_warn("advert full: %d older bundle(s) or transfer(s) left out of the %d entries a beacon carries (each channel keeps its newest)",
		       left, MESHUP_BEACON_MAX_ENTRIES);
	}
	return n;
}

static bool same_keys(const struct mu_nl_entry *a, int na,
		      const struct mu_nl_entry *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (memcmp(a[i].key, b[i].key, MESHUP_KEY_LEN))
			return false;
	return true;
}

#define ADVERT_MIN_MS	300	/* between updates of blocks_held alone */

static struct d_timer later;

static void later_cb(struct d_timer *t)
{
	D.advert_dirty = true;
}

/* Does @e carry a bundle that just became complete (held) since @last? */
static bool newly_complete(const struct mu_nl_entry *e, int n)
{
	for (int i = 0; i < n; i++) {
		if (!d_find_held(e[i].key))
			continue;
		for (int k = 0; k < n_last; k++)
			if (!memcmp(last[k].key, e[i].key, MESHUP_KEY_LEN) &&
			    last[k].blocks_held != e[i].blocks_held)
				return true;
	}
	return false;
}

static void advert_update(bool force_entries, bool time_too)
{
	struct mu_nl_entry e[MESHUP_BEACON_MAX_ENTRIES];
	char err[MU_ERR_LEN];
	uint8_t q;
	int64_t t;
	int n = d_advert_build(e), send_n = MU_NL_ENTRIES_UNCHANGED, r;
	uint64_t now = d_mono_ms();
	bool keys, blocks;

	D.advert_dirty = false;
	if (!D.nl || !D.registered)
		return;
	keys = !same_keys(e, n, last, n_last);
	blocks = !keys && memcmp(e, last, sizeof(e[0]) * (size_t)n);
	if (force_entries || keys || (blocks && (newly_complete(e, n) ||
						 now - last_entries_at >= ADVERT_MIN_MS)))
		send_n = n;
	else if (blocks && !later.armed)
		d_timer_arm(&later, ADVERT_MIN_MS - (now - last_entries_at));
	if (send_n < 0 && !time_too)
		return;
	t = d_mesh_ms(&q);
	r = mu_nl_set_advert(D.nl, t > 0 ? (uint64_t)t : 0, q, e, send_n, err);
	if (r) {
		d_warn("cannot set the advert: %s", err);
		D.advert_dirty = true;
		return;
	}
	if (send_n >= 0) {
		memcpy(last, e, sizeof(e[0]) * (size_t)n);
		n_last = n;
		last_entries_at = now;
		d_timer_cancel(&later);
	}
}

void d_advert_refresh(bool force_entries)
{
	advert_update(force_entries, force_entries);
}

struct dump_buf {
	int n;
	int n_known;			/* nb[0..n_known) are in D.neigh */
	struct mu_nl_neigh nb[D_NEIGH_MAX];
};

/*
 * Collect only: the request socket is busy with the dump. The module's
 * table is larger than ours; when it holds more neighbours than we can,
 * those we already know are kept first (a flood of strangers must not push
 * them out), then the first strangers in the module's order.
 */
static int dump_cb(const struct mu_nl_neigh *nb, void *arg)
{
	struct dump_buf *d = arg;
	bool known = d_neigh_get(nb->ifindex, nb->peer, false);

	if (known) {
		if (d->n < D_NEIGH_MAX)
			d->nb[d->n++] = d->nb[d->n_known];
		else if (d->n_known == D_NEIGH_MAX)
			return 0;
		d->nb[d->n_known++] = *nb;
	} else if (d->n < D_NEIGH_MAX) {
		d->nb[d->n++] = *nb;
	}
	return 0;
}

static void dump_neighbors(void)
{
	static struct dump_buf d;
	char err[MU_ERR_LEN];

	bool keep[D_NEIGH_MAX] = { false };

	d.n = 0;
	d.n_known = 0;
	if (mu_nl_get_neighbors(D.nl, dump_cb, &d, err) < 0)
		return;
	/* the module's table is the truth: forget neighbours it lost first,
	 * so that the new ones find room without evicting a known one */
	for (int i = 0; i < d.n_known; i++) {
		struct d_neigh *e = d_neigh_get(d.nb[i].ifindex, d.nb[i].peer, false);

		if (e)
			keep[e - D.neigh] = true;
	}
	for (int i = 0; i < D_NEIGH_MAX; i++)
		if (D.neigh[i].used && !keep[i])
			D.neigh[i].used = false;
	for (int i = 0; i < d.n; i++) {
		const struct mu_nl_neigh *nb = &d.nb[i];

		d_neigh_update(nb->ifindex, nb->peer, nb->has_offset, nb->offset_ms,
			       nb->clock_quality, nb->entries, nb->n_entries);
	}
}

static void tick_cb(struct d_timer *t)
{
	ticks++;
	if (D.nl && D.registered && !(ticks & 1))
		dump_neighbors();
	d_neigh_expire();
	d_activate_eval_all();
	advert_update(false, true);
	d_timer_arm(&tick, 1000);
}

void d_advert_start(void)
{
	tick.cb = tick_cb;
	later.cb = later_cb;
	d_timer_arm(&tick, 1000);
}
