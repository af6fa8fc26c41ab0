/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup Merkle tree and block layout (PROTOCOL.md 2.2).
 *
 * Payload cut into 1024-byte chunks (last may be shorter), n chunks.
 * Leaf L_i = SHA256(0x00 || chunk_i). Levels are grouped into hash blocks of
 * up to 32 hashes; each yields SHA256(0x01 || hash block) for the next level,
 * until one hash remains: the root. n = 1: root = L_0, no hash blocks.
 *
 * Terms used here:
 *   level 0 ........ the top level of hash blocks (always exactly one block,
 *                    verified against the root); level depth-1 holds the hash
 *                    blocks whose entries are leaf hashes.
 *   depth .......... number of hash-block levels (0 when n = 1).
 *   block i ........ transfer unit 0..B-1: hash blocks of level 0, level 1,
 *                    ... (each left to right), then the n data chunks.
 *   hash area ...... all hash blocks concatenated in block order; block i
 *                    (i < n_hash_blocks) sits at mu_block_info.off in it.
 *                    Every hash block but the last of its level is 1024
 *                    bytes, so the area is about 33 bytes per KiB of payload.
 *
 * All functions use bounded memory: a struct mu_merkle is ~10 KiB whatever
 * the payload size.
 */
#ifndef MESHUP_MERKLE_H
#define MESHUP_MERKLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define MU_CHUNK_SIZE		1024
#define MU_HASHES_PER_BLOCK	32
#define MU_TREE_HASH_LEN	32
#define MU_TREE_MAX_DEPTH	8	/* 32^8 chunks is far beyond u32 */
#define MU_NO_PARENT		UINT32_MAX

struct mu_tree {
	uint64_t payload_size;
	uint32_t n_chunks;		/* n */
	uint32_t n_hash_blocks;		/* H */
	uint32_t n_blocks;		/* B = H + n */
	unsigned int depth;		/* hash-block levels, 0 when n = 1 */
	uint64_t hash_area_len;		/* bytes of all hash blocks */
	/* per level, 0 = top: */
	uint32_t level_first[MU_TREE_MAX_DEPTH];   /* first block index */
	uint32_t level_blocks[MU_TREE_MAX_DEPTH];  /* hash blocks */
	uint32_t level_hashes[MU_TREE_MAX_DEPTH];  /* entries in them */
	uint64_t level_off[MU_TREE_MAX_DEPTH];     /* offset in hash area */
};

struct mu_block_info {
	int is_hash;		/* 1: hash block, 0: data chunk */
	unsigned int level;	/* hash block: its level (0 = top);
				 * data chunk: t->depth */
	uint32_t index;		/* position within its level (chunk number
				 * for data chunks) */
	uint32_t len;		/* bytes of the block: 1..1024 */
	uint64_t off;		/* hash block: offset in the hash area;
				 * data chunk: offset in the payload */
	uint32_t parent;	/* block index of the hash block holding this
				 * block's hash, or MU_NO_PARENT: verified
				 * against the root */
	uint32_t slot;		/* entry (0..31) in the parent block */
};

/**
 * mu_tree_init() - geometry of the tree of a payload of @payload_size bytes
 * (1..MU_PAYLOAD_MAX).
 */
int mu_tree_init(struct mu_tree *t, uint64_t payload_size, char *err);

/**
 * mu_tree_block() - describe block @i. Return: 0, or -1 if @i >= B
 * ("block 7: index out of range (B = 6)").
 */
int mu_tree_block(const struct mu_tree *t, uint32_t i, struct mu_block_info *bi,
		  char *err);

/**
 * mu_block_verify() - verify block @i (@len bytes at @blk).
 * @root: the manifest's Merkle root (used when the block has no parent).
 * @parent: the block's parent hash block, already verified, @parent_len
 *	bytes; NULL when mu_block_info.parent is MU_NO_PARENT.
 * Checks the length too. Return: 0 if authentic, -1 with a reason
 * ("block 12: hash mismatch", "block 5: length 1000, expected 1024").
 */
int mu_block_verify(const struct mu_tree *t, uint32_t i, const uint8_t *blk,
		    size_t len, const uint8_t root[MU_TREE_HASH_LEN],
		    const uint8_t *parent, size_t parent_len, char *err);

/**
 * mu_block_verify_hash() - like mu_block_verify() but against the expected
 * hash itself (the root, or the 32-byte entry mu_block_info.slot of the
 * parent): for callers that keep verified hashes rather than blocks.
 */
int mu_block_verify_hash(const struct mu_tree *t, uint32_t i,
			 const uint8_t *blk, size_t len,
			 const uint8_t expect[MU_TREE_HASH_LEN], char *err);

/**
 * mu_block_hash() - the hash by which block @i is known to its parent:
 * SHA256(0x01 || blk) for hash blocks, SHA256(0x00 || blk) for chunks.
 */
void mu_block_hash(const struct mu_tree *t, uint32_t i, const uint8_t *blk,
		   size_t len, uint8_t out[MU_TREE_HASH_LEN]);

/*
 * Streaming tree builder. Feed the payload in pieces of any size; every
 * time a hash block is complete the sink (if any) gets it with its block
 * index (bottom levels complete first, so the order is not the block order).
 */
typedef int (*mu_hblock_sink)(void *arg, uint32_t block, const uint8_t *data,
			      size_t len, char *err);

struct mu_merkle {
	struct mu_tree t;
	uint64_t fed;				/* payload bytes so far */
	void *md;				/* EVP_MD_CTX */
	void *sha;				/* EVP_MD (fetched) */
	mu_hblock_sink sink;
	void *sink_arg;
	uint32_t chunk_fill;
	uint8_t chunk[MU_CHUNK_SIZE];
	uint32_t lvl_fill[MU_TREE_MAX_DEPTH];	/* hashes in partial block */
	uint32_t lvl_index[MU_TREE_MAX_DEPTH];	/* next block index in level */
	uint8_t lvl[MU_TREE_MAX_DEPTH][MU_CHUNK_SIZE];
	uint8_t root[MU_TREE_HASH_LEN];
	int failed;
};

/** mu_merkle_init() - start a tree over @payload_size bytes. */
int mu_merkle_init(struct mu_merkle *mk, uint64_t payload_size,
		   mu_hblock_sink sink, void *sink_arg, char *err);
/** mu_merkle_update() - feed bytes; more than payload_size is an error. */
int mu_merkle_update(struct mu_merkle *mk, const void *data, size_t len,
		     char *err);
/**
 * mu_merkle_final() - finish (fewer than payload_size bytes fed is an error:
 * "payload: truncated, 100 of 2000 bytes") and give the root.
 * Frees the context's resources; call mu_merkle_free() on early exits.
 */
int mu_merkle_final(struct mu_merkle *mk, uint8_t root[MU_TREE_HASH_LEN],
		    char *err);
/** mu_merkle_free() - release resources (safe after final, or twice). */
void mu_merkle_free(struct mu_merkle *mk);

/** mu_merkle_root_buf() - root of a payload in memory (@len >= 1). */
int mu_merkle_root_buf(const void *payload, size_t len,
		       uint8_t root[MU_TREE_HASH_LEN], char *err);

/**
 * mu_merkle_root_fd() - root of @size bytes of @fd from offset @off (pread,
 * 64 KiB buffer). A file ending early is an error.
 */
int mu_merkle_root_fd(int fd, off_t off, uint64_t size,
		      uint8_t root[MU_TREE_HASH_LEN], char *err);

/**
 * mu_merkle_hash_area_buf() - build the whole hash area of @size payload
 * bytes of @fd at @off into @out (@cap >= mu_tree.hash_area_len; may be
 * 0/NULL when the tree has no hash blocks) and give the root.
 */
int mu_merkle_hash_area_buf(int fd, off_t off, uint64_t size, uint8_t *out,
			    size_t cap, uint8_t root[MU_TREE_HASH_LEN],
			    char *err);

/**
 * mu_merkle_hash_area_fd() - the same, written with pwrite to @out_fd at
 * offset @out_off + mu_block_info.off: bounded memory for any payload.
 */
int mu_merkle_hash_area_fd(int fd, off_t off, uint64_t size, int out_fd,
			   off_t out_off, uint8_t root[MU_TREE_HASH_LEN],
			   char *err);

/**
 * mu_read_block() - block @i of a stored payload: hash blocks come from the
 * hash area (@hash_area in memory, @hash_len bytes), data chunks are pread
 * from @payload_fd at @payload_off + chunk offset. @out has room for 1024
 * bytes; *@len receives the block length.
 */
int mu_read_block(const struct mu_tree *t, uint32_t i, const uint8_t *hash_area,
		  size_t hash_len, int payload_fd, off_t payload_off,
		  uint8_t *out, size_t *len, char *err);

#endif /* MESHUP_MERKLE_H */
