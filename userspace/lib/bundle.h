/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup bundles: the signed manifest of PROTOCOL.md 2.1 and bundle files
 * (manifest || payload). See Documentation/bundle-format.rst.
 *
 * A struct mu_manifest holds the decoded fields; the extension area is kept
 * byte-exact (unknown TLV types are never rejected and are re-serialized
 * unchanged, so digest and signatures of a bundle from a newer version stay
 * valid). mu_manifest_serialize() of a parsed manifest gives back exactly
 * the parsed bytes.
 *
 * Errors: see util.h (char err[MU_ERR_LEN], return 0 / -1); manifest messages
 * start with "manifest: " and name the field.
 */
#ifndef MESHUP_BUNDLE_H
#define MESHUP_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define MU_MAGIC		"MUPM"
#define MU_FORMAT		1
#define MU_ALG_ED25519		1
#define MU_MANIFEST_MAX		1024	/* whole manifest incl. signatures */
#define MU_BODY_FIXED		75	/* body bytes besides name and ext */
#define MU_SIGS_MAX		8
#define MU_KEYID_LEN		8
#define MU_SIG_LEN		64
#define MU_SIGENT_LEN		72	/* key id + signature */
#define MU_HASH_LEN		32
#define MU_DIGEST_PREFIX_LEN	8
#define MU_CHANNEL_ID_LEN	4
/* largest extension area: 1024 - 75 - 1 (name) - 1 (n_sigs) - 72 */
#define MU_EXT_MAX		(MU_MANIFEST_MAX - MU_BODY_FIXED - 1 - 1 - \
				 MU_SIGENT_LEN)
/*
 * Largest payload: block indexes are u32 on the wire, so B = hash blocks +
 * chunks must fit; we allow at most 0xF0000000 chunks (3.75 TiB).
 */
#define MU_PAYLOAD_MAX		((uint64_t)0xF0000000 * 1024)

struct mu_sig {
	uint8_t key_id[MU_KEYID_LEN];
	uint8_t sig[MU_SIG_LEN];
};

struct mu_manifest {
	uint8_t format;			/* 1 */
	uint8_t alg;			/* 1 = Ed25519 */
	uint64_t version;
	uint64_t start_time;		/* 0 = at once */
	uint64_t end_time;		/* 0 = stable */
	uint64_t payload_size;		/* >= 1 */
	uint8_t root[MU_HASH_LEN];	/* Merkle root of the payload */
	uint8_t name_len;
	char name[MU_NAME_MAX + 1];	/* NUL-terminated */
	uint16_t ext_len;
	uint8_t ext[MU_EXT_MAX];	/* raw TLVs, byte-exact */
	uint8_t n_sigs;
	struct mu_sig sigs[MU_SIGS_MAX];
};

/** mu_manifest_init() - zero @m, set format 1 and algorithm Ed25519. */
void mu_manifest_init(struct mu_manifest *m);

/**
 * mu_manifest_build() - mu_manifest_init() plus the given fields, then
 * mu_manifest_check_body(). @name is NUL-terminated; no extensions, no
 * signatures (add them with mu_manifest_sign() from keys.h).
 */
int mu_manifest_build(struct mu_manifest *m, const char *name,
		      uint64_t version, uint64_t start_time, uint64_t end_time,
		      uint64_t payload_size, const uint8_t root[MU_HASH_LEN],
		      char *err);

/**
 * mu_manifest_parse() - decode and check a manifest at the start of @buf.
 * @len: bytes available (e.g. up to 1024 bytes of a bundle file, or the
 *	manifest bytes of a MANIFEST frame).
 * @used: if non-NULL, receives the manifest length and bytes after it are
 *	not looked at (a bundle file: the payload follows). If NULL, the
 *	manifest must fill @buf exactly; extra bytes are an error
 *	("manifest: N bytes of trailing data after the signatures").
 *
 * Checks every rule of 2.1: magic, format, algorithm, body_len = 75+N+E,
 * name 1..32 of [a-z0-9._-], extension TLVs well-formed (u8 type, u8 len;
 * unknown types accepted), payload_size in 1..MU_PAYLOAD_MAX, end_time >
 * start_time when non-zero, n_sigs 1..8, total <= 1024, truncation.
 * Duplicate signer key ids are NOT an error here (they count once, see
 * mu_manifest_verify()).
 */
int mu_manifest_parse(struct mu_manifest *m, const uint8_t *buf, size_t len,
		      size_t *used, char *err);

/**
 * mu_manifest_check_body() - every rule on the fields except the signature
 * list (which may be empty here): for a manifest being built.
 */
int mu_manifest_check_body(const struct mu_manifest *m, char *err);

/** mu_manifest_check() - every rule, signatures (1..8) included. */
int mu_manifest_check(const struct mu_manifest *m, char *err);

/** mu_manifest_body_len() - 75 + N + E. */
size_t mu_manifest_body_len(const struct mu_manifest *m);

/** mu_manifest_len() - body_len + 1 + 72 * n_sigs: total manifest bytes. */
size_t mu_manifest_len(const struct mu_manifest *m);

/**
 * mu_manifest_write_body() - serialize the signed body (body_len bytes) into
 * @buf of @cap bytes; *@len receives body_len. Checks the body first.
 */
int mu_manifest_write_body(const struct mu_manifest *m, uint8_t *buf,
			   size_t cap, size_t *len, char *err);

/**
 * mu_manifest_serialize() - the whole manifest (body, n_sigs, signatures)
 * into @buf of @cap bytes (MU_MANIFEST_MAX is always enough); *@len receives
 * its length. Checks everything first (mu_manifest_check()).
 */
int mu_manifest_serialize(const struct mu_manifest *m, uint8_t *buf,
			  size_t cap, size_t *len, char *err);

/**
 * mu_manifest_digest() - SHA256 of the serialized manifest (signatures
 * included); its first 8 bytes are the digest prefix of the wire.
 */
int mu_manifest_digest(const struct mu_manifest *m,
		       uint8_t digest[MU_HASH_LEN], char *err);

/** mu_manifest_channel_id() - mu_channel_id() of the manifest's name. */
void mu_manifest_channel_id(const struct mu_manifest *m,
			    uint8_t id[MU_CHANNEL_ID_LEN]);

/** mu_channel_id() - first 4 bytes of SHA256(name), @len name bytes. */
void mu_channel_id(const char *name, size_t len, uint8_t id[MU_CHANNEL_ID_LEN]);

/**
 * mu_manifest_add_sig() - append a signature entry. Fails if there are
 * already 8, if the manifest would exceed 1024 bytes, or if @key_id already
 * signed ("signatures: key 0a28704a716f3b3a already signed").
 */
int mu_manifest_add_sig(struct mu_manifest *m,
			const uint8_t key_id[MU_KEYID_LEN],
			const uint8_t sig[MU_SIG_LEN], char *err);

/**
 * mu_ext_next() - iterate the extension TLVs: start with *@off = 0; returns
 * 1 and fills @type, @vlen, @val for each TLV, 0 at the end, -1 if the
 * area is malformed (never the case for a parsed or checked manifest).
 */
int mu_ext_next(const uint8_t *ext, size_t ext_len, size_t *off,
		uint8_t *type, uint8_t *vlen, const uint8_t **val);

/*
 * Bundle files: manifest || payload, exactly. A file shorter than
 * manifest + payload_size is "truncated", a longer one has "trailing data":
 * both are rejected.
 */

/**
 * mu_bundle_read_manifest() - read and parse the manifest at the start of
 * the bundle file @fd (pread, file offset untouched) and check the file
 * size against it: *@payload_off receives the manifest length (where the
 * payload starts). Does not hash the payload (see mu_bundle_check()).
 */
int mu_bundle_read_manifest(int fd, struct mu_manifest *m, off_t *payload_off,
			    char *err);

/**
 * mu_bundle_check() - read the manifest as above and stream the payload
 * through the Merkle tree (bounded memory) comparing the root.
 * Signatures are not checked here: see mu_manifest_verify() in keys.h.
 */
int mu_bundle_check(int fd, struct mu_manifest *m, off_t *payload_off,
		    char *err);

/**
 * mu_bundle_write() - write manifest @m followed by payload_size bytes read
 * from @payload_fd at offset @payload_off to @out_fd (current position).
 * Fails if the payload source ends early ("payload: truncated ...").
 */
int mu_bundle_write(int out_fd, const struct mu_manifest *m, int payload_fd,
		    off_t payload_off, char *err);

#endif /* MESHUP_BUNDLE_H */
