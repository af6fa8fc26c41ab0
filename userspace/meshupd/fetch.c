// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd transfer engine.
 *
 * A neighbour's advert names an object of a configured channel that could
 * be accepted (section 5): ask it for the manifest (REQUEST what=0, retried
 * on other advertisers every second, 6 tries). The manifest must hash to the
 * advertised digest prefix (else the neighbour is penalised), be valid,
 * carry `threshold` trusted signatures, fit max_size and be acceptable
 * (else the object is rejected for a while and never advertised, so never
 * forwarded). Then blocks are fetched in windows (REQUEST what=1, first +
 * 64-bit bitmap) from every neighbour advertising enough blocks_held: at
 * most its window (WIN_MIN .. WIN_SRC) outstanding per neighbour (topped up
 * when half of them have arrived, so REQUESTs stay far below the module's
 * per-sender rate limit) and WIN_XFER per transfer, only
 * blocks whose parent is already verified, so every block is verified on
 * arrival. A block not answered within its source's retransmission timeout
 * (RFC 6298 style: smoothed round trip + 4 x its variation, from blocks
 * answered on their first request; doubled by each round in which it
 * answered nothing, until a sample comes; 400 ms .. 10 s, kept in the
 * neighbour table for the next transfer) is asked again, preferably
 * elsewhere: a slow router, or one busy with a flood, is asked at its own
 * pace instead of being sent every block four times; a block lost while
 * its source goes on answering is asked again sooner (block_timeout()).
 * Unanswered blocks are loss, not lies: a
 * server may skip blocks beyond its rate limit (serve.c) and frames can be
 * dropped between module and daemon on a busy node. So a tick in which some
 * of a neighbour's blocks time out halves its window (grown again by one
 * per window of blocks received) and counts one miss; only a neighbour that
 * sends nothing during MISS_MAX such rounds in a row, or a bad block, is
 * penalised (neigh.c).
 * Verified blocks are kept in RAM (hash blocks, to verify their children)
 * and staged in staging_dir (tmpfs, staging.c): the data chunks and the
 * hash blocks in <digest>.part, the manifest in <digest>.man. Nothing is
 * written to state_dir before the whole bundle is verified; then store.c
 * installs it once. A transfer that starts again (the helper was
 * restarted, or it stalled and the object is advertised again) takes its
 * manifest from staging and re-verifies the staged blocks instead of
 * fetching them: "resumed N of M blocks" in the log, and the counts of
 * resumed, fetched and received blocks when it completes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meshupd.h"
#include "log.h"

#define RTO_MIN		400u
#define RTO_MAX		10000u
#define WIN_SRC		32
#define WIN_MIN		4
#define WIN_XFER	128
#define MISS_MAX	8
#define MREQ_TRIES	6
#define STALL_MS	60000
#define TICK_MS		50

static struct d_timer fetch_timer;
static bool timer_init;

static void fetch_timer_cb(struct d_timer *t)
{
	d_fetch_tick();
}

static void ensure_timer(void)
{
	if (!timer_init) {
		fetch_timer.cb = fetch_timer_cb;
		timer_init = true;
	}
	if (!fetch_timer.armed)
		d_timer_arm(&fetch_timer, TICK_MS);
}

static inline bool bit_get(const uint8_t *bm, uint32_t i)
{
	return bm[i / 8] & (0x80 >> (i % 8));
}

static inline void bit_set(uint8_t *bm, uint32_t i)
{
	bm[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

static void mac_str(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

struct d_xfer *d_find_xfer(const uint8_t key[MESHUP_KEY_LEN])
{
	for (int i = 0; i < D_XFER_MAX; i++)
		if (D.xfers[i].used && !memcmp(D.xfers[i].key, key, MESHUP_KEY_LEN))
			return &D.xfers[i];
	return NULL;
}

void d_xfer_free(struct d_xfer *x)
{
	if (!x->used)
		return;
	if (x->fd >= 0)
		close(x->fd);
	free(x->hash_area);
	free(x->have);
	free(x->req_at);
	free(x->tries);
	free(x->req_src);
	memset(x, 0, sizeof(*x));
	x->fd = -1;
	D.advert_dirty = true;
}

/* free @x and delete what it staged: the object is done with */
static void xfer_discard(struct d_xfer *x)
{
	char hex[65];

	if (x->used && x->state == D_X_BLOCKS) {
		mu_hex(x->digest, 32, hex);
		d_staging_remove(hex);
	}
	d_xfer_free(x);
}

static int src_find(struct d_xfer *x, uint32_t ifindex, const uint8_t mac[6])
{
	for (int i = 0; i < x->nsrc; i++)
		if (x->src[i].ifindex == ifindex && !memcmp(x->src[i].mac, mac, 6))
			return i;
	return -1;
}

static void src_update(struct d_xfer *x, uint32_t ifindex, const uint8_t mac[6],
		       uint32_t held)
{
	int i = src_find(x, ifindex, mac);
	struct d_neigh *nb;

	if (i < 0) {
		if (x->nsrc < D_XFER_SRC_MAX) {
			i = x->nsrc++;
		} else {
			/* replace a penalised source */
			for (int j = 0; j < x->nsrc; j++)
				if (d_penalized(x->src[j].mac, x->key)) {
					i = j;
					break;
				}
			if (i < 0)
				return;
		}
		memset(&x->src[i], 0, sizeof(x->src[i]));
		x->src[i].ifindex = ifindex;
		memcpy(x->src[i].mac, mac, 6);
		nb = d_neigh_get(ifindex, mac, false);
		x->src[i].rto = nb && nb->rto ? nb->rto : RTO_MIN;
		{
			char ks[64], ms[20];

			d_key_str(x->key, ks, sizeof(ks));
			mac_str(mac, ms);
			d_dbg("%s %s: source %s joins, %u blocks held (%d sources)",
			      D.cfg.chans[x->chan].name, ks, ms, held, x->nsrc);
		}
	}
	x->src[i].held = held;
}

/* @s's timeout is now @rto: kept for its next transfer too */
static void src_set_rto(struct d_src *s, uint32_t rto)
{
	struct d_neigh *nb;

	s->rto = rto < RTO_MIN ? RTO_MIN : rto > RTO_MAX ? RTO_MAX : rto;
	nb = d_neigh_get(s->ifindex, s->mac, false);
	if (nb)
		nb->rto = s->rto;
}

/* A round trip of @r ms to @s, measured on a block asked once (Karn). */
static void src_rtt(struct d_src *s, uint32_t r)
{
	if (!s->srtt) {
		s->srtt = r ? r : 1;
		s->rttvar = r / 2;
	} else {
		uint32_t d = s->srtt > r ? s->srtt - r : r - s->srtt;

		s->rttvar = (3 * s->rttvar + d) / 4;
		s->srtt = (7 * s->srtt + r) / 8;
		if (!s->srtt)
			s->srtt = 1;
	}
	src_set_rto(s, s->srtt + 4 * s->rttvar);
}

static void ask_manifest(struct d_xfer *x)
{
	uint8_t req[36] = { 0 };
	int tries = x->nsrc;

	while (tries--) {
		struct d_src *s = &x->src[x->msrc % x->nsrc];

		x->msrc++;
		if (d_penalized(s->mac, x->key))
			continue;
		memcpy(req, x->key, MESHUP_KEY_LEN);
		req[20] = MESHUP_REQ_MANIFEST;
		d_nlink_send(s->ifindex, s->mac, MESHUP_T_REQUEST, req, sizeof(req));
		if (s->masked < 255)
			s->masked++;
		/* asked again after a second, or its timeout if longer */
		x->mwait = s->rto > 1000 ? s->rto : 1000;
		break;
	}
	x->mreq_at = d_mono_ms();
	x->mtries++;
}

static void take_manifest(struct d_xfer *x, const uint8_t *m, size_t mlen,
			  const uint8_t digest[32], const uint8_t *peer);
static void complete(struct d_xfer *x);

/* The object was staged by an earlier run: take its manifest from there. */
static bool resume_staged(struct d_xfer *x)
{
	struct mu_manifest m;
	uint8_t mraw[MU_MANIFEST_MAX], dg[32];
	size_t mlen;
	int slot = (int)(x - D.xfers);

	if (d_staging_find(x->key, &m, mraw, &mlen, dg))
		return false;
	take_manifest(x, mraw, mlen, dg, NULL);
	return !D.xfers[slot].used || D.xfers[slot].state == D_X_BLOCKS;
}

void d_fetch_consider(uint32_t ifindex, const uint8_t mac[6],
		      const struct mu_nl_entry *e, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		const uint8_t *key = e[k].key;
		struct d_bref b[D_HELD_MAX];
		int idx[D_HELD_MAX], c, nb;
		struct d_xfer *x;

		c = d_chan_index_by_id(key);
		if (c < 0 || d_key_version(key) == 0 || d_find_held(key))
			continue;
		if (d_penalized(mac, key))
			continue;
		x = d_find_xfer(key);
		if (x) {
			src_update(x, ifindex, mac, e[k].blocks_held);
			ensure_timer();
			continue;
		}
		if (d_rejected(key))
			continue;
		nb = d_chan_brefs(&D.chans[c], b, idx);
		if (!d_maybe_acceptable(b, nb, d_key_version(key), key + 12))
			continue;
		for (int i = 0; i < D_XFER_MAX && !x; i++)
			if (!D.xfers[i].used)
				x = &D.xfers[i];
		if (!x)
			return;		/* busy: a later advert tries again */
		memset(x, 0, sizeof(*x));
		x->used = true;
		x->fd = -1;
		x->chan = c;
		memcpy(x->key, key, MESHUP_KEY_LEN);
		x->state = D_X_MANIFEST;
		x->started = d_mono_ms();
		x->last_progress = x->started;
		src_update(x, ifindex, mac, e[k].blocks_held);
		{
			char ks[64], ms[20];

			d_key_str(key, ks, sizeof(ks));
			mac_str(mac, ms);
			d_dbg("%s %s advertised by %s: asking for the manifest",
			      D.cfg.chans[c].name, ks, ms);
		}
		if (!resume_staged(x))
			ask_manifest(x);
		ensure_timer();
	}
	d_staging_sweep(false);
}

static void reject_xfer(struct d_xfer *x, const char *from, const char *why,
			uint32_t ms)
{
	char ks[64];

	d_key_str(x->key, ks, sizeof(ks));
	d_info("rejected %s %s from %s: %s", D.cfg.chans[x->chan].name, ks, from, why);
	d_reject(x->key, ms);
	xfer_discard(x);
}

void d_fetch_manifest(const struct mu_nl_frame *f)
{
	struct d_xfer *x;
	const uint8_t *m;
	size_t mlen;
	uint8_t digest[32];

	if (f->body_len <= MESHUP_KEY_LEN)
		return;
	x = d_find_xfer(f->body);
	if (!x || x->state != D_X_MANIFEST)
		return;
	m = f->body + MESHUP_KEY_LEN;
	mlen = f->body_len - MESHUP_KEY_LEN;
	if (mlen > MU_MANIFEST_MAX) {
		d_penalize(f->peer, x->key, "manifest longer than 1024 bytes");
		return;
	}
	mu_sha256(m, mlen, digest);
	if (memcmp(digest, x->key + 12, 8)) {
		d_penalize(f->peer, x->key, "manifest does not match the advertised digest");
		return;
	}
	take_manifest(x, m, mlen, digest, f->peer);
	/* a manifest signed by our keys and accepted: the sender served us */
	if (x->used && x->state == D_X_BLOCKS && !memcmp(x->key, f->body, MESHUP_KEY_LEN))
		d_neigh_vouch(f->ifindex, f->peer);
}

/*
 * The manifest of @x, matching its advertised digest prefix, from neighbour
 * @peer or from staging (@peer NULL): validate it, accept it, stage it and
 * re-verify what is staged.
 */
static void take_manifest(struct d_xfer *x, const uint8_t *m, size_t mlen,
			  const uint8_t digest[32], const uint8_t *peer)
{
	char err[MU_ERR_LEN], v[MU_VERSION_STRLEN], from[20] = "staging";
	uint8_t id[4];
	int c;

	if (peer)
		mac_str(peer, from);

	if (mu_manifest_parse(&x->m, m, mlen, NULL, err)) {
		reject_xfer(x, from, err, 600000);
		return;
	}
	mu_manifest_channel_id(&x->m, id);
	if (memcmp(id, x->key, 4) || x->m.version != d_key_version(x->key)) {
		if (peer)
			d_penalize(peer, x->key, "manifest does not match the advertised key");
		return;
	}
	c = d_check_manifest(&x->m, digest, err);
	if (c < 0) {
		reject_xfer(x, from, err, 60000);
		return;
	}
	if (mu_tree_init(&x->t, x->m.payload_size, err)) {
		reject_xfer(x, from, err, 600000);
		return;
	}
	memcpy(x->mraw, m, mlen);
	x->mlen = mlen;
	memcpy(x->digest, digest, 32);
	x->hash_area = malloc(x->t.hash_area_len ? x->t.hash_area_len : 1);
	x->have = calloc((x->t.n_blocks + 7) / 8, 1);
	x->req_at = calloc(x->t.n_blocks, sizeof(uint32_t));
	x->tries = calloc(x->t.n_blocks, 1);
	x->req_src = calloc(x->t.n_blocks, 1);
	if (!x->hash_area || !x->have || !x->req_at || !x->tries || !x->req_src) {
		d_err("cannot start a transfer: out of memory");
		d_xfer_free(x);
		return;
	}
	x->state = D_X_BLOCKS;
	if (d_staging_open(x, err)) {
		d_err("cannot start a transfer: staging_dir unusable: %s", err);
		xfer_discard(x);
		return;
	}
	x->last_progress = d_mono_ms();
	D.advert_dirty = true;
	d_info("accepted %s %s (digest %.16s) from %s: fetching %u of %u blocks",
	       x->m.name, mu_version_str(x->m.version, v),
	       x->path + strlen(D.cfg.staging_dir) + 1, from,
	       x->t.n_blocks - x->n_have, x->t.n_blocks);
	if (x->n_have == x->t.n_blocks) {
		complete(x);
		return;
	}
	d_fetch_tick();
}

static void complete(struct d_xfer *x)
{
	char err[MU_ERR_LEN], ks[64];
	uint8_t *ha = x->hash_area;
	int c;

	d_key_str(x->key, ks, sizeof(ks));
	c = d_check_manifest(&x->m, x->digest, err);
	if (c < 0) {
		d_info("dropped %s %s after transfer: %s", D.cfg.chans[x->chan].name, ks, err);
		xfer_discard(x);
		return;
	}
	d_info("received %s %s in %llu ms: %u blocks resumed from staging, %u fetched, %u BLOCK frames received",
	       D.cfg.chans[c].name, ks,
	       (unsigned long long)(d_mono_ms() - x->started),
	       x->resumed, x->fetched, x->rx);
	x->hash_area = NULL;		/* the store takes it */
	if (d_store_install(c, x->mraw, x->mlen, x->fd, 0, ha, err)) {
		/* keep it staged; try again after a while */
		d_err("cannot install %s %s: %s", D.cfg.chans[c].name, ks, err);
		d_reject(x->key, 60000);
		d_xfer_free(x);
		return;
	}
	xfer_discard(x);
}

void d_fetch_held(const uint8_t key[MESHUP_KEY_LEN])
{
	struct d_xfer *x = d_find_xfer(key);
	char ks[64];

	if (!x)
		return;
	d_key_str(key, ks, sizeof(ks));
	if (x->state == D_X_BLOCKS)
		d_info("dropped the transfer of %s %s at %u of %u blocks: installed otherwise",
		       D.cfg.chans[x->chan].name, ks, x->n_have, x->t.n_blocks);
	else
		d_info("dropped the transfer of %s %s before its manifest: installed otherwise",
		       D.cfg.chans[x->chan].name, ks);
	xfer_discard(x);
}

static void src_drop_block(struct d_xfer *x, uint32_t i)
{
	if (!x->req_at[i])
		return;
	x->req_at[i] = 0;
	if (x->outstanding)
		x->outstanding--;
	if (x->req_src[i] < x->nsrc && x->src[x->req_src[i]].outstanding)
		x->src[x->req_src[i]].outstanding--;
}

static void schedule(struct d_xfer *x);

void d_fetch_block(const struct mu_nl_frame *f)
{
	struct d_xfer *x;
	struct mu_block_info bi, pi;
	const uint8_t *data, *parent = NULL;
	size_t len, plen = 0;
	uint32_t i;
	char err[MU_ERR_LEN];
	int s;

	if (f->body_len <= 24)
		return;
	x = d_find_xfer(f->body);
	if (!x || x->state != D_X_BLOCKS)
		return;
	x->rx++;
	i = mu_get_be32(f->body + 20);
	data = f->body + 24;
	len = f->body_len - 24;
	if (i >= x->t.n_blocks) {
		d_penalize(f->peer, x->key, "block index out of range");
		return;
	}
	if (bit_get(x->have, i))
		return;
	if (mu_tree_block(&x->t, i, &bi, err))
		return;
	if (bi.parent != MU_NO_PARENT) {
		if (!bit_get(x->have, bi.parent)) {
			src_drop_block(x, i);
			return;
		}
		mu_tree_block(&x->t, bi.parent, &pi, err);
		parent = x->hash_area + pi.off;
		plen = pi.len;
	}
	s = src_find(x, f->ifindex, f->peer);
	/* the answer to the latest request of this source seen so far */
	if (s >= 0 && x->req_src[i] == s && x->req_at[i] > x->src[s].last_ans)
		x->src[s].last_ans = x->req_at[i];
	if (s >= 0 && x->req_src[i] == s && x->req_at[i] && x->tries[i] == 1)
		src_rtt(&x->src[s], (uint32_t)(d_mono_ms() - x->started) + 1 - x->req_at[i]);
	if (mu_block_verify(&x->t, i, data, len, x->m.root, parent, plen, err)) {
		src_drop_block(x, i);
		d_penalize(f->peer, x->key, err);
		return;
	}
	/* staged for a restart: hash blocks after the payload */
	if (pwrite(x->fd, data, len,
		   (off_t)(bi.is_hash ? x->t.payload_size + bi.off : bi.off)) !=
	    (ssize_t)len) {
		d_err("staging write failed: %m");
		src_drop_block(x, i);
		return;
	}
	if (bi.is_hash)
		memcpy(x->hash_area + bi.off, data, len);
	src_drop_block(x, i);
	bit_set(x->have, i);
	x->n_have++;
	d_neigh_vouch(f->ifindex, f->peer);
	x->fetched++;
	x->last_progress = d_mono_ms();
	if (s >= 0) {
		struct d_src *sr = &x->src[s];

		sr->misses = 0;
		if (sr->win && sr->win < WIN_SRC && ++sr->acked >= sr->win) {
			sr->win++;
			sr->acked = 0;
		}
	}
	while (x->held < x->t.n_blocks && bit_get(x->have, x->held)) {
		x->held++;
		D.advert_dirty = true;
	}
	if (x->n_have == x->t.n_blocks) {
		complete(x);
		return;
	}
	if (x->outstanding < WIN_XFER / 4)
		schedule(x);
}

/*
 * How long block @i, asked at x->req_at[i], may stay unanswered. A source
 * that went quiet, or is slow and still working through earlier requests,
 * gets its retransmission timeout; but once it has answered a request made
 * after this block's (a source answers its requests in order), this block
 * was lost on the way, and waiting seconds for it only holds a window
 * slot: it is asked again LOSS_MS after it was asked (more than any
 * reordering delay).
 */
#define LOSS_MS	400u
static uint32_t block_timeout(const struct d_xfer *x, uint32_t i)
{
	uint8_t si = x->req_src[i];
	uint32_t to = si < x->nsrc && x->src[si].rto ? x->src[si].rto : RTO_MIN;

	if (si < x->nsrc && x->src[si].last_ans > x->req_at[i] && to > LOSS_MS)
		to = LOSS_MS;
	return to;
}

static bool eligible(struct d_xfer *x, uint32_t i, const struct d_src *s)
{
	struct mu_block_info bi;

	if (i >= s->held || bit_get(x->have, i) || x->req_at[i])
		return false;
	if (mu_tree_block(&x->t, i, &bi, NULL))
		return false;
	return bi.parent == MU_NO_PARENT || bit_get(x->have, bi.parent);
}

static void schedule(struct d_xfer *x)
{
	uint32_t rel = (uint32_t)(d_mono_ms() - x->started) + 1;
	static unsigned int rr;

	rr++;
	for (int k = 0; k < x->nsrc && x->outstanding < WIN_XFER; k++) {
		int si = (int)((rr + (unsigned int)k) % (unsigned int)x->nsrc);
		struct d_src *s = &x->src[si];
		uint8_t req[36] = { 0 };
		unsigned int avail, n = 0, win = s->win ? s->win : WIN_SRC;
		uint32_t first = UINT32_MAX, i;

		/* ask in batches (at least half a window unless the transfer
		 * is nearly done): the module rate-limits REQUESTs per sender */
		if (s->outstanding > win / 2 || d_penalized(s->mac, x->key))
			continue;
		avail = win - s->outstanding;
		if (avail > WIN_XFER - x->outstanding)
			avail = WIN_XFER - x->outstanding;
		for (i = x->held; i < x->t.n_blocks && i < s->held; i++)
			if (eligible(x, i, s)) {
				first = i;
				break;
			}
		if (first == UINT32_MAX)
			continue;
		memcpy(req, x->key, MESHUP_KEY_LEN);
		req[20] = MESHUP_REQ_BLOCKS;
		mu_put_be32(req + 24, first);
		for (i = first; i < first + 64 && i < x->t.n_blocks && n < avail; i++) {
			if (!eligible(x, i, s))
				continue;
			req[28 + (i - first) / 8] |= (uint8_t)(0x80 >> ((i - first) % 8));
			x->req_at[i] = rel;
			x->req_src[i] = (uint8_t)si;
			if (x->tries[i] < 255)
				x->tries[i]++;
			n++;
		}
		if (d_nlink_send(s->ifindex, s->mac, MESHUP_T_REQUEST, req, sizeof(req))) {
			/* not sent: forget the marks, try again next tick */
			for (i = first; i < first + 64 && i < x->t.n_blocks; i++)
				if (req[28 + (i - first) / 8] & (0x80 >> ((i - first) % 8)))
					x->req_at[i] = 0;
			continue;
		}
		s->outstanding += n;
		x->outstanding += n;
	}
}

/* Some blocks asked from @s timed out: one round of loss. @silent: some
 * of them timed out with no later answer from @s either (it is slow or
 * gone, not losing frames). */
static void src_lost(struct d_xfer *x, struct d_src *s, bool silent)
{
	unsigned int win = s->win ? s->win : WIN_SRC;

	s->win = win / 2 > WIN_MIN ? win / 2 : WIN_MIN;
	s->acked = 0;
	/* no sample can come while every answer is late: back off (not for
	 * loss: a source that goes on answering is not slow) */
	if (silent)
		src_set_rto(s, s->rto * 2);
	if (++s->misses >= MISS_MAX) {
		s->misses = 0;
		s->win = 0;
		d_penalize(s->mac, x->key, "advertised blocks it does not send");
	}
}

void d_fetch_tick(void)
{
	uint64_t now = d_mono_ms();
	bool any = false;

	for (int k = 0; k < D_XFER_MAX; k++) {
		struct d_xfer *x = &D.xfers[k];
		uint32_t rel;

		if (!x->used)
			continue;
		if (!D.registered) {
			/* the module is gone (reloaded): nothing can arrive or
			 * be sent; pause without blaming anyone, resume as is
			 * once nlink.c registered again */
			for (uint32_t i = 0; x->req_at && i < x->t.n_blocks; i++)
				src_drop_block(x, i);
			x->last_progress = now;
			x->mreq_at = now;
			any = true;
			continue;
		}
		if (x->state == D_X_MANIFEST) {
			if (now - x->mreq_at >= (x->mwait ? x->mwait : 1000)) {
				if (x->mtries >= MREQ_TRIES) {
					/* advertised, but nobody sent the manifest:
					 * each source asked and silent is penalised
					 * (one that joined late and was never asked
					 * is not: it may be honest) */
					for (int s = 0; s < x->nsrc; s++)
						if (x->src[s].masked &&
						    !d_penalized(x->src[s].mac, x->key))
							d_penalize(x->src[s].mac, x->key,
								   "advertised an object but sent no manifest");
					d_xfer_free(x);
					continue;
				}
				ask_manifest(x);
			}
			any = true;
			continue;
		}
		if (now - x->last_progress > STALL_MS) {
			char ks[64];

			d_key_str(x->key, ks, sizeof(ks));
			d_warn("transfer of %s %s stalled at %u of %u blocks: dropped (kept in staging)",
			       D.cfg.chans[x->chan].name, ks, x->n_have, x->t.n_blocks);
			d_xfer_free(x);
			continue;
		}
		rel = (uint32_t)(now - x->started) + 1;
		{
			bool lost[D_XFER_SRC_MAX] = { false }, silent[D_XFER_SRC_MAX] = { false };

			for (uint32_t i = x->held; i < x->t.n_blocks; i++) {
				uint8_t si;

				if (!x->req_at[i] ||
				    rel - x->req_at[i] < block_timeout(x, i))
					continue;
				si = x->req_src[i];
				if (si < x->nsrc) {
					lost[si] = true;
					if (x->src[si].last_ans <= x->req_at[i])
						silent[si] = true;
				}
				src_drop_block(x, i);
			}
			for (int si = 0; si < x->nsrc; si++)
				if (lost[si])
					src_lost(x, &x->src[si], silent[si]);
		}
		schedule(x);
		any = true;
	}
	if (any)
		ensure_timer();
	d_staging_sweep(false);
}
