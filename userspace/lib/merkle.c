// SPDX-License-Identifier: GPL-2.0
/*
 * meshup Merkle tree (PROTOCOL.md 2.2): geometry, streaming builder,
 * block verification. See merkle.h for the terms.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bundle.h"
#include "merkle.h"

#define READ_BUF	(64 * 1024)

int mu_tree_init(struct mu_tree *t, uint64_t payload_size, char *err)
{
	uint32_t up[MU_TREE_MAX_DEPTH];	/* entries per level, bottom-up */
	unsigned int depth = 0, l;
	uint64_t k;

	memset(t, 0, sizeof(*t));
	if (payload_size < 1 || payload_size > MU_PAYLOAD_MAX)
		return mu_errf(err, "payload_size %" PRIu64 " is not 1..%" PRIu64,
			       payload_size, MU_PAYLOAD_MAX);
	t->payload_size = payload_size;
	t->n_chunks = (uint32_t)((payload_size + MU_CHUNK_SIZE - 1) /
				 MU_CHUNK_SIZE);
	for (k = t->n_chunks; k > 1; k = (k + MU_HASHES_PER_BLOCK - 1) /
					 MU_HASHES_PER_BLOCK)
		up[depth++] = (uint32_t)k;
	t->depth = depth;
	for (l = 0; l < depth; l++) {
		uint32_t e = up[depth - 1 - l];

		t->level_hashes[l] = e;
		t->level_blocks[l] = (e + MU_HASHES_PER_BLOCK - 1) /
				     MU_HASHES_PER_BLOCK;
		if (l) {
			t->level_first[l] = t->level_first[l - 1] +
					    t->level_blocks[l - 1];
			t->level_off[l] = t->level_off[l - 1] +
					  (uint64_t)t->level_hashes[l - 1] *
					  MU_TREE_HASH_LEN;
		}
		t->n_hash_blocks += t->level_blocks[l];
		t->hash_area_len += (uint64_t)e * MU_TREE_HASH_LEN;
	}
	t->n_blocks = t->n_hash_blocks + t->n_chunks;
	return 0;
}

int mu_tree_block(const struct mu_tree *t, uint32_t i, struct mu_block_info *bi,
		  char *err)
{
	unsigned int l;

	memset(bi, 0, sizeof(*bi));
	if (i >= t->n_blocks)
		return mu_errf(err, "block %" PRIu32 ": index out of range (B = %" PRIu32 ")",
			       i, t->n_blocks);
	if (i < t->n_hash_blocks) {
		uint32_t j, left;

		for (l = 0; l + 1 < t->depth; l++)
			if (i < t->level_first[l + 1])
				break;
		j = i - t->level_first[l];
		left = t->level_hashes[l] - j * MU_HASHES_PER_BLOCK;
		bi->is_hash = 1;
		bi->level = l;
		bi->index = j;
		bi->len = (left < MU_HASHES_PER_BLOCK ? left :
			   MU_HASHES_PER_BLOCK) * MU_TREE_HASH_LEN;
		bi->off = t->level_off[l] + (uint64_t)j * MU_CHUNK_SIZE;
	} else {
		uint32_t c = i - t->n_hash_blocks;
		uint64_t left = t->payload_size - (uint64_t)c * MU_CHUNK_SIZE;

		bi->is_hash = 0;
		bi->level = t->depth;
		bi->index = c;
		bi->len = left < MU_CHUNK_SIZE ? (uint32_t)left : MU_CHUNK_SIZE;
		bi->off = (uint64_t)c * MU_CHUNK_SIZE;
		l = t->depth;
	}
	if (l == 0) {
		bi->parent = MU_NO_PARENT;
		bi->slot = 0;
	} else {
		bi->parent = t->level_first[l - 1] +
			     bi->index / MU_HASHES_PER_BLOCK;
		bi->slot = bi->index % MU_HASHES_PER_BLOCK;
	}
	return 0;
}

static void hash_prefixed(uint8_t prefix, const uint8_t *data, size_t len,
			  uint8_t out[MU_TREE_HASH_LEN])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n = MU_TREE_HASH_LEN;

	if (!c || !EVP_DigestInit_ex2(c, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(c, &prefix, 1) ||
	    !EVP_DigestUpdate(c, data, len) ||
	    !EVP_DigestFinal_ex(c, out, &n))
		abort();	/* allocation failure inside OpenSSL */
	EVP_MD_CTX_free(c);
}

void mu_block_hash(const struct mu_tree *t, uint32_t i, const uint8_t *blk,
		   size_t len, uint8_t out[MU_TREE_HASH_LEN])
{
	hash_prefixed(i < t->n_hash_blocks ? 0x01 : 0x00, blk, len, out);
}

int mu_block_verify_hash(const struct mu_tree *t, uint32_t i,
			 const uint8_t *blk, size_t len,
			 const uint8_t expect[MU_TREE_HASH_LEN], char *err)
{
	struct mu_block_info bi;
	uint8_t h[MU_TREE_HASH_LEN];

	if (mu_tree_block(t, i, &bi, err))
		return -1;
	if (len != bi.len)
		return mu_errf(err, "block %" PRIu32 ": length %zu, expected %" PRIu32,
			       i, len, bi.len);
	mu_block_hash(t, i, blk, len, h);
	if (memcmp(h, expect, MU_TREE_HASH_LEN))
		return mu_errf(err, "block %" PRIu32 ": hash mismatch", i);
	return 0;
}

int mu_block_verify(const struct mu_tree *t, uint32_t i, const uint8_t *blk,
		    size_t len, const uint8_t root[MU_TREE_HASH_LEN],
		    const uint8_t *parent, size_t parent_len, char *err)
{
	struct mu_block_info bi, pi;
	const uint8_t *expect;

	if (mu_tree_block(t, i, &bi, err))
		return -1;
	if (bi.parent == MU_NO_PARENT) {
		expect = root;
	} else {
		if (mu_tree_block(t, bi.parent, &pi, err))
			return -1;
		if (!parent || parent_len != pi.len)
			return mu_errf(err, "block %" PRIu32 ": parent block %" PRIu32 " missing or of wrong length",
				       i, bi.parent);
		expect = parent + (size_t)bi.slot * MU_TREE_HASH_LEN;
	}
	return mu_block_verify_hash(t, i, blk, len, expect, err);
}

/* Streaming builder */

static int md_hash(struct mu_merkle *mk, uint8_t prefix, const uint8_t *data,
		   size_t len, uint8_t out[MU_TREE_HASH_LEN])
{
	unsigned int n = MU_TREE_HASH_LEN;

	return EVP_DigestInit_ex2(mk->md, mk->sha, NULL) &&
	       EVP_DigestUpdate(mk->md, &prefix, 1) &&
	       EVP_DigestUpdate(mk->md, data, len) &&
	       EVP_DigestFinal_ex(mk->md, out, &n) ? 0 : -1;
}

int mu_merkle_init(struct mu_merkle *mk, uint64_t payload_size,
		   mu_hblock_sink sink, void *sink_arg, char *err)
{
	memset(mk, 0, sizeof(*mk));
	if (mu_tree_init(&mk->t, payload_size, err))
		return -1;
	mk->sink = sink;
	mk->sink_arg = sink_arg;
	mk->sha = EVP_MD_fetch(NULL, "SHA256", NULL);
	mk->md = EVP_MD_CTX_new();
	if (!mk->sha || !mk->md) {
		mu_merkle_free(mk);
		return mu_errf(err, "merkle: OpenSSL SHA-256 unavailable");
	}
	return 0;
}

void mu_merkle_free(struct mu_merkle *mk)
{
	EVP_MD_CTX_free(mk->md);
	EVP_MD_free(mk->sha);
	mk->md = NULL;
	mk->sha = NULL;
}

/* Add hash @h as the next entry of level @l (depth-1 = leaf level). */
static int push_hash(struct mu_merkle *mk, int l, const uint8_t *h, char *err)
{
	const struct mu_tree *t = &mk->t;
	uint8_t cur[MU_TREE_HASH_LEN];

	memcpy(cur, h, MU_TREE_HASH_LEN);
	for (;;) {
		uint32_t done, blk;
		size_t len;

		if (l < 0) {
			memcpy(mk->root, cur, MU_TREE_HASH_LEN);
			return 0;
		}
		memcpy(mk->lvl[l] + (size_t)mk->lvl_fill[l] * MU_TREE_HASH_LEN,
		       cur, MU_TREE_HASH_LEN);
		mk->lvl_fill[l]++;
		done = mk->lvl_index[l] * MU_HASHES_PER_BLOCK + mk->lvl_fill[l];
		if (mk->lvl_fill[l] < MU_HASHES_PER_BLOCK &&
		    done < t->level_hashes[l])
			return 0;
		/* block complete */
		blk = t->level_first[l] + mk->lvl_index[l];
		len = (size_t)mk->lvl_fill[l] * MU_TREE_HASH_LEN;
		if (mk->sink && mk->sink(mk->sink_arg, blk, mk->lvl[l], len, err))
			return -1;
		if (md_hash(mk, 0x01, mk->lvl[l], len, cur))
			return mu_errf(err, "merkle: SHA-256 failed");
		mk->lvl_index[l]++;
		mk->lvl_fill[l] = 0;
		l--;
	}
}

static int leaf(struct mu_merkle *mk, const uint8_t *data, size_t len,
		char *err)
{
	uint8_t h[MU_TREE_HASH_LEN];

	if (md_hash(mk, 0x00, data, len, h))
		return mu_errf(err, "merkle: SHA-256 failed");
	return push_hash(mk, (int)mk->t.depth - 1, h, err);
}

int mu_merkle_update(struct mu_merkle *mk, const void *data, size_t len,
		     char *err)
{
	const uint8_t *p = data;

	if (mk->failed)
		return mu_errf(err, "merkle: context failed earlier");
	if (len > mk->t.payload_size - mk->fed) {
		mk->failed = 1;
		return mu_errf(err, "payload: longer than payload_size %" PRIu64,
			       mk->t.payload_size);
	}
	mk->fed += len;
	while (len) {
		size_t take;

		if (!mk->chunk_fill && len >= MU_CHUNK_SIZE) {
			if (leaf(mk, p, MU_CHUNK_SIZE, err))
				goto fail;
			p += MU_CHUNK_SIZE;
			len -= MU_CHUNK_SIZE;
			continue;
		}
		take = MU_CHUNK_SIZE - mk->chunk_fill;
		if (take > len)
			take = len;
		memcpy(mk->chunk + mk->chunk_fill, p, take);
		mk->chunk_fill += (uint32_t)take;
		p += take;
		len -= take;
		if (mk->chunk_fill == MU_CHUNK_SIZE) {
			mk->chunk_fill = 0;
			if (leaf(mk, mk->chunk, MU_CHUNK_SIZE, err))
				goto fail;
		}
	}
	return 0;
fail:
	mk->failed = 1;
	return -1;
}

int mu_merkle_final(struct mu_merkle *mk, uint8_t root[MU_TREE_HASH_LEN],
		    char *err)
{
	int ret = -1;

	if (mk->failed) {
		mu_errf(err, "merkle: context failed earlier");
		goto out;
	}
	if (mk->fed != mk->t.payload_size) {
		mu_errf(err, "payload: truncated, %" PRIu64 " of %" PRIu64 " bytes",
			mk->fed, mk->t.payload_size);
		goto out;
	}
	if (mk->chunk_fill && leaf(mk, mk->chunk, mk->chunk_fill, err))
		goto out;
	memcpy(root, mk->root, MU_TREE_HASH_LEN);
	ret = 0;
out:
	mu_merkle_free(mk);
	return ret;
}

static int stream_fd(int fd, off_t off, uint64_t size, mu_hblock_sink sink,
		     void *arg, uint8_t root[MU_TREE_HASH_LEN], char *err)
{
	struct mu_merkle *mk;
	uint8_t *buf;
	uint64_t left = size;
	int ret = -1;

	mk = malloc(sizeof(*mk));
	buf = malloc(READ_BUF);
	if (!mk || !buf) {
		mu_errf(err, "merkle: out of memory");
		goto out;
	}
	if (mu_merkle_init(mk, size, sink, arg, err))
		goto out;
	while (left) {
		size_t want = left < READ_BUF ? (size_t)left : READ_BUF;
		ssize_t r = pread(fd, buf, want, off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			mu_errf(err, "payload: read: %s", strerror(errno));
			goto free;
		}
		if (r == 0) {
			mu_errf(err, "payload: truncated, %" PRIu64 " of %" PRIu64 " bytes",
				size - left, size);
			goto free;
		}
		if (mu_merkle_update(mk, buf, (size_t)r, err))
			goto free;
		off += r;
		left -= (uint64_t)r;
	}
	ret = mu_merkle_final(mk, root, err);
	goto out;
free:
	mu_merkle_free(mk);
out:
	free(mk);
	free(buf);
	return ret;
}

int mu_merkle_root_fd(int fd, off_t off, uint64_t size,
		      uint8_t root[MU_TREE_HASH_LEN], char *err)
{
	return stream_fd(fd, off, size, NULL, NULL, root, err);
}

int mu_merkle_root_buf(const void *payload, size_t len,
		       uint8_t root[MU_TREE_HASH_LEN], char *err)
{
	struct mu_merkle *mk = malloc(sizeof(*mk));
	int ret = -1;

	if (!mk)
		return mu_errf(err, "merkle: out of memory");
	if (!mu_merkle_init(mk, len, NULL, NULL, err)) {
		if (mu_merkle_update(mk, payload, len, err))
			mu_merkle_free(mk);
		else
			ret = mu_merkle_final(mk, root, err);
	}
	free(mk);
	return ret;
}

struct area_sink {
	struct mu_tree t;
	uint8_t *out;
	size_t cap;
	int out_fd;
	off_t out_off;
};

static int sink_buf(void *arg, uint32_t block, const uint8_t *data,
		    size_t len, char *err)
{
	struct area_sink *a = arg;
	struct mu_block_info bi;

	if (mu_tree_block(&a->t, block, &bi, err))
		return -1;
	if (bi.off + len > a->cap)
		return mu_errf(err, "merkle: hash area buffer too small");
	memcpy(a->out + bi.off, data, len);
	return 0;
}

static int sink_fd(void *arg, uint32_t block, const uint8_t *data,
		   size_t len, char *err)
{
	struct area_sink *a = arg;
	struct mu_block_info bi;
	off_t off;

	if (mu_tree_block(&a->t, block, &bi, err))
		return -1;
	off = a->out_off + (off_t)bi.off;
	while (len) {
		ssize_t r = pwrite(a->out_fd, data, len, off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return mu_errf(err, "hash area: write: %s",
				       strerror(errno));
		}
		data += r;
		len -= (size_t)r;
		off += r;
	}
	return 0;
}

int mu_merkle_hash_area_buf(int fd, off_t off, uint64_t size, uint8_t *out,
			    size_t cap, uint8_t root[MU_TREE_HASH_LEN],
			    char *err)
{
	struct area_sink a;

	if (mu_tree_init(&a.t, size, err))
		return -1;
	if (cap < a.t.hash_area_len)
		return mu_errf(err, "merkle: hash area needs %" PRIu64 " bytes, buffer has %zu",
			       a.t.hash_area_len, cap);
	a.out = out;
	a.cap = cap;
	return stream_fd(fd, off, size, sink_buf, &a, root, err);
}

int mu_merkle_hash_area_fd(int fd, off_t off, uint64_t size, int out_fd,
			   off_t out_off, uint8_t root[MU_TREE_HASH_LEN],
			   char *err)
{
	struct area_sink a;

	if (mu_tree_init(&a.t, size, err))
		return -1;
	a.out_fd = out_fd;
	a.out_off = out_off;
	return stream_fd(fd, off, size, sink_fd, &a, root, err);
}

int mu_read_block(const struct mu_tree *t, uint32_t i, const uint8_t *hash_area,
		  size_t hash_len, int payload_fd, off_t payload_off,
		  uint8_t *out, size_t *len, char *err)
{
	struct mu_block_info bi;

	if (mu_tree_block(t, i, &bi, err))
		return -1;
	if (bi.is_hash) {
		if (!hash_area || bi.off + bi.len > hash_len)
			return mu_errf(err, "block %" PRIu32 ": hash area too short",
				       i);
		memcpy(out, hash_area + bi.off, bi.len);
	} else if (mu_read_full(payload_fd, out, bi.len,
				payload_off + (off_t)bi.off, err)) {
		return mu_errprefix(err, "payload");
	}
	*len = bi.len;
	return 0;
}
