// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of meshupd's transfer engine and serving (fetch.c, serve.c,
 * neigh.c, store.c) without the kernel: the netlink client is replaced by a
 * mock that records the frames the daemon sends, and the test plays the
 * neighbour, answering REQUESTs from a real bundle of the vectors. Covers:
 * manifest request on an advert, windowed block requests (parents first),
 * verification, install, serving from the store, and penalties for a
 * manifest that does not match its advert and for a bad block; resuming a
 * transfer from staging after a restart (good, corrupted and truncated
 * staged blocks) and the bounds of the staging area (leftovers of unknown,
 * unwanted or broken objects are removed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "meshupd.h"
#include "log.h"

/* ---- mock of the netlink client (nl.h) ---- */
struct mu_nl {
	int dummy;
};

struct sent {
	uint8_t type;
	uint8_t peer[6];
	size_t len;
	uint8_t body[MESHUP_MAX_BODY];
};

#define SENT_MAX 4096
static struct sent sent[SENT_MAX];
static int n_sent, n_taken;
static struct mu_nl fake;
static int adverts;

int mu_nl_open(struct mu_nl **out, const struct mu_nl_ops *ops, void *arg, char *err)
{
	*out = &fake;
	return 0;
}

void mu_nl_close(struct mu_nl *nl) {}
int mu_nl_fd(const struct mu_nl *nl) { return -1; }
int mu_nl_recv(struct mu_nl *nl, char *err) { return 0; }
bool mu_nl_gone(const struct mu_nl *nl) { return false; }
int mu_nl_reconnect(struct mu_nl *nl, char *err) { return 0; }
int mu_nl_register(struct mu_nl *nl, char *err) { return 0; }

int mu_nl_set_advert(struct mu_nl *nl, uint64_t mesh_time_ms, uint8_t q,
		     const struct mu_nl_entry *e, int n, char *err)
{
	adverts++;
	return 0;
}

int mu_nl_get_neighbors(struct mu_nl *nl,
			int (*cb)(const struct mu_nl_neigh *n, void *arg),
			void *arg, char *err)
{
	return 0;
}

int mu_nl_send(struct mu_nl *nl, uint32_t ifindex, const uint8_t peer[6],
	       uint8_t type, const void *body, size_t len, char *err)
{
	struct sent *s;

	if (n_sent == SENT_MAX)
		return -ENOBUFS;
	s = &sent[n_sent++];
	s->type = type;
	memcpy(s->peer, peer, 6);
	s->len = len;
	memcpy(s->body, body, len);
	return 0;
}

/* ---- the neighbour's copy of a bundle ---- */
struct peer_bundle {
	uint8_t key[20];
	uint8_t mraw[MU_MANIFEST_MAX];
	size_t mlen;
	struct mu_tree t;
	uint8_t *hash_area;
	int fd;
	off_t poff;
};

static char tmp[256], vec[4096];
static const uint8_t MAC1[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 2, 0, 0, 0, 0, 2 };

static void load_peer(struct peer_bundle *pb, const char *file)
{
	char p[4200], err[MU_ERR_LEN];
	struct mu_manifest m;
	uint8_t dg[32], root[32];

	snprintf(p, sizeof(p), "%s/%s", vec, file);
	pb->fd = open(p, O_RDONLY);
	assert_true(pb->fd >= 0);
	assert_int_equal(mu_bundle_read_manifest(pb->fd, &m, &pb->poff, err), 0);
	pb->mlen = (size_t)pb->poff;
	assert_int_equal(mu_read_full(pb->fd, pb->mraw, pb->mlen, 0, err), 0);
	mu_sha256(pb->mraw, pb->mlen, dg);
	d_key_of(&m, dg, pb->key);
	assert_int_equal(mu_tree_init(&pb->t, m.payload_size, err), 0);
	pb->hash_area = malloc(pb->t.hash_area_len + 1);
	assert_int_equal(mu_merkle_hash_area_buf(pb->fd, pb->poff, m.payload_size,
						 pb->hash_area, pb->t.hash_area_len,
						 root, err), 0);
}

static void free_peer(struct peer_bundle *pb)
{
	free(pb->hash_area);
	close(pb->fd);
}

static int setup(void **state)
{
	char conf[2048], err[MU_ERR_LEN];
	const char *top = getenv("MESHUP_TOP"), *v = getenv("MESHUP_VECTORS");

	if (v)
		snprintf(vec, sizeof(vec), "%s", v);
	else
		snprintf(vec, sizeof(vec), "%s/../shared/spec/vectors", top ? top : ".");
	snprintf(tmp, sizeof(tmp), "/tmp/test_d_fetch.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(conf, sizeof(conf),
		 "[meshupd]\nstate_dir = %s/state\nstaging_dir = %s/staging\n"
		 "clock = unsynced\n[channel site]\nhook = /bin/true\n"
		 "[channel firmware-x86]\nhook = /bin/true\n", tmp, tmp);
	memset(&D, 0, sizeof(D));
	assert_int_equal(d_config_parse_string(conf, &D.cfg, err), 0);
	for (int i = 0; i < D.cfg.n_chans; i++) {
		D.chans[i].cfg = &D.cfg.chans[i];
		D.chans[i].hook_status = -1;
	}
	for (int k = 0; k < D_XFER_MAX; k++)
		D.xfers[k].fd = -1;
	mu_keyring_init(&D.keys);
	if (mu_keyring_load_dir(&D.keys, vec, err))
		fail_msg("%s", err);
	d_log_init(1, 0);
	assert_int_equal(d_store_init(err), 0);
	D.nl = &fake;
	D.registered = true;
	n_sent = n_taken = 0;
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	for (int k = 0; k < D_XFER_MAX; k++)
		d_xfer_free(&D.xfers[k]);
	for (int i = 0; i < D.cfg.n_chans; i++)
		for (int k = 0; k < D_HELD_MAX; k++)
			d_held_free(&D.chans[i].held[k]);
	mu_keyring_free(&D.keys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd);
}

static void advert(const uint8_t mac[6], const struct peer_bundle *pb, uint32_t held)
{
	struct mu_nl_entry e;

	memcpy(e.key, pb->key, 20);
	e.blocks_held = held;
	d_neigh_update(1, mac, true, 0, 0, &e, 1);
}

static void deliver(const uint8_t mac[6], uint8_t type, const uint8_t *body, size_t len)
{
	struct mu_nl_frame f = { .ifindex = 1, .type = type, .version = 1,
				 .body = body, .body_len = len };

	memcpy(f.peer, mac, 6);
	if (type == MESHUP_T_MANIFEST)
		d_fetch_manifest(&f);
	else if (type == MESHUP_T_BLOCK)
		d_fetch_block(&f);
	else if (type == MESHUP_T_REQUEST)
		d_serve_request(&f);
}

static void send_block(const uint8_t mac[6], const struct peer_bundle *pb,
		       uint32_t i, bool corrupt)
{
	uint8_t body[MESHUP_MAX_BODY];
	size_t len;
	char err[MU_ERR_LEN];

	memcpy(body, pb->key, 20);
	mu_put_be32(body + 20, i);
	assert_int_equal(mu_read_block(&pb->t, i, pb->hash_area, pb->t.hash_area_len,
				       pb->fd, pb->poff, body + 24, &len, err), 0);
	if (corrupt)
		body[24 + len / 2] ^= 1;
	deliver(mac, MESHUP_T_BLOCK, body, 24 + len);
}

#define JUNK	(-2)	/* answer(): every block corrupted */

/* Answer every REQUEST the daemon sent, as the neighbour; returns blocks
 * sent. Block @corrupt_index (every block: JUNK) is corrupted. */
static int answer(const uint8_t mac[6], const struct peer_bundle *pb, int corrupt_index)
{
	int blocks = 0;

	while (n_taken < n_sent) {
		struct sent s = sent[n_taken++];
		uint32_t first;

		if (s.type != MESHUP_T_REQUEST || memcmp(s.peer, mac, 6))
			continue;
		assert_int_equal(s.len, 36);
		assert_memory_equal(s.body, pb->key, 20);
		if (s.body[20] == MESHUP_REQ_MANIFEST) {
			uint8_t body[MESHUP_MAX_BODY];

			memcpy(body, pb->key, 20);
			memcpy(body + 20, pb->mraw, pb->mlen);
			deliver(mac, MESHUP_T_MANIFEST, body, 20 + pb->mlen);
			continue;
		}
		first = mu_get_be32(s.body + 24);
		for (int b = 0; b < 64; b++) {
			struct mu_block_info bi;

			if (!(s.body[28 + b / 8] & (0x80 >> (b % 8))))
				continue;
			/* the daemon asks only for blocks whose parent it has */
			assert_int_equal(mu_tree_block(&pb->t, first + b, &bi, NULL), 0);
			send_block(mac, pb, first + (uint32_t)b, corrupt_index == JUNK ||
				   (int)(first + (uint32_t)b) == corrupt_index);
			blocks++;
		}
	}
	return blocks;
}

static void test_fetch_and_serve(void **state)
{
	struct peer_bundle pb;
	int rounds = 0;
	struct d_held *h;

	load_peer(&pb, "fw-1.5.99.mub");
	assert_int_equal(pb.t.n_blocks, 37);
	advert(MAC1, &pb, pb.t.n_blocks);
	/* a manifest request went out */
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0].type, MESHUP_T_REQUEST);
	assert_int_equal(sent[0].body[20], MESHUP_REQ_MANIFEST);
	while (!d_find_held(pb.key) && rounds++ < 100) {
		answer(MAC1, &pb, -1);
		d_fetch_tick();
	}
	h = d_find_held(pb.key);
	assert_non_null(h);
	assert_null(d_find_xfer(pb.key));
	assert_true(D.installs == 1);
	/* bytes written: payload + manifest + state record */
	assert_true(D.store_bytes <= 33892 + 232 + 8192);

	/* serving: the manifest and every block, byte-exact */
	{
		uint8_t req[36] = { 0 };
		int before = n_sent;

		memcpy(req, pb.key, 20);
		req[20] = MESHUP_REQ_MANIFEST;
		deliver(MAC2, MESHUP_T_REQUEST, req, 36);
		assert_int_equal(n_sent, before + 1);
		assert_int_equal(sent[before].type, MESHUP_T_MANIFEST);
		assert_int_equal(sent[before].len, 20 + pb.mlen);
		assert_memory_equal(sent[before].body + 20, pb.mraw, pb.mlen);

		req[20] = MESHUP_REQ_BLOCKS;
		mu_put_be32(req + 24, 0);
		memset(req + 28, 0xff, 5);	/* blocks 0..39: 37 exist */
		before = n_sent;
		deliver(MAC2, MESHUP_T_REQUEST, req, 36);
		assert_int_equal(n_sent, before + 37);
		for (uint32_t i = 0; i < 37; i++) {
			struct sent *s = &sent[before + (int)i];
			uint8_t blk[1024];
			size_t len;

			assert_int_equal(s->type, MESHUP_T_BLOCK);
			assert_int_equal(mu_get_be32(s->body + 20), i);
			assert_int_equal(mu_read_block(&pb.t, i, pb.hash_area,
						       pb.t.hash_area_len, pb.fd, pb.poff,
						       blk, &len, NULL), 0);
			assert_int_equal(s->len, 24 + len);
			assert_memory_equal(s->body + 24, blk, len);
		}
	}
	free_peer(&pb);
}

/* The retransmission timeout: a source that answers nothing in a round
 * backs off (doubling); a measured round trip sets it again (at least
 * 400 ms), and the neighbour table keeps it. */
static void test_rto(void **state)
{
	struct peer_bundle pb;
	uint8_t body[MESHUP_MAX_BODY];
	struct d_xfer *x;

	(void)state;
	load_peer(&pb, "fw-1.5.99.mub");
	advert(MAC1, &pb, pb.t.n_blocks);
	n_taken = n_sent;
	memcpy(body, pb.key, 20);
	memcpy(body + 20, pb.mraw, pb.mlen);
	deliver(MAC1, MESHUP_T_MANIFEST, body, 20 + pb.mlen);
	x = d_find_xfer(pb.key);
	assert_non_null(x);
	assert_int_equal(x->state, D_X_BLOCKS);
	assert_int_equal(x->src[0].rto, 400);

	/* silent: each round that times out doubles it */
	n_taken = n_sent;
	usleep(450 * 1000);
	d_fetch_tick();
	assert_int_equal(x->src[0].rto, 800);
	usleep(850 * 1000);
	d_fetch_tick();
	assert_int_equal(x->src[0].rto, 1600);

	/* blocks answered on their first request give samples: the timeout
	 * goes back to the measured round trip (here the 400 ms floor), and
	 * the neighbour keeps it for its next transfer */
	for (uint32_t i = 0; i < x->t.n_blocks; i++)
		x->req_at[i] = 0;
	x->outstanding = x->src[0].outstanding = 0;
	memset(x->tries, 0, x->t.n_blocks);
	n_taken = n_sent;
	d_fetch_tick();			/* asks again, each block a first time */
	assert_true(answer(MAC1, &pb, -1) > 0);
	assert_non_null(d_find_held(pb.key));
	assert_int_equal(d_neigh_get(1, MAC1, false)->rto, 400);
	free_peer(&pb);
}

static void test_bad_peers(void **state)
{
	struct peer_bundle pb;
	uint8_t body[MESHUP_MAX_BODY];
	load_peer(&pb, "fw-1.5.99.mub");
	/* MAC2 answers with a manifest that is not the advertised one */
	advert(MAC2, &pb, pb.t.n_blocks);
	assert_int_equal(sent[0].body[20], MESHUP_REQ_MANIFEST);
	n_taken = n_sent;
	memcpy(body, pb.key, 20);
	memcpy(body + 20, pb.mraw, pb.mlen);
	body[20 + 30] ^= 1;
	deliver(MAC2, MESHUP_T_MANIFEST, body, 20 + pb.mlen);
	assert_true(d_penalized(MAC2, pb.key));
	assert_non_null(d_find_xfer(pb.key));		/* still wanted */

	/* MAC1 serves it, but block 5 arrives corrupted */
	advert(MAC1, &pb, pb.t.n_blocks);
	n_taken = n_sent;
	memcpy(body, pb.key, 20);
	memcpy(body + 20, pb.mraw, pb.mlen);
	deliver(MAC1, MESHUP_T_MANIFEST, body, 20 + pb.mlen);
	assert_int_equal(d_find_xfer(pb.key)->state, D_X_BLOCKS);
	answer(MAC1, &pb, 5);
	assert_true(d_penalized(MAC1, pb.key));
	assert_null(d_find_held(pb.key));
	free_peer(&pb);
}

/* One offence, one step: more of it while the penalty runs does not grow
 * the back-off; a new offence after it ran out doubles it. */
static void test_penalty_steps(void **state)
{
	uint8_t key[MESHUP_KEY_LEN] = { 1, 2, 3 };
	struct d_pen *p = NULL;

	(void)state;
	d_penalize(MAC1, key, "junk block");
	d_penalize(MAC1, key, "junk block");
	d_penalize(MAC1, key, "junk block");
	assert_true(d_penalized(MAC1, key));
	assert_false(d_penalized(MAC2, key));
	for (int i = 0; i < D_PEN_MAX; i++)
		if (D.pen[i].used && !memcmp(D.pen[i].mac, MAC1, 6))
			p = &D.pen[i];
	assert_non_null(p);
	assert_int_equal(p->backoff_ms, 2000);
	p->until = 0;			/* it ran out */
	assert_false(d_penalized(MAC1, key));
	d_penalize(MAC1, key, "junk block");
	assert_int_equal(p->backoff_ms, 4000);
	for (int i = 0; i < 12; i++) {
		p->until = 0;
		d_penalize(MAC1, key, "junk block");
	}
	assert_int_equal(p->backoff_ms, 600000);	/* at most 10 min */
}

/* @mac advertises @pb and serves all of it: we hold it at the end. */
static void fetch_all(const uint8_t mac[6], const struct peer_bundle *pb)
{
	int rounds = 0;

	advert(mac, pb, pb->t.n_blocks);
	while (!d_find_held(pb->key) && rounds++ < 100) {
		answer(mac, pb, -1);
		d_fetch_tick();
	}
	assert_non_null(d_find_held(pb->key));
}

/* A flood of strangers fills the neighbour table, but does not evict the
 * neighbour that served us a bundle, although it is heard from least
 * recently of all. */
static void test_flood_keeps_known(void **state)
{
	struct peer_bundle pb;
	int used = 0;

	(void)state;
	load_peer(&pb, "fw-1.5.99.mub");
	fetch_all(MAC1, &pb);
	advert(MAC1, &pb, pb.t.n_blocks);	/* it holds what we hold */
	for (int i = 0; i < 4 * D_NEIGH_MAX; i++) {
		uint8_t mac[6] = { 0x02, 0xee, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };

		d_neigh_update(1, mac, false, 0, 0, NULL, 0);
	}
	for (int i = 0; i < D_NEIGH_MAX; i++)
		used += D.neigh[i].used;
	assert_int_equal(used, D_NEIGH_MAX);
	assert_non_null(d_neigh_get(1, MAC1, false));
	free_peer(&pb);
}

/* How many REQUESTs for the manifest of @key went to @mac. */
static int manifest_reqs(const uint8_t mac[6], const uint8_t *key)
{
	int n = 0;

	for (int i = 0; i < n_sent; i++)
		if (sent[i].type == MESHUP_T_REQUEST && !memcmp(sent[i].peer, mac, 6) &&
		    !memcmp(sent[i].body, key, 20) && sent[i].body[20] == MESHUP_REQ_MANIFEST)
			n++;
	return n;
}

/* Trust comes from what a neighbour served, not from what it advertises:
 * while a stranger's transfer waits for its manifest, another stranger that
 * repeats the keys we hold (as anyone can, from honest beacons) for longer
 * than any settling time starts nothing; the neighbour that served us a
 * bundle does. The silent stranger is penalised once its manifest never
 * comes, the other stranger (not asked) is not. */
static void test_trust_by_service(void **state)
{
	static const uint8_t MAC3[6] = { 2, 0, 0, 0, 0, 3 }, MAC4[6] = { 2, 0, 0, 0, 0, 4 };
	struct peer_bundle fw, site;
	struct mu_nl_entry e[2];
	uint8_t nokey[20];

	(void)state;
	load_peer(&fw, "fw-1.5.99.mub");
	load_peer(&site, "site-1.0.0.mub");
	fetch_all(MAC1, &fw);

	/* a stranger advertises a site version that does not exist */
	memcpy(nokey, site.key, 20);
	mu_put_be64(nokey + 4, 9ull << 32);
	memset(nokey + 12, 0x5a, 8);
	memcpy(e[0].key, nokey, 20);
	e[0].blocks_held = 1;
	d_neigh_update(1, MAC3, false, 0, 0, e, 1);
	assert_int_equal(manifest_reqs(MAC3, nokey), 1);

	/* another repeats what we hold, and the real site 1.0.0 */
	memcpy(e[0].key, fw.key, 20);
	e[0].blocks_held = fw.t.n_blocks;
	memcpy(e[1].key, site.key, 20);
	e[1].blocks_held = site.t.n_blocks;
	d_neigh_update(1, MAC4, false, 0, 0, e, 2);
	usleep(3100 * 1000);
	d_neigh_update(1, MAC4, false, 0, 0, e, 2);
	assert_int_equal(manifest_reqs(MAC4, site.key), 0);
	assert_null(d_find_xfer(site.key));

	/* the neighbour that served us starts it at once */
	advert(MAC1, &site, site.t.n_blocks);
	assert_int_equal(manifest_reqs(MAC1, site.key), 1);

	/* the stranger never answers: penalised after the last try */
	for (int i = 0; i < 100 && d_find_xfer(nokey); i++) {
		usleep(100 * 1000);
		d_fetch_tick();
	}
	assert_null(d_find_xfer(nokey));
	assert_true(d_penalized(MAC3, nokey));
	assert_false(d_penalized(MAC4, nokey));
	free_peer(&fw);
	free_peer(&site);
}

/* How many REQUESTs for blocks of @key went to @mac. */
static int block_reqs(const uint8_t mac[6], const uint8_t *key)
{
	int n = 0;

	for (int i = 0; i < n_sent; i++)
		if (sent[i].type == MESHUP_T_REQUEST && !memcmp(sent[i].peer, mac, 6) &&
		    !memcmp(sent[i].body, key, 20) && sent[i].body[20] == MESHUP_REQ_BLOCKS)
			n++;
	return n;
}

/* A trusted neighbour turns bad partway: its junk block penalises it, and a
 * neighbour that advertises the same object but never served us (so was not
 * let in as a source while the trusted one served) takes over at its next
 * advert, not only once the transfer stalled. */
static void test_turncoat(void **state)
{
	static const uint8_t MAC3[6] = { 2, 0, 0, 0, 0, 3 };
	struct peer_bundle fw, site;
	uint8_t body[MESHUP_MAX_BODY];
	int rounds = 0;

	(void)state;
	load_peer(&fw, "fw-1.5.99.mub");
	load_peer(&site, "site-1.0.0.mub");
	fetch_all(MAC1, &fw);			/* MAC1 is trusted */
	advert(MAC1, &site, site.t.n_blocks);
	assert_int_equal(manifest_reqs(MAC1, site.key), 1);
	n_taken = n_sent;
	memcpy(body, site.key, 20);
	memcpy(body + 20, site.mraw, site.mlen);
	deliver(MAC1, MESHUP_T_MANIFEST, body, 20 + site.mlen);
	assert_int_equal(d_find_xfer(site.key)->state, D_X_BLOCKS);
	/* MAC2 has it too, but has served us nothing: not a source yet */
	advert(MAC2, &site, site.t.n_blocks);
	assert_int_equal(block_reqs(MAC2, site.key), 0);
	/* from now on MAC1 answers with junk */
	answer(MAC1, &site, JUNK);
	assert_true(d_penalized(MAC1, site.key));
	assert_null(d_find_held(site.key));
	/* MAC3, as far as we are (nothing held), joins first: not enough */
	advert(MAC3, &site, 0);
	assert_int_equal(block_reqs(MAC3, site.key), 0);
	/* MAC2's next advert (a beacon, or the module's table every 2 s);
	 * it carries the key twice, held in full and as a stuck transfer of
	 * its own (as meshupd before 2026-11 advertised a bundle injected
	 * while it was being fetched): the most blocks count */
	{
		struct mu_nl_entry e2[2];

		memcpy(e2[0].key, site.key, 20);
		e2[0].blocks_held = site.t.n_blocks;
		memcpy(e2[1].key, site.key, 20);
		e2[1].blocks_held = 0;
		d_neigh_update(1, MAC2, true, 0, 0, e2, 2);
	}
	d_fetch_tick();
	assert_true(block_reqs(MAC2, site.key) > 0);
	while (!d_find_held(site.key) && rounds++ < 20) {
		answer(MAC2, &site, -1);
		answer(MAC1, &site, JUNK);
		d_fetch_tick();
	}
	assert_non_null(d_find_held(site.key));
	free_peer(&fw);
	free_peer(&site);
}

/* A bundle installed otherwise (injected) while it is being fetched ends
 * the transfer at once, rather than at its stall 60 s later. */
static void test_held_ends_transfer(void **state)
{
	struct peer_bundle fw;

	(void)state;
	load_peer(&fw, "fw-1.5.99.mub");
	advert(MAC1, &fw, fw.t.n_blocks);
	assert_non_null(d_find_xfer(fw.key));
	d_fetch_held(fw.key);
	assert_null(d_find_xfer(fw.key));
	d_fetch_held(fw.key);			/* none: nothing happens */
	free_peer(&fw);
}

static void test_reject_unacceptable(void **state)
{
	struct peer_bundle pb;
	char err[MU_ERR_LEN];

	/* remove the channel: a configured-nowhere bundle is never requested */
	D.cfg.n_chans = 1;				/* only "site" */
	load_peer(&pb, "fw-1.5.99.mub");
	advert(MAC1, &pb, pb.t.n_blocks);
	assert_int_equal(n_sent, 0);
	free_peer(&pb);

	/* site: threshold 3 cannot be met by one signature: rejected after
	 * the manifest, and not asked again */
	D.cfg.threshold = 3;
	load_peer(&pb, "site-1.0.0.mub");
	advert(MAC1, &pb, pb.t.n_blocks);
	assert_int_equal(n_sent, 1);
	answer(MAC1, &pb, -1);
	assert_null(d_find_xfer(pb.key));
	assert_true(d_rejected(pb.key));
	advert(MAC1, &pb, pb.t.n_blocks);
	assert_int_equal(n_sent, 1);
	(void)err;
	free_peer(&pb);
}

/* ---- resume from staging ---- */

static void staged_path(const struct peer_bundle *pb, const char *ext, char *buf,
			size_t len)
{
	uint8_t dg[32];
	char hex[65];

	mu_sha256(pb->mraw, pb->mlen, dg);
	mu_hex(dg, 32, hex);
	snprintf(buf, len, "%s/staging/%s.%s", tmp, hex, ext);
}

/*
 * Fetch the manifest and the first @k blocks (in block order: parents come
 * first) from MAC1, then "kill" the daemon: the transfer's memory goes, its
 * staging stays.
 */
static void fetch_part(struct peer_bundle *pb, uint32_t k)
{
	uint8_t body[MESHUP_MAX_BODY];
	struct d_xfer *x;

	advert(MAC1, pb, pb->t.n_blocks);
	assert_int_equal(sent[n_taken].body[20], MESHUP_REQ_MANIFEST);
	n_taken = n_sent;
	memcpy(body, pb->key, 20);
	memcpy(body + 20, pb->mraw, pb->mlen);
	deliver(MAC1, MESHUP_T_MANIFEST, body, 20 + pb->mlen);
	x = d_find_xfer(pb->key);
	assert_non_null(x);
	assert_int_equal(x->state, D_X_BLOCKS);
	assert_int_equal(x->resumed, 0);
	for (uint32_t i = 0; i < k; i++)
		send_block(MAC1, pb, i, false);
	assert_int_equal(x->n_have, k);
	/* the restart: memory lost, neighbours forgotten, staging kept */
	for (int j = 0; j < D_XFER_MAX; j++)
		d_xfer_free(&D.xfers[j]);
	memset(D.neigh, 0, sizeof(D.neigh));
	n_sent = n_taken = 0;
}

/* After fetch_part(): restart, advert again, finish; returns blocks sent. */
static int restart_and_finish(struct peer_bundle *pb, uint32_t resumed)
{
	char err[MU_ERR_LEN];
	struct d_xfer *x;
	int blocks = 0, rounds = 0;

	assert_int_equal(d_staging_init(err), 0);
	advert(MAC1, pb, pb->t.n_blocks);
	x = d_find_xfer(pb->key);
	assert_non_null(x);
	/* the manifest came from staging: no manifest request */
	assert_int_equal(x->state, D_X_BLOCKS);
	for (int j = 0; j < n_sent; j++)
		assert_int_not_equal(sent[j].body[20], MESHUP_REQ_MANIFEST);
	assert_int_equal(x->resumed, resumed);
	while (!d_find_held(pb->key) && rounds++ < 100) {
		blocks += answer(MAC1, pb, -1);
		d_fetch_tick();
	}
	assert_non_null(d_find_held(pb->key));
	assert_null(d_find_xfer(pb->key));
	return blocks;
}

static void assert_staging_empty(void)
{
	char p[512];
	int n = 0;
	DIR *d;
	struct dirent *de;

	snprintf(p, sizeof(p), "%s/staging", tmp);
	d = opendir(p);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	assert_int_equal(n, 0);
}

static void test_resume_good(void **state)
{
	struct peer_bundle pb;
	int blocks;

	load_peer(&pb, "fw-1.5.99.mub");
	fetch_part(&pb, 20);
	blocks = restart_and_finish(&pb, 20);
	/* only what was missing went over the air */
	assert_int_equal(blocks, 37 - 20);
	assert_staging_empty();
	free_peer(&pb);
}

static void test_resume_corrupt(void **state)
{
	struct peer_bundle pb;
	struct mu_block_info bi;
	char p[512];
	uint8_t c;
	int fd, blocks;

	load_peer(&pb, "fw-1.5.99.mub");
	fetch_part(&pb, 20);
	/* flip a byte of staged block 10 (a data chunk) */
	assert_int_equal(mu_tree_block(&pb.t, 10, &bi, NULL), 0);
	assert_false(bi.is_hash);
	staged_path(&pb, "part", p, sizeof(p));
	fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, (off_t)bi.off + 5), 1);
	c ^= 0x40;
	assert_int_equal(pwrite(fd, &c, 1, (off_t)bi.off + 5), 1);
	close(fd);
	blocks = restart_and_finish(&pb, 19);
	assert_int_equal(blocks, 37 - 19);
	free_peer(&pb);
}

static void test_resume_bad_hash_block(void **state)
{
	struct peer_bundle pb;
	struct mu_block_info bi;
	char p[512];
	uint8_t c;
	int fd, blocks;
	uint32_t lost = 0;

	load_peer(&pb, "fw-1.5.99.mub");
	fetch_part(&pb, 20);
	/* corrupt staged hash block 1: it and every staged chunk under it
	 * fail verification and are fetched again */
	assert_int_equal(mu_tree_block(&pb.t, 1, &bi, NULL), 0);
	assert_true(bi.is_hash);
	staged_path(&pb, "part", p, sizeof(p));
	fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, (off_t)(pb.t.payload_size + bi.off)), 1);
	c ^= 1;
	assert_int_equal(pwrite(fd, &c, 1, (off_t)(pb.t.payload_size + bi.off)), 1);
	close(fd);
	for (uint32_t i = 0; i < 20; i++) {
		struct mu_block_info b;

		mu_tree_block(&pb.t, i, &b, NULL);
		if (i == 1 || b.parent == 1)
			lost++;
	}
	assert_true(lost > 1);
	blocks = restart_and_finish(&pb, 20 - lost);
	assert_int_equal(blocks, 37 - (20 - (int)lost));
	free_peer(&pb);
}

static void test_resume_truncated(void **state)
{
	struct peer_bundle pb;
	struct mu_block_info bi;
	char p[512];
	int blocks;

	load_peer(&pb, "fw-1.5.99.mub");
	fetch_part(&pb, 20);
	/* cut the file in the middle of chunk 12: the hash blocks after the
	 * payload go too, so nothing can be verified: all is fetched */
	assert_int_equal(mu_tree_block(&pb.t, 12, &bi, NULL), 0);
	staged_path(&pb, "part", p, sizeof(p));
	assert_int_equal(truncate(p, (off_t)bi.off + 100), 0);
	blocks = restart_and_finish(&pb, 0);
	assert_int_equal(blocks, 37);
	free_peer(&pb);
}

static void write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static bool exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

static void test_staging_leftovers(void **state)
{
	struct peer_bundle fw, site;
	char man[512], part[512], p[512], err[MU_ERR_LEN];
	struct timeval old[2];

	load_peer(&fw, "fw-1.5.99.mub");
	load_peer(&site, "site-1.0.0.mub");
	/* a staged transfer of "site" (valid), and broken leftovers */
	fetch_part(&site, 2);
	staged_path(&site, "man", man, sizeof(man));
	staged_path(&site, "part", part, sizeof(part));
	assert_true(exists(man) && exists(part));
	snprintf(p, sizeof(p), "%s/staging/%064d.part", tmp, 0);
	write_file(p, "x", 1);				/* no manifest */
	snprintf(p, sizeof(p), "%s/staging/%064d.man", tmp, 1);
	write_file(p, fw.mraw, fw.mlen);		/* not its digest */
	snprintf(p, sizeof(p), "%s/staging/%s", tmp, "abc.man.tmp.XXXXXX");
	write_file(p, "x", 1);				/* a temp file */
	snprintf(p, sizeof(p), "%s/staging/%s", tmp, "README");
	write_file(p, "x", 1);				/* not ours: left */
	assert_int_equal(d_staging_init(err), 0);
	assert_true(exists(man) && exists(part));
	snprintf(p, sizeof(p), "%s/staging/%064d.part", tmp, 0);
	assert_false(exists(p));
	snprintf(p, sizeof(p), "%s/staging/%064d.man", tmp, 1);
	assert_false(exists(p));
	snprintf(p, sizeof(p), "%s/staging/%s", tmp, "abc.man.tmp.XXXXXX");
	assert_false(exists(p));
	snprintf(p, sizeof(p), "%s/staging/%s", tmp, "README");
	assert_true(exists(p));
	unlink(p);

	/* still acceptable and recent: kept by the periodic sweep */
	d_staging_sweep(true);
	assert_true(exists(man) && exists(part));
	/* nobody advertises it and it was last written an hour ago: gone */
	gettimeofday(&old[0], NULL);
	old[0].tv_sec -= 3600;
	old[1] = old[0];
	assert_int_equal(utimes(man, old), 0);
	assert_int_equal(utimes(part, old), 0);
	advert(MAC2, &fw, 1);		/* a neighbour, advertising something else */
	for (int j = 0; j < D_XFER_MAX; j++)
		d_xfer_free(&D.xfers[j]);
	d_staging_sweep(true);
	assert_false(exists(man) || exists(part));

	/* an object no longer acceptable (channel gone) goes at once */
	memset(D.neigh, 0, sizeof(D.neigh));
	n_sent = n_taken = 0;
	fetch_part(&fw, 3);
	staged_path(&fw, "man", man, sizeof(man));
	d_staging_sweep(true);
	assert_true(exists(man));
	D.cfg.n_chans = 1;		/* only "site" */
	d_staging_sweep(true);
	assert_false(exists(man));
	assert_staging_empty();
	free_peer(&fw);
	free_peer(&site);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fetch_and_serve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_peers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rto, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject_unacceptable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_bad_hash_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staging_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_penalty_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood_keeps_known, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trust_by_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_turncoat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_ends_transfer, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
