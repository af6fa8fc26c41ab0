// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd serving: answer REQUESTs from verified data only, for held
 * bundles and for transfers in progress (cut-through). Each neighbour has a
 * token bucket (SERVE_RATE blocks per second, SERVE_BURST deep); blocks
 * beyond it are not sent (the requester asks again later). A send the
 * module cannot queue ends the answer the same way. Requesters we have not
 * heard a BEACON from (not in the neighbour table: a REQUEST flood from
 * random MACs) share one small bucket and get no table entry, so they can
 * neither push real neighbours out nor make us send more than
 * STRANGER_RATE blocks per second in all.
 */
#include <string.h>

#include "meshupd.h"
#include "log.h"

#define SERVE_RATE	2000.0	/* blocks per second per neighbour */
#define SERVE_BURST	256.0
#define STRANGER_RATE	50.0	/* blocks per second, all strangers together */
#define STRANGER_BURST	64.0

struct bucket {
	double tokens;
	uint64_t at;
};

static struct bucket strangers;

static bool bucket_take(double *tokens, uint64_t *at, double rate, double burst)
{
	uint64_t now = d_mono_ms();

	if (!*at) {
		*tokens = burst;
	} else {
		*tokens += (double)(now - *at) * rate / 1000.0;
		if (*tokens > burst)
			*tokens = burst;
	}
	*at = now;
	if (*tokens < 1.0)
		return false;
	*tokens -= 1.0;
	return true;
}

/* One block's worth from @nb's bucket, or from the strangers' if NULL. */
static bool take_token(struct d_neigh *nb)
{
	if (!nb)
		return bucket_take(&strangers.tokens, &strangers.at,
				   STRANGER_RATE, STRANGER_BURST);
	return bucket_take(&nb->tokens, &nb->tok_at, SERVE_RATE, SERVE_BURST);
}

/* Block @i of a held bundle or a transfer, if verified. */
static int get_block(const uint8_t *key, uint32_t i, uint8_t *out, size_t *len)
{
	struct d_held *h = d_find_held(key);
	struct d_xfer *x;
	struct mu_block_info bi;
	char err[MU_ERR_LEN];

	if (h)
		return mu_read_block(&h->t, i, h->hash_area, h->t.hash_area_len,
				     h->payload_fd, 0, out, len, err);
	x = d_find_xfer(key);
	if (!x || x->state != D_X_BLOCKS || i >= x->t.n_blocks ||
	    !(x->have[i / 8] & (0x80 >> (i % 8))))
		return -1;
	return mu_read_block(&x->t, i, x->hash_area, x->t.hash_area_len, x->fd, 0,
			     out, len, err);
	(void)bi;
}

void d_serve_request(const struct mu_nl_frame *f)
{
	const uint8_t *b = f->body;
	uint8_t out[MESHUP_MAX_BODY];
	struct d_neigh *nb;
	uint32_t first;
	struct d_held *h;
	struct d_xfer *x;

	if (f->body_len < 36)
		return;
	nb = d_neigh_get(f->ifindex, f->peer, false);
	memcpy(out, b, MESHUP_KEY_LEN);
	if (b[20] == MESHUP_REQ_MANIFEST) {
		const uint8_t *m = NULL;
		size_t mlen = 0;

		h = d_find_held(b);
		x = h ? NULL : d_find_xfer(b);
		if (h) {
			m = h->mraw;
			mlen = h->mlen;
		} else if (x && x->state == D_X_BLOCKS) {
			m = x->mraw;
			mlen = x->mlen;
		}
		if (!m || !take_token(nb))
			return;
		memcpy(out + MESHUP_KEY_LEN, m, mlen);
		d_nlink_send(f->ifindex, f->peer, MESHUP_T_MANIFEST, out,
			     MESHUP_KEY_LEN + mlen);
		return;
	}
	if (b[20] != MESHUP_REQ_BLOCKS)
		return;
	first = mu_get_be32(b + 24);
	for (int bit = 0; bit < 64; bit++) {
		size_t len;
		int r;

		if (!(b[28 + bit / 8] & (0x80 >> (bit % 8))))
			continue;
		if (first + (uint32_t)bit < first)
			break;
		if (get_block(b, first + (uint32_t)bit, out + 24, &len))
			continue;
		if (!take_token(nb))
			return;
		mu_put_be32(out + 20, first + (uint32_t)bit);
		r = d_nlink_send(f->ifindex, f->peer, MESHUP_T_BLOCK, out, 24 + len);
		if (r == -ENOBUFS || r == -EAGAIN)
			return;
	}
}
