/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup keys and signatures: Ed25519 via OpenSSL 3 EVP.
 *
 * Keys are PEM files as OpenSSL writes them (PKCS#8 "PRIVATE KEY",
 * SubjectPublicKeyInfo "PUBLIC KEY"). Key id = first 8 bytes of
 * SHA256(raw 32-byte public key). A manifest is signed over its body
 * (body_len bytes); a signature counts iff it verifies under a trusted key
 * with the matching key id; each trusted key counts once.
 *
 * Errors: see util.h.
 */
#ifndef MESHUP_KEYS_H
#define MESHUP_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"

#define MU_PUBKEY_LEN	32
#define MU_KEYID_HEXLEN	(2 * MU_KEYID_LEN + 1)

struct mu_key {
	void *pkey;			/* EVP_PKEY */
	int has_private;
	uint8_t pub[MU_PUBKEY_LEN];	/* raw public key */
	uint8_t id[MU_KEYID_LEN];	/* key id */
};

/** mu_key_generate() - a fresh Ed25519 key pair. */
int mu_key_generate(struct mu_key *k, char *err);

/**
 * mu_key_load_private() - load a PEM private key; anything but Ed25519 is
 * an error ("KEY.pem: not an Ed25519 key (RSA)"). Messages name @path.
 */
int mu_key_load_private(struct mu_key *k, const char *path, char *err);

/**
 * mu_key_load_public() - load a PEM public key (a PEM private key is
 * accepted as well; its public half is used). Ed25519 only.
 */
int mu_key_load_public(struct mu_key *k, const char *path, char *err);

/** mu_key_from_raw() - a public key from its raw 32 bytes. */
int mu_key_from_raw(struct mu_key *k, const uint8_t pub[MU_PUBKEY_LEN],
		    char *err);

/** mu_key_free() - release (safe on a zeroed or freed key). */
void mu_key_free(struct mu_key *k);

/**
 * mu_key_write_private() / mu_key_write_public() - PEM files, atomically
 * (temp + rename); the private one with mode 0600, the public one 0644.
 */
int mu_key_write_private(const struct mu_key *k, const char *path, char *err);
int mu_key_write_public(const struct mu_key *k, const char *path, char *err);

/** mu_key_id() - key id of a raw public key. */
void mu_key_id(const uint8_t pub[MU_PUBKEY_LEN], uint8_t id[MU_KEYID_LEN]);

/** mu_sign() - Ed25519 signature of @len bytes with private key @k. */
int mu_sign(const struct mu_key *k, const uint8_t *msg, size_t len,
	    uint8_t sig[MU_SIG_LEN], char *err);

/** mu_verify() - 1 if @sig is a valid signature of @msg under @k, else 0. */
int mu_verify(const struct mu_key *k, const uint8_t *msg, size_t len,
	      const uint8_t sig[MU_SIG_LEN]);

/**
 * mu_manifest_sign() - sign the body of @m with @k and append the entry
 * (mu_manifest_add_sig() rules: a key that already signed is an error).
 */
int mu_manifest_sign(struct mu_manifest *m, const struct mu_key *k,
		     char *err);

/* A set of trusted public keys (distinct key ids). */
struct mu_keyring {
	size_t n;
	size_t cap;
	struct mu_key *keys;
};

/** mu_keyring_init() - an empty ring. */
void mu_keyring_init(struct mu_keyring *kr);

/**
 * mu_keyring_add() - take ownership of @k (on success *k is zeroed).
 * A key id already in the ring is an error and @k is left to the caller.
 */
int mu_keyring_add(struct mu_keyring *kr, struct mu_key *k, char *err);

/**
 * mu_keyring_load_dir() - add every "*.pem" regular file of @dir (sorted by
 * name; other files are ignored; private PEMs contribute their public half;
 * the same key in two files counts once). An unreadable or non-Ed25519 .pem
 * is an error naming the file. An empty directory is not an error (the
 * ring then verifies nothing).
 */
int mu_keyring_load_dir(struct mu_keyring *kr, const char *dir, char *err);

/**
 * mu_keyring_load_dir_skip() - mu_keyring_load_dir(), except that a .pem
 * file that cannot be read or is not an Ed25519 key is skipped: @bad (if
 * not NULL) gets a one-line message naming the file and the loading goes
 * on with the next file. Fails only when @dir cannot be read (or on out of
 * memory); with @bad NULL it is mu_keyring_load_dir().
 */
int mu_keyring_load_dir_skip(struct mu_keyring *kr, const char *dir,
			     void (*bad)(const char *msg, void *arg), void *arg,
			     char *err);

/** mu_keyring_find() - the key with id @id, or NULL. */
const struct mu_key *mu_keyring_find(const struct mu_keyring *kr,
				     const uint8_t id[MU_KEYID_LEN]);

/** mu_keyring_free() - release all keys. */
void mu_keyring_free(struct mu_keyring *kr);

enum mu_sig_status {
	MU_SIG_VALID = 0,	/* trusted key, good signature: counted */
	MU_SIG_UNTRUSTED,	/* no trusted key with this id */
	MU_SIG_DUPLICATE,	/* this key already has an earlier valid entry */
	MU_SIG_BAD,		/* trusted key, signature does not verify */
};

struct mu_sig_report {
	unsigned int n_sigs;
	unsigned int valid;	/* distinct trusted keys with a good sig */
	unsigned int untrusted;
	unsigned int duplicate;
	unsigned int bad;
	unsigned int threshold;
	struct {
		uint8_t key_id[MU_KEYID_LEN];
		enum mu_sig_status status;
	} sig[MU_SIGS_MAX];
};

/** mu_sig_status_str() - "valid", "untrusted", "duplicate", "bad". */
const char *mu_sig_status_str(enum mu_sig_status s);

/**
 * mu_manifest_verify() - check the signatures of @m against @kr.
 * @threshold: distinct trusted keys needed, >= 1.
 * @rep: optional, filled in every case (per signature, in manifest order).
 * Return: 0 if at least @threshold distinct trusted keys signed validly,
 * else -1 with e.g. "signatures: 1 valid of 2 needed (1 untrusted,
 * 0 duplicate, 0 bad)". An entry whose key already has an earlier valid
 * entry is a duplicate and never counted again; so a bad entry cannot
 * shadow a later good one of the same key.
 */
int mu_manifest_verify(const struct mu_manifest *m,
		       const struct mu_keyring *kr, unsigned int threshold,
		       struct mu_sig_report *rep, char *err);

#endif /* MESHUP_KEYS_H */
