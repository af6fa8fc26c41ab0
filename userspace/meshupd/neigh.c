// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd neighbours: what each neighbour advertises (from BEACON frames and
 * the periodic GET_NEIGHBORS dump), its clock offset for mesh time, and two
 * bounded tables: penalties per neighbour+object (invalid manifest, false
 * advert, bad block: ignored for a doubling time, 2 s .. 10 min) and objects
 * whose manifest was judged unacceptable (not asked again for a while).
 * All tables are fixed-size; the oldest entry is replaced when full.
 */
#include <string.h>

#include "meshupd.h"
#include "log.h"

#define NEIGH_FORGET_MS	(30 * 60 * 1000)

struct d_neigh *d_neigh_get(uint32_t ifindex, const uint8_t mac[6], bool create)
{
	struct d_neigh *free_e = NULL, *oldest = NULL;

	for (int i = 0; i < D_NEIGH_MAX; i++) {
		struct d_neigh *n = &D.neigh[i];

		if (!n->used) {
			if (!free_e)
				free_e = n;
			continue;
		}
		if (n->ifindex == ifindex && !memcmp(n->mac, mac, 6))
			return n;
		if (!oldest || n->seen < oldest->seen)
			oldest = n;
	}
	if (!create)
		return NULL;
	if (!free_e)
		free_e = oldest;
	memset(free_e, 0, sizeof(*free_e));
	free_e->used = true;
	free_e->ifindex = ifindex;
	memcpy(free_e->mac, mac, 6);
	free_e->seen = d_mono_ms();
	return free_e;
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
	memcpy(nb->e, e, n * sizeof(*e));
	d_fetch_consider(ifindex, mac, e, n);
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
	} else if (p->backoff_ms < 600000) {
		p->backoff_ms *= 2;
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
