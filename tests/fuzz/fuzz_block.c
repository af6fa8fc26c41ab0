// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: Merkle block verification and tree geometry
 * (PROTOCOL.md 2.2), as exercised by BLOCK frames.
 *
 * Input: u32 size selector, u32 block index, then candidate block bytes.
 * The payload is P(n) (byte i = (7i+3) mod 251) of a size chosen from the
 * selector (1..40000 bytes); its tree is built once per size and cached.
 * Oracle: mu_block_verify() accepts the candidate iff it equals the true
 * block (SHA-256 has no known collisions). The geometry of a second,
 * arbitrary u64 size taken from the input is checked for consistency.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "merkle.h"

#define MAX_N	40000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t payload[MAX_N];
static uint8_t area[4096];
static uint8_t root[MU_TREE_HASH_LEN];
static struct mu_tree tree;
static size_t cur_n;

static void build(size_t n)
{
	static int init;
	size_t i;

	if (!init) {
		for (i = 0; i < MAX_N; i++)
			payload[i] = (uint8_t)((7 * i + 3) % 251);
		init = 1;
	}
	if (n == cur_n)
		return;
	if (mu_tree_init(&tree, n, NULL) || tree.hash_area_len > sizeof(area))
		abort();
	/* the hash area from a memory payload: through a pipe-less path,
	 * feed the streaming builder with a sink writing into @area */
	{
		struct mu_merkle *mk = malloc(sizeof(*mk));
		struct mu_block_info bi;
		uint32_t b;

		if (!mk || mu_merkle_init(mk, n, NULL, NULL, NULL) ||
		    mu_merkle_update(mk, payload, n, NULL) ||
		    mu_merkle_final(mk, root, NULL))
			abort();
		free(mk);
		/* hash blocks bottom-up from the reference definition */
		for (b = tree.n_blocks; b-- > 0;) {
			uint8_t h[MU_TREE_HASH_LEN];
			const uint8_t *src;

			if (mu_tree_block(&tree, b, &bi, NULL))
				abort();
			src = bi.is_hash ? area + bi.off : payload + bi.off;
			mu_block_hash(&tree, b, src, bi.len, h);
			if (bi.parent == MU_NO_PARENT) {
				if (memcmp(h, root, sizeof(h)))
					abort();
			} else {
				struct mu_block_info pi;

				mu_tree_block(&tree, bi.parent, &pi, NULL);
				memcpy(area + pi.off + bi.slot * MU_TREE_HASH_LEN,
				       h, sizeof(h));
			}
		}
	}
	cur_n = n;
}

static void geometry(uint64_t size)
{
	struct mu_block_info bi, pi;
	struct mu_tree t;
	uint32_t probe[4], i;

	if (mu_tree_init(&t, size, NULL))
		return;
	if (t.n_blocks != t.n_chunks + t.n_hash_blocks || t.n_blocks < t.n_chunks)
		abort();
	probe[0] = 0;
	probe[1] = t.n_blocks - 1;
	probe[2] = t.n_hash_blocks;
	probe[3] = (uint32_t)(size % t.n_blocks);
	for (i = 0; i < 4; i++) {
		if (probe[i] >= t.n_blocks)
			continue;
		if (mu_tree_block(&t, probe[i], &bi, NULL) || !bi.len ||
		    bi.len > MU_CHUNK_SIZE)
			abort();
		if (bi.is_hash && bi.off + bi.len > t.hash_area_len)
			abort();
		if (!bi.is_hash && bi.off + bi.len > t.payload_size)
			abort();
		if (bi.parent != MU_NO_PARENT) {
			if (bi.parent >= probe[i] ||
			    mu_tree_block(&t, bi.parent, &pi, NULL) || !pi.is_hash ||
			    (bi.slot + 1) * MU_TREE_HASH_LEN > pi.len)
				abort();
		} else if (probe[i] != 0) {
			abort();
		}
	}
	if (!mu_tree_block(&t, t.n_blocks, &bi, NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mu_block_info bi, pi;
	const uint8_t *blk, *truth, *parent = NULL;
	size_t len, plen = 0;
	uint32_t idx;
	int ok, same;

	if (size < 16)
		return 0;
	build(1 + mu_get_be32(data) % MAX_N);
	idx = mu_get_be32(data + 4) % (tree.n_blocks + 2);
	geometry(mu_get_be64(data + 8));
	blk = data + 16;
	len = size - 16;
	if (idx >= tree.n_blocks) {
		if (!mu_block_verify(&tree, idx, blk, len, root, NULL, 0, NULL))
			abort();
		return 0;
	}
	if (mu_tree_block(&tree, idx, &bi, NULL))
		abort();
	if (bi.parent != MU_NO_PARENT) {
		mu_tree_block(&tree, bi.parent, &pi, NULL);
		parent = area + pi.off;
		plen = pi.len;
	}
	truth = bi.is_hash ? area + bi.off : payload + bi.off;
	ok = !mu_block_verify(&tree, idx, blk, len, root, parent, plen, NULL);
	same = len == bi.len && !memcmp(blk, truth, len);
	if (ok != same)
		abort();
	/* the true block always verifies */
	if (mu_block_verify(&tree, idx, truth, bi.len, root, parent, plen, NULL))
		abort();
	return 0;
}
