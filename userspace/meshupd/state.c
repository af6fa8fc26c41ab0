// SPDX-License-Identifier: GPL-2.0
/* meshupd: the global state and small helpers on keys and mesh time. */
#include <stdio.h>
#include <string.h>

#include "meshupd.h"
#include "meshtime.h"

struct d_daemon D;

int64_t d_mesh_ms(uint8_t *q)
{
	struct d_neigh_time s[D_MT_MAX_SAMPLES];
	uint64_t now = d_mono_ms();
	int n = 0;
	uint8_t qq;
	int64_t t;

	for (int i = 0; i < D_NEIGH_MAX && n < D_MT_MAX_SAMPLES; i++) {
		const struct d_neigh *nb = &D.neigh[i];

		if (!nb->used || !nb->has_offset || now - nb->seen > 600000)
			continue;
		s[n].offset_ms = nb->offset_ms;
		s[n].quality = nb->quality;
		n++;
	}
	t = d_meshtime_compute(D.cfg.clock,
			       D.cfg.clock == D_CLOCK_AUTO ? d_clock_synced() : 0,
			       d_realtime_ms(), D.own_offset_ms, s, n, &qq);
	if (q)
		*q = qq;
	return t;
}

uint64_t d_mesh_s(void)
{
	int64_t ms = d_mesh_ms(NULL);

	return ms < 0 ? 0 : (uint64_t)ms / 1000;
}

void d_key_of(const struct mu_manifest *m, const uint8_t digest[32],
	      uint8_t key[MESHUP_KEY_LEN])
{
	mu_manifest_channel_id(m, key);
	mu_put_be64(key + 4, m->version);
	memcpy(key + 12, digest, 8);
}

uint64_t d_key_version(const uint8_t key[MESHUP_KEY_LEN])
{
	return mu_get_be64(key + 4);
}

void d_key_str(const uint8_t key[MESHUP_KEY_LEN], char *buf, size_t len)
{
	char v[MU_VERSION_STRLEN], h[17];

	mu_version_str(d_key_version(key), v);
	mu_hex(key + 12, 8, h);
	snprintf(buf, len, "%s/%s", v, h);
}

void d_held_bref(const struct d_held *h, struct d_bref *b)
{
	b->version = h->m.version;
	memcpy(b->prefix, h->digest, 8);
	b->start = h->m.start_time;
	b->end = h->m.end_time;
}

int d_chan_brefs(const struct d_chan *c, struct d_bref *b, int *idx)
{
	int n = 0;

	for (int i = 0; i < D_HELD_MAX; i++)
		if (c->held[i].used) {
			d_held_bref(&c->held[i], &b[n]);
			idx[n++] = i;
		}
	return n;
}

int d_chan_index_by_id(const uint8_t id[4])
{
	for (int i = 0; i < D.cfg.n_chans; i++)
		if (!memcmp(D.cfg.chans[i].id, id, 4))
			return i;
	return -1;
}
