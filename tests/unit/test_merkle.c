// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of userspace/lib/merkle.c against the vectors of
 * ../shared/spec/vectors and against a naive in-memory reference tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bundle.h"
#include "merkle.h"

/* P(n): byte i = (7*i + 3) mod 251 */
static uint8_t *payload(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)((7 * i + 3) % 251);
	return p;
}

static void ref_hash(uint8_t prefix, const uint8_t *d, size_t len,
		     uint8_t out[32])
{
	uint8_t *b = malloc(len + 1);

	assert_non_null(b);
	b[0] = prefix;
	memcpy(b + 1, d, len);
	mu_sha256(b, len + 1, out);
	free(b);
}

/*
 * Naive reference: levels of hashes bottom-up held completely in memory;
 * returns the hash area in block order (top level first) and the root.
 */
struct ref {
	uint8_t root[32];
	uint8_t *area;
	size_t area_len;
	uint32_t n_hash_blocks;
	unsigned int depth;
};

static void ref_tree(const uint8_t *p, size_t n, struct ref *r)
{
	size_t nch = (n + 1023) / 1024, k = nch, i, lv = 0;
	uint8_t *lvl[16];
	size_t cnt[16];
	size_t off;

	memset(r, 0, sizeof(*r));
	lvl[0] = malloc(32 * nch);
	for (i = 0; i < nch; i++)
		ref_hash(0, p + 1024 * i, n - 1024 * i < 1024 ? n - 1024 * i : 1024,
			 lvl[0] + 32 * i);
	cnt[0] = nch;
	while (k > 1) {
		size_t nb = (k + 31) / 32;

		lvl[lv + 1] = malloc(32 * nb);
		for (i = 0; i < nb; i++) {
			size_t e = k - 32 * i < 32 ? k - 32 * i : 32;

			ref_hash(1, lvl[lv] + 32 * 32 * i, 32 * e,
				 lvl[lv + 1] + 32 * i);
		}
		r->n_hash_blocks += (uint32_t)nb;
		lv++;
		cnt[lv] = nb;
		k = nb;
	}
	memcpy(r->root, lvl[lv], 32);
	r->depth = (unsigned int)lv;
	for (i = 0; i < lv; i++)
		r->area_len += 32 * cnt[i];
	r->area = malloc(r->area_len ? r->area_len : 1);
	off = 0;
	for (i = lv; i-- > 0;) {	/* level lv-1 (top blocks) first */
		memcpy(r->area + off, lvl[i], 32 * cnt[i]);
		off += 32 * cnt[i];
	}
	for (i = 0; i <= lv; i++)
		free(lvl[i]);
}

static const char *vectors_dir(void)
{
	const char *d = getenv("MESHUP_VECTORS");

	return d ? d : "../shared/spec/vectors";
}

static void test_vector_table(void **state)
{
	static const struct {
		size_t n;
		uint32_t chunks, hblocks;
		const char *root;
	} v[] = {
		{ 1, 1, 0, "583c7dfb7b3055d99465544032a571e10a134b1b6f769422bbb71fd7fa167a5d" },
		{ 1024, 1, 0, "8e825058aa1e1083b3128d99cd1e348ea9e409d925ad7a3d144c701cb29ff3cd" },
		{ 1025, 2, 1, "789a933479357b29c703d2db48e23af0c86b4ee8c17efa68a79eba1884cfefbf" },
		{ 33892, 34, 3, "84edeaa99a439ef413f55ae7b35175b189675539daf22b369b32d6adb6abe1e0" },
		{ 1126400, 1100, 38, "86ca37f108bbfdf8907c4d1b820460b30bbc34399ebfe76183bb5edef6aec6f8" },
	};
	char err[MU_ERR_LEN], hex[65];
	struct mu_tree t;
	uint8_t root[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t *p = payload(v[i].n);

		assert_int_equal(mu_tree_init(&t, v[i].n, err), 0);
		assert_int_equal(t.n_chunks, v[i].chunks);
		assert_int_equal(t.n_hash_blocks, v[i].hblocks);
		assert_int_equal(t.n_blocks, v[i].chunks + v[i].hblocks);
		assert_int_equal(mu_merkle_root_buf(p, v[i].n, root, err), 0);
		assert_string_equal(mu_hex(root, 32, hex), v[i].root);
		free(p);
	}
}

static void test_geometry_8mib(void **state)
{
	struct mu_tree t;

	assert_int_equal(mu_tree_init(&t, 8 << 20, NULL), 0);
	assert_int_equal(t.n_chunks, 8192);
	assert_int_equal(t.n_hash_blocks, 265);
	assert_int_equal(t.depth, 3);
	assert_int_equal(t.level_blocks[0], 1);
	assert_int_equal(t.level_blocks[1], 8);
	assert_int_equal(t.level_blocks[2], 256);
	assert_int_equal(t.level_first[2], 9);
	assert_true(t.hash_area_len == (uint64_t)32 * (8192 + 256 + 8));
	assert_int_equal(t.n_blocks, 8192 + 265);
}

static void test_geometry_limits(void **state)
{
	char err[MU_ERR_LEN];
	struct mu_tree t;

	assert_int_equal(mu_tree_init(&t, 0, err), -1);
	assert_non_null(strstr(err, "payload_size 0"));
	assert_int_equal(mu_tree_init(&t, MU_PAYLOAD_MAX + 1, err), -1);
	assert_int_equal(mu_tree_init(&t, MU_PAYLOAD_MAX, err), 0);
	assert_true(t.n_blocks > t.n_chunks);	/* no u32 wrap */
	assert_true(t.n_blocks < UINT32_MAX);
}

/*
 * For payload size @n: root and every hash block equal the reference; every
 * block verifies against its parent; a flipped bit, a wrong length and a
 * wrong index are each rejected; mu_read_block gives the right bytes.
 */
static void check_size(size_t n)
{
	char err[MU_ERR_LEN], path[] = "/tmp/mu-test-merkle-XXXXXX";
	uint8_t *p = payload(n), root[32], root2[32], *area, blk[1024];
	struct mu_block_info bi, pbi;
	struct mu_tree t;
	struct ref r;
	uint32_t i;
	size_t len;
	int fd;

	ref_tree(p, n, &r);
	assert_int_equal(mu_tree_init(&t, n, err), 0);
	assert_int_equal(t.n_hash_blocks, r.n_hash_blocks);
	assert_int_equal(t.depth, r.depth);
	assert_true(t.hash_area_len == r.area_len);
	assert_int_equal(mu_merkle_root_buf(p, n, root, err), 0);
	assert_memory_equal(root, r.root, 32);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(mu_write_full(fd, "PREFIX", 6, err), 0);
	assert_int_equal(mu_write_full(fd, p, n, err), 0);
	area = malloc(t.hash_area_len + 1);
	assert_int_equal(mu_merkle_hash_area_buf(fd, 6, n, area,
						 t.hash_area_len, root2, err), 0);
	assert_memory_equal(root2, r.root, 32);
	if (r.area_len)
		assert_memory_equal(area, r.area, r.area_len);

	for (i = 0; i < t.n_blocks; i++) {
		const uint8_t *parent = NULL;
		size_t plen = 0;

		assert_int_equal(mu_tree_block(&t, i, &bi, err), 0);
		assert_int_equal(bi.is_hash, i < t.n_hash_blocks);
		assert_int_equal(mu_read_block(&t, i, area, t.hash_area_len, fd,
					       6, blk, &len, err), 0);
		assert_int_equal(len, bi.len);
		if (bi.is_hash) {
			assert_memory_equal(blk, r.area + bi.off, len);
		} else {
			assert_true(bi.off == (uint64_t)bi.index * 1024);
			assert_memory_equal(blk, p + bi.off, len);
		}
		if (bi.parent != MU_NO_PARENT) {
			assert_int_equal(mu_tree_block(&t, bi.parent, &pbi, err), 0);
			assert_true(pbi.is_hash);
			assert_int_equal(pbi.level + 1, bi.is_hash ? bi.level + 0 : t.depth);
			assert_true(bi.parent < i);	/* parents come first */
			parent = area + pbi.off;
			plen = pbi.len;
		} else {
			assert_true(i == 0);
		}
		assert_int_equal(mu_block_verify(&t, i, blk, len, root, parent,
						 plen, err), 0);
		/* tampering */
		blk[len - 1] ^= 1;
		assert_int_equal(mu_block_verify(&t, i, blk, len, root, parent,
						 plen, err), -1);
		assert_non_null(strstr(err, "hash mismatch"));
		blk[len - 1] ^= 1;
		if (len > 1) {
			assert_int_equal(mu_block_verify(&t, i, blk, len - 1, root,
							 parent, plen, err), -1);
			assert_non_null(strstr(err, "length"));
		}
		if (parent) {
			assert_int_equal(mu_block_verify(&t, i, blk, len, root,
							 NULL, 0, err), -1);
			assert_non_null(strstr(err, "parent"));
		}
		/* a block presented under another index fails */
		if (i + 1 < t.n_blocks)
			assert_int_equal(mu_block_verify(&t, i + 1, blk, len, root,
							 parent, plen, NULL), -1);
	}
	assert_int_equal(mu_tree_block(&t, t.n_blocks, &bi, err), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(mu_block_verify(&t, t.n_blocks, blk, 1, root, NULL, 0,
					 err), -1);

	/* the hash area written to a file equals the one in memory */
	{
		char path2[] = "/tmp/mu-test-merkle2-XXXXXX";
		int fd2 = mkstemp(path2);
		uint8_t *area2 = malloc(t.hash_area_len + 1);

		assert_true(fd2 >= 0);
		unlink(path2);
		assert_int_equal(mu_merkle_hash_area_fd(fd, 6, n, fd2, 100,
							root2, err), 0);
		assert_memory_equal(root2, r.root, 32);
		if (t.hash_area_len) {
			assert_int_equal(mu_read_full(fd2, area2, t.hash_area_len,
						      100, err), 0);
			assert_memory_equal(area2, area, t.hash_area_len);
		}
		free(area2);
		close(fd2);
	}
	assert_int_equal(mu_merkle_root_fd(fd, 6, n, root2, err), 0);
	assert_memory_equal(root2, r.root, 32);
	/* the file is one byte short */
	assert_int_equal(mu_merkle_root_fd(fd, 7, n, root2, err), -1);
	assert_non_null(strstr(err, "truncated"));

	close(fd);
	free(area);
	free(r.area);
	free(p);
}

static void test_boundaries(void **state)
{
	static const size_t sizes[] = {
		1, 2, 1023, 1024,		/* 1 chunk */
		1025,				/* 2 chunks, last 1 byte */
		31 * 1024 + 1, 32 * 1024,	/* 32 chunks: one hash block */
		32 * 1024 + 1,			/* 33 chunks, last 1 byte */
		33 * 1024, 34 * 1024 - 1,
		1024 * 1024,			/* 1024 chunks: 32 full + 1 */
		1024 * 1024 + 1,		/* 1025 chunks, last 1 byte */
		1025 * 1024,
		32 * 1024 * 1024 / 32 + 5,
	};
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_size(sizes[i]);
}

static void test_chunk_counts(void **state)
{
	static const struct { uint64_t n; uint32_t chunks, hb, depth; } v[] = {
		{ 1, 1, 0, 0 },
		{ 1024, 1, 0, 0 },
		{ 1025, 2, 1, 1 },
		{ 32 * 1024, 32, 1, 1 },
		{ 32 * 1024 + 1, 33, 2 + 1, 2 },
		{ 1024 * 1024, 1024, 32 + 1, 2 },
		{ 1024 * 1024 + 1, 1025, 33 + 2 + 1, 3 },
		{ 32768ULL * 1024, 32768, 1024 + 32 + 1, 3 },
		{ 32768ULL * 1024 + 1, 32769, 1025 + 33 + 2 + 1, 4 },
	};
	struct mu_tree t;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(mu_tree_init(&t, v[i].n, NULL), 0);
		assert_int_equal(t.n_chunks, v[i].chunks);
		assert_int_equal(t.n_hash_blocks, v[i].hb);
		assert_int_equal(t.depth, v[i].depth);
	}
}

static void test_streaming_pieces(void **state)
{
	static const size_t pieces[] = { 1, 7, 1023, 1024, 1025, 4096, 65537 };
	size_t n = 100 * 1024 + 77, i, off;
	uint8_t *p = payload(n), root[32], want[32];
	char err[MU_ERR_LEN];
	struct mu_merkle mk;

	assert_int_equal(mu_merkle_root_buf(p, n, want, err), 0);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		assert_int_equal(mu_merkle_init(&mk, n, NULL, NULL, err), 0);
		for (off = 0; off < n; off += pieces[i]) {
			size_t l = n - off < pieces[i] ? n - off : pieces[i];

			assert_int_equal(mu_merkle_update(&mk, p + off, l, err), 0);
		}
		assert_int_equal(mu_merkle_final(&mk, root, err), 0);
		assert_memory_equal(root, want, 32);
	}
	/* too much */
	assert_int_equal(mu_merkle_init(&mk, 10, NULL, NULL, err), 0);
	assert_int_equal(mu_merkle_update(&mk, p, 11, err), -1);
	assert_non_null(strstr(err, "longer than payload_size"));
	assert_int_equal(mu_merkle_final(&mk, root, err), -1);
	/* too little */
	assert_int_equal(mu_merkle_init(&mk, 10, NULL, NULL, err), 0);
	assert_int_equal(mu_merkle_update(&mk, p, 9, err), 0);
	assert_int_equal(mu_merkle_final(&mk, root, err), -1);
	assert_non_null(strstr(err, "truncated, 9 of 10"));
	/* early exit */
	assert_int_equal(mu_merkle_init(&mk, 10, NULL, NULL, err), 0);
	mu_merkle_free(&mk);
	mu_merkle_free(&mk);
	free(p);
}

static int count_sink(void *arg, uint32_t block, const uint8_t *data,
		      size_t len, char *err)
{
	uint32_t *seen = arg;

	seen[block]++;
	return 0;
}

static int failing_sink(void *arg, uint32_t block, const uint8_t *data,
			size_t len, char *err)
{
	return mu_errf(err, "sink refuses block %u", block);
}

static void test_sink(void **state)
{
	size_t n = 1100 * 1024, i;
	uint8_t *p = payload(n), root[32];
	char err[MU_ERR_LEN];
	struct mu_merkle mk;
	uint32_t seen[64] = { 0 };

	assert_int_equal(mu_merkle_init(&mk, n, count_sink, seen, err), 0);
	assert_int_equal(mu_merkle_update(&mk, p, n, err), 0);
	assert_int_equal(mu_merkle_final(&mk, root, err), 0);
	for (i = 0; i < 38; i++)
		assert_int_equal(seen[i], 1);	/* each hash block once */
	assert_int_equal(seen[38], 0);
	assert_int_equal(mu_merkle_init(&mk, n, failing_sink, NULL, err), 0);
	assert_int_equal(mu_merkle_update(&mk, p, n, err), -1);
	assert_non_null(strstr(err, "sink refuses"));
	assert_int_equal(mu_merkle_final(&mk, root, err), -1);
	free(p);
}

static void test_verify_hash_api(void **state)
{
	size_t n = 1025;
	uint8_t *p = payload(n), root[32], area[64], h[32];
	char err[MU_ERR_LEN];
	struct mu_tree t;
	char path[] = "/tmp/mu-test-merkle3-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(mu_write_full(fd, p, n, err), 0);
	assert_int_equal(mu_tree_init(&t, n, err), 0);
	assert_int_equal(mu_merkle_hash_area_buf(fd, 0, n, area, sizeof(area),
						 root, err), 0);
	/* block 0 is the hash block: SHA256(0x01 || two leaf hashes) */
	assert_int_equal(mu_block_verify_hash(&t, 0, area, 64, root, err), 0);
	mu_block_hash(&t, 2, p + 1024, 1, h);
	assert_memory_equal(h, area + 32, 32);
	assert_int_equal(mu_block_verify_hash(&t, 2, p + 1024, 1, area + 32, err), 0);
	assert_int_equal(mu_block_verify_hash(&t, 1, p, 1024, area + 32, err), -1);
	/* buffer too small */
	assert_int_equal(mu_merkle_hash_area_buf(fd, 0, n, area, 63, root, err), -1);
	assert_non_null(strstr(err, "needs 64 bytes"));
	close(fd);
	free(p);
}

static void test_vector_bundle_blocks(void **state)
{
	/* every block of fw-1.5.99.mub's payload verifies from the manifest */
	char path[512], err[MU_ERR_LEN];
	struct mu_manifest m;
	struct mu_block_info bi;
	struct mu_tree t;
	uint8_t *area, blk[1024], root[32];
	size_t len;
	off_t off;
	uint32_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/fw-1.5.99.mub", vectors_dir());
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(mu_bundle_check(fileno(f), &m, &off, err), 0);
	assert_int_equal(off, 232);
	assert_int_equal(mu_tree_init(&t, m.payload_size, err), 0);
	assert_int_equal(t.n_blocks, 37);
	area = malloc(t.hash_area_len);
	assert_int_equal(mu_merkle_hash_area_buf(fileno(f), off, m.payload_size,
						 area, t.hash_area_len, root,
						 err), 0);
	assert_memory_equal(root, m.root, 32);
	for (i = 0; i < t.n_blocks; i++) {
		struct mu_block_info pbi;

		assert_int_equal(mu_tree_block(&t, i, &bi, err), 0);
		assert_int_equal(mu_read_block(&t, i, area, t.hash_area_len,
					       fileno(f), off, blk, &len, err), 0);
		if (bi.parent == MU_NO_PARENT) {
			assert_int_equal(mu_block_verify(&t, i, blk, len, m.root,
							 NULL, 0, err), 0);
		} else {
			mu_tree_block(&t, bi.parent, &pbi, NULL);
			assert_int_equal(mu_block_verify(&t, i, blk, len, m.root,
							 area + pbi.off, pbi.len,
							 err), 0);
		}
	}
	/* the last chunk is 33892 - 33 * 1024 = 100 bytes */
	assert_int_equal(mu_tree_block(&t, 36, &bi, err), 0);
	assert_int_equal(bi.len, 100);
	free(area);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_table),
		cmocka_unit_test(test_geometry_8mib),
		cmocka_unit_test(test_geometry_limits),
		cmocka_unit_test(test_chunk_counts),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_streaming_pieces),
		cmocka_unit_test(test_sink),
		cmocka_unit_test(test_verify_hash_api),
		cmocka_unit_test(test_vector_bundle_blocks),
	};

	return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
