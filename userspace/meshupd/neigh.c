// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd neighbours: what each neighbour advertises (from BEACON frames and
 * the periodic GET_NEIGHBORS dump), its clock offset for mesh time, and two
 * bounded tables: penalties per neighbour+object (invalid manifest, false
 * advert, bad block: ignored for a doubling time, 2 s .. 10 min) and objects
 * whose manifest was judged unacceptable (not asked again for a while).
 * All tables are fixed-size; the oldest entry is replaced when full.
 *
 * What an advert may start: entries for objects already being fetched go
 * to the transfer engine (one more source) if the neighbour is trusted (see
 * below) or the transfer is starved (no source that is not penalised holds
 * the first block it lacks): random
 * MACs claiming to hold everything would otherwise soak up windows of
 * requests that nobody answers. A new transfer costs
 * one of the few transfer slots, so a neighbour may start at most one per
 * channel at a time (its best acceptable candidate: an evil neighbour
 * advertising sixteen versions that do not exist holds one slot, not all
 * of them). And only a trusted neighbour may start one whenever it likes:
 * one that has served us something that verified (a block, or a manifest
 * signed by our keys that we accepted) and is under no penalty now. What a
 * neighbour advertises proves nothing (the keys of the bundles we hold are
 * in every honest beacon, for anyone to repeat); what it served does. The
 * others (random MACs of a flood, new neighbours, a neighbour caught
 * lying) start one only while no other untrusted neighbour's transfer
 * waits for its manifest: together they hold at most one slot, and a new
 * honest neighbour is trusted from its first verified block on.
 */
#include <string.h>

#include "meshupd.h"
#include "log.h"

#define NEIGH_FORGET_MS	(30 * 60 * 1000)

/* Whether each entry of D.neigh has served us something that verified. */
static bool vouched[D_NEIGH_MAX];

/* Which neighbour's advert started each transfer, by index in D.xfers
 * (valid while that slot still holds the same key).
 */
static struct {
	uint8_t key[MESHUP_KEY_LEN];
	uint32_t ifindex;
	uint8_t mac[6];
} starter[D_XFER_MAX];

/* The neighbour that started @x, or NULL if unknown or gone. */
static const struct d_neigh *starter_of(const struct d_xfer *x)
{
	int i = (int)(x - D.xfers);

	if (memcmp(starter[i].key, x->key, MESHUP_KEY_LEN))
		return NULL;
	return d_neigh_get(starter[i].ifindex, starter[i].mac, false);
}

struct d_neigh *d_neigh_get(uint32_t ifindex, const uint8_t mac[6], bool create)
{
	struct d_neigh *free_e = NULL, *victim = NULL;

	/* When full, the victim is the neighbour heard from longest ago among
	 * those that never served us (see trusted()), and only if there is
	 * none among all: honest neighbours at steady state beacon
	 * rarely (Trickle), so by age alone a flood of strangers would evict
	 * them first, and with them their trust.
	 */
	for (int i = 0; i < D_NEIGH_MAX; i++) {
		struct d_neigh *n = &D.neigh[i];

		if (!n->used) {
			if (!free_e)
				free_e = n;
			continue;
		}
		if (n->ifindex == ifindex && !memcmp(n->mac, mac, 6))
			return n;
		if (!victim ||
		    (vouched[victim - D.neigh] && !vouched[i]) ||
		    (vouched[victim - D.neigh] == vouched[i] &&
		     n->seen < victim->seen))
			victim = n;
	}
	if (!create)
		return NULL;
	if (!free_e)
		free_e = victim;
	memset(free_e, 0, sizeof(*free_e));
	free_e->used = true;
	free_e->ifindex = ifindex;
	memcpy(free_e->mac, mac, 6);
	free_e->seen = d_mono_ms();
	vouched[free_e - D.neigh] = false;
	return free_e;
}

void d_neigh_vouch(uint32_t ifindex, const uint8_t mac[6])
{
	vouched[d_neigh_get(ifindex, mac, true) - D.neigh] = true;
}

/* @a ranks above @b: (version, digest prefix) greater. */
static bool key_above(const uint8_t *a, const uint8_t *b)
{
	uint64_t va = d_key_version(a), vb = d_key_version(b);

	return va != vb ? va > vb : memcmp(a + 12, b + 12, 8) > 0;
}

/* Could @key start a new transfer from @mac at all? */
static bool candidate(const uint8_t mac[6], const uint8_t *key)
{
	struct d_bref b[D_HELD_MAX];
	int idx[D_HELD_MAX], c = d_chan_index_by_id(key), nb;

	if (c < 0 || d_key_version(key) == 0 || d_find_held(key) ||
	    d_penalized(mac, key) || d_rejected(key))
		return false;
	nb = d_chan_brefs(&D.chans[c], b, idx);
	return d_maybe_acceptable(b, nb, d_key_version(key), key + 12);
}

/* Has @mac a penalty running, for any object? */
static bool under_penalty(const uint8_t mac[6])
{
	uint64_t now = d_mono_ms();

	for (int i = 0; i < D_PEN_MAX; i++)
		if (D.pen[i].used && D.pen[i].until > now &&
		    !memcmp(D.pen[i].mac, mac, 6))
			return true;
	return false;
}

static bool trusted(const struct d_neigh *nb)
{
	return vouched[nb - D.neigh] && !under_penalty(nb->mac);
}

/* A transfer waiting for its manifest, started by an untrusted (or
 * forgotten) neighbour.
 */
static bool untrusted_pending(void)
{
	for (int i = 0; i < D_XFER_MAX; i++) {
		const struct d_xfer *x = &D.xfers[i];
		const struct d_neigh *nb;

		if (!x->used || x->state != D_X_MANIFEST)
			continue;
		nb = starter_of(x);
		if (!nb || !trusted(nb))
			return true;
	}
	return false;
}

/* Is @nb one of @x's sources already (its blocks_held may change)? */
static bool src_of(const struct d_xfer *x, const struct d_neigh *nb)
{
	for (int i = 0; i < x->nsrc; i++)
		if (x->src[i].ifindex == nb->ifindex && !memcmp(x->src[i].mac, nb->mac, 6))
			return true;
	return false;
}

/*
 * Is transfer @x starved: no source that is not penalised can give it what
 * it lacks? Waiting for its manifest, any source could send that; past it,
 * only one that holds the first block we lack (blocks_held counts from 0).
 * Another that advertised the object (the neighbour who has it in full
 * but never served us, next to the one that turned bad and the one that is
 * as far as we are) then joins as a source.
 */
static bool starved(const struct d_xfer *x)
{
	for (int i = 0; i < x->nsrc; i++)
		if (!d_penalized(x->src[i].mac, x->key) &&
		    (x->state == D_X_MANIFEST || x->src[i].held > x->held))
			return false;
	return true;
}

/* Hand @nb's advert to the transfer engine, filtered (see the top). */
static void consider(const struct d_neigh *nb, const struct mu_nl_entry *e,
		     unsigned int n)
{
	struct mu_nl_entry pass[MESHUP_BEACON_MAX_ENTRIES];
	int best[MESHUP_BEACON_MAX_ENTRIES], nbest = 0;
	bool trust = trusted(nb), may_start = trust || !untrusted_pending();
	unsigned int np = 0;

	for (unsigned int k = 0; k < n; k++) {
		const struct d_xfer *x = d_find_xfer(e[k].key);
		int j;

		if (x) {
			unsigned int q;

			if (!(trust || src_of(x, nb) || starved(x)))
				continue;
			/* a key twice in one advert: the most blocks held */
			for (q = 0; q < np; q++)
				if (!memcmp(pass[q].key, e[k].key, MESHUP_KEY_LEN))
					break;
			if (q == np)
				pass[np++] = e[k];
			else if (e[k].blocks_held > pass[q].blocks_held)
				pass[q].blocks_held = e[k].blocks_held;
			continue;
		}
		if (!may_start || !candidate(nb->mac, e[k].key))
			continue;
		for (j = 0; j < nbest; j++)
			if (!memcmp(e[best[j]].key, e[k].key, 4))
				break;
		if (j == nbest)
			best[nbest++] = (int)k;
		else if (key_above(e[k].key, e[best[j]].key))
			best[j] = (int)k;
	}
	d_fetch_consider(nb->ifindex, nb->mac, pass, np);
	for (int j = 0; j < nbest; j++) {
		const uint8_t *key = e[best[j]].key;
		bool busy = false;
		struct d_xfer *x;

		/* one transfer per channel waiting for its manifest from
		 * this neighbour */
		for (int i = 0; i < D_XFER_MAX; i++) {
			x = &D.xfers[i];
			if (x->used && x->state == D_X_MANIFEST &&
			    !memcmp(x->key, key, 4) && starter_of(x) == nb)
				busy = true;
		}
		if (busy || (!trust && untrusted_pending()))
			continue;
		d_fetch_consider(nb->ifindex, nb->mac, &e[best[j]], 1);
		x = d_find_xfer(key);
		if (x) {
			int i = (int)(x - D.xfers);

			memcpy(starter[i].key, key, MESHUP_KEY_LEN);
			starter[i].ifindex = nb->ifindex;
			memcpy(starter[i].mac, nb->mac, 6);
		}
	}
}

void d_neigh_update(uint32_t ifindex, const uint8_t mac[6], bool has_off,
		    int64_t off, uint8_t q, const struct mu_nl_entry *e,
		    unsigned int n)
{
	struct d_neigh *nb = d_neigh_get(ifindex, mac, true);

	nb->seen = d_mono_ms();
	nb->has_offset = has_off;
	nb->offset_ms = off;
	nb->quality = q;
	if (n > MESHUP_BEACON_MAX_ENTRIES)
		n = MESHUP_BEACON_MAX_ENTRIES;
	nb->n = n;
	if (n)
		memcpy(nb->e, e, n * sizeof(*e));
	consider(nb, e, n);
}

void d_neigh_expire(void)
{
	uint64_t now = d_mono_ms();

	for (int i = 0; i < D_NEIGH_MAX; i++)
		if (D.neigh[i].used && now - D.neigh[i].seen > NEIGH_FORGET_MS)
			D.neigh[i].used = false;
}

static struct d_pen *pen_find(const uint8_t mac[6], const uint8_t key[MESHUP_KEY_LEN])
{
	for (int i = 0; i < D_PEN_MAX; i++)
		if (D.pen[i].used && !memcmp(D.pen[i].mac, mac, 6) &&
		    !memcmp(D.pen[i].key, key, MESHUP_KEY_LEN))
			return &D.pen[i];
	return NULL;
}

bool d_penalized(const uint8_t mac[6], const uint8_t key[MESHUP_KEY_LEN])
{
	struct d_pen *p = pen_find(mac, key);

	return p && d_mono_ms() < p->until;
}

/* back-off of a penalty: 2 s, doubling per new offence, at most 10 min */
#define PEN_MAX_MS	600000u

void d_penalize(const uint8_t mac[6], const uint8_t key[MESHUP_KEY_LEN],
		const char *why)
{
	struct d_pen *p = pen_find(mac, key);
	uint64_t now = d_mono_ms();
	char ks[64];

	if (!p) {
		struct d_pen *victim = NULL;

		for (int i = 0; i < D_PEN_MAX; i++) {
			struct d_pen *q = &D.pen[i];

			if (!q->used || q->until < now) {
				victim = q;
				break;
			}
			if (!victim || q->until < victim->until)
				victim = q;
		}
		p = victim;
		memset(p, 0, sizeof(*p));
		p->used = true;
		memcpy(p->mac, mac, 6);
		memcpy(p->key, key, MESHUP_KEY_LEN);
		p->backoff_ms = 2000;
	} else if (p->until > now) {
		/* more of the same offence while its penalty runs (the rest
		 * of a window of junk blocks): one offence, one step */
		return;
	} else {
		p->backoff_ms = p->backoff_ms < PEN_MAX_MS / 2 ?
				p->backoff_ms * 2 : PEN_MAX_MS;
	}
	p->until = now + p->backoff_ms;
	d_key_str(key, ks, sizeof(ks));
	d_warn("ignoring neighbour %02x:%02x:%02x:%02x:%02x:%02x for %s during %u s: %s",
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], ks,
	       p->backoff_ms / 1000, why);
}

bool d_rejected(const uint8_t key[MESHUP_KEY_LEN])
{
	uint64_t now = d_mono_ms();

	for (int i = 0; i < D_REJ_MAX; i++)
		if (D.rej[i].used && D.rej[i].until > now &&
		    !memcmp(D.rej[i].key, key, MESHUP_KEY_LEN))
			return true;
	return false;
}

void d_reject(const uint8_t key[MESHUP_KEY_LEN], uint32_t ms)
{
	uint64_t now = d_mono_ms();
	struct d_rej *victim = NULL;

	for (int i = 0; i < D_REJ_MAX; i++) {
		struct d_rej *r = &D.rej[i];

		if (r->used && !memcmp(r->key, key, MESHUP_KEY_LEN)) {
			victim = r;
			break;
		}
		if (!r->used || r->until < now) {
			if (!victim || victim->used)
				victim = r;
			continue;
		}
		if (!victim || (victim->used && r->until < victim->until))
			victim = r;
	}
	victim->used = true;
	memcpy(victim->key, key, MESHUP_KEY_LEN);
	victim->until = now + ms;
}
