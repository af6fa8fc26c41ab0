// SPDX-License-Identifier: GPL-2.0
/*
 * meshup keys: Ed25519 PEM keys, key ids, trusted key rings, signatures
 * and threshold verification (OpenSSL 3 EVP).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "keys.h"

/* Never prompt for a pass phrase: encrypted keys are not supported. */
static int no_pass(char *buf, int size, int rwflag, void *u)
{
	(void)buf; (void)size; (void)rwflag; (void)u;
	return -1;
}

void mu_key_id(const uint8_t pub[MU_PUBKEY_LEN], uint8_t id[MU_KEYID_LEN])
{
	uint8_t h[32];

	mu_sha256(pub, MU_PUBKEY_LEN, h);
	memcpy(id, h, MU_KEYID_LEN);
}

void mu_key_free(struct mu_key *k)
{
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof(*k));
}

/* Take @pkey into @k after checking its type. */
static int key_set(struct mu_key *k, EVP_PKEY *pkey, int has_private,
		   const char *what, char *err)
{
	size_t len = MU_PUBKEY_LEN;

	memset(k, 0, sizeof(*k));
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		const char *t = EVP_PKEY_get0_type_name(pkey);

		EVP_PKEY_free(pkey);
		return mu_errf(err, "%s: not an Ed25519 key (%s)", what,
			       t ? t : "unknown type");
	}
	if (!EVP_PKEY_get_raw_public_key(pkey, k->pub, &len) ||
	    len != MU_PUBKEY_LEN) {
		EVP_PKEY_free(pkey);
		return mu_errf(err, "%s: cannot read the public key", what);
	}
	k->pkey = pkey;
	k->has_private = has_private;
	mu_key_id(k->pub, k->id);
	return 0;
}

int mu_key_generate(struct mu_key *k, char *err)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	if (!pkey)
		return mu_errf(err, "keygen: OpenSSL cannot generate an Ed25519 key");
	return key_set(k, pkey, 1, "keygen", err);
}

static BIO *open_pem(const char *path, char *err)
{
	BIO *b;
	FILE *f = fopen(path, "r");

	if (!f) {
		mu_errf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	b = BIO_new_fp(f, BIO_CLOSE);
	if (!b) {
		fclose(f);
		mu_errf(err, "%s: out of memory", path);
	}
	return b;
}

int mu_key_load_private(struct mu_key *k, const char *path, char *err)
{
	EVP_PKEY *pkey;
	BIO *b = open_pem(path, err);

	memset(k, 0, sizeof(*k));
	if (!b)
		return -1;
	pkey = PEM_read_bio_PrivateKey(b, NULL, no_pass, NULL);
	if (!pkey) {
		EVP_PKEY *pub;

		ERR_clear_error();
		(void)BIO_reset(b);
		pub = PEM_read_bio_PUBKEY(b, NULL, no_pass, NULL);
		ERR_clear_error();
		BIO_free(b);
		if (pub) {
			EVP_PKEY_free(pub);
			return mu_errf(err, "%s: is a public key, a private key is needed",
				       path);
		}
		return mu_errf(err, "%s: not a PEM private key (or encrypted)",
			       path);
	}
	BIO_free(b);
	return key_set(k, pkey, 1, path, err);
}

int mu_key_load_public(struct mu_key *k, const char *path, char *err)
{
	EVP_PKEY *pkey;
	int priv = 0;
	BIO *b = open_pem(path, err);

	memset(k, 0, sizeof(*k));
	if (!b)
		return -1;
	pkey = PEM_read_bio_PUBKEY(b, NULL, no_pass, NULL);
	if (!pkey) {
		ERR_clear_error();
		(void)BIO_reset(b);
		pkey = PEM_read_bio_PrivateKey(b, NULL, no_pass, NULL);
		priv = 1;
	}
	ERR_clear_error();
	BIO_free(b);
	if (!pkey)
		return mu_errf(err, "%s: not a PEM public or private key", path);
	return key_set(k, pkey, priv, path, err);
}

int mu_key_from_raw(struct mu_key *k, const uint8_t pub[MU_PUBKEY_LEN],
		    char *err)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
						     pub, MU_PUBKEY_LEN);

	memset(k, 0, sizeof(*k));
	if (!pkey)
		return mu_errf(err, "key: invalid raw Ed25519 public key");
	return key_set(k, pkey, 0, "key", err);
}

static int write_pem(const struct mu_key *k, const char *path, int priv,
		     char *err)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long len;
	int ok, ret;

	if (!b)
		return mu_errf(err, "%s: out of memory", path);
	if (priv)
		ok = k->has_private &&
		     PEM_write_bio_PrivateKey(b, k->pkey, NULL, NULL, 0, NULL,
					      NULL);
	else
		ok = PEM_write_bio_PUBKEY(b, k->pkey);
	if (!ok) {
		BIO_free(b);
		ERR_clear_error();
		return mu_errf(err, "%s: cannot encode the key", path);
	}
	len = BIO_get_mem_data(b, &data);
	ret = mu_write_file_atomic(path, data, (size_t)len, priv ? 0600 : 0644,
				   err);
	BIO_free(b);
	return ret;
}

int mu_key_write_private(const struct mu_key *k, const char *path, char *err)
{
	return write_pem(k, path, 1, err);
}

int mu_key_write_public(const struct mu_key *k, const char *path, char *err)
{
	return write_pem(k, path, 0, err);
}

int mu_sign(const struct mu_key *k, const uint8_t *msg, size_t len,
	    uint8_t sig[MU_SIG_LEN], char *err)
{
	EVP_MD_CTX *c;
	size_t slen = MU_SIG_LEN;
	int ok;

	if (!k->has_private)
		return mu_errf(err, "sign: key has no private half");
	c = EVP_MD_CTX_new();
	if (!c)
		return mu_errf(err, "sign: out of memory");
	ok = EVP_DigestSignInit(c, NULL, NULL, NULL, k->pkey) == 1 &&
	     EVP_DigestSign(c, sig, &slen, msg, len) == 1 &&
	     slen == MU_SIG_LEN;
	EVP_MD_CTX_free(c);
	ERR_clear_error();
	return ok ? 0 : mu_errf(err, "sign: Ed25519 signing failed");
}

int mu_verify(const struct mu_key *k, const uint8_t *msg, size_t len,
	      const uint8_t sig[MU_SIG_LEN])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok;

	if (!c)
		return 0;
	ok = EVP_DigestVerifyInit(c, NULL, NULL, NULL, k->pkey) == 1 &&
	     EVP_DigestVerify(c, sig, MU_SIG_LEN, msg, len) == 1;
	EVP_MD_CTX_free(c);
	ERR_clear_error();
	return ok;
}

int mu_manifest_sign(struct mu_manifest *m, const struct mu_key *k,
		     char *err)
{
	uint8_t body[MU_MANIFEST_MAX], sig[MU_SIG_LEN];
	size_t len;
	char hex[MU_KEYID_HEXLEN];
	size_t i;

	for (i = 0; i < m->n_sigs; i++)
		if (!memcmp(m->sigs[i].key_id, k->id, MU_KEYID_LEN))
			return mu_errf(err, "signatures: key %s already signed",
				       mu_hex(k->id, MU_KEYID_LEN, hex));
	if (mu_manifest_write_body(m, body, sizeof(body), &len, err) ||
	    mu_sign(k, body, len, sig, err))
		return -1;
	return mu_manifest_add_sig(m, k->id, sig, err);
}

void mu_keyring_init(struct mu_keyring *kr)
{
	memset(kr, 0, sizeof(*kr));
}

const struct mu_key *mu_keyring_find(const struct mu_keyring *kr,
				     const uint8_t id[MU_KEYID_LEN])
{
	size_t i;

	for (i = 0; i < kr->n; i++)
		if (!memcmp(kr->keys[i].id, id, MU_KEYID_LEN))
			return &kr->keys[i];
	return NULL;
}

int mu_keyring_add(struct mu_keyring *kr, struct mu_key *k, char *err)
{
	char hex[MU_KEYID_HEXLEN];

	if (mu_keyring_find(kr, k->id))
		return mu_errf(err, "keys: key id %s is already trusted",
			       mu_hex(k->id, MU_KEYID_LEN, hex));
	if (kr->n == kr->cap) {
		size_t cap = kr->cap ? 2 * kr->cap : 8;
		struct mu_key *nk = realloc(kr->keys, cap * sizeof(*nk));

		if (!nk)
			return mu_errf(err, "keys: out of memory");
		kr->keys = nk;
		kr->cap = cap;
	}
	kr->keys[kr->n++] = *k;
	memset(k, 0, sizeof(*k));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int mu_keyring_load_dir(struct mu_keyring *kr, const char *dir, char *err)
{
	return mu_keyring_load_dir_skip(kr, dir, NULL, NULL, err);
}

int mu_keyring_load_dir_skip(struct mu_keyring *kr, const char *dir,
			     void (*bad)(const char *msg, void *arg), void *arg,
			     char *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int ret = 0;

	if (!d)
		return mu_errf(err, "keys dir %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".pem") ||
		    de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn;

			cap = cap ? 2 * cap : 16;
			nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				ret = mu_errf(err, "keys: out of memory");
				goto out;
			}
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			ret = mu_errf(err, "keys: out of memory");
			goto out;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && !ret; i++) {
		char path[4096];
		struct mu_key k;
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (mu_key_load_public(&k, path, err)) {
			if (bad) {
				bad(err, arg);	/* skipped, loading goes on */
				continue;
			}
			ret = -1;
			break;
		}
		if (mu_keyring_find(kr, k.id)) {
			mu_key_free(&k);	/* same key in two files */
			continue;
		}
		if (mu_keyring_add(kr, &k, err)) {
			mu_key_free(&k);
			ret = -1;
		}
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

void mu_keyring_free(struct mu_keyring *kr)
{
	size_t i;

	for (i = 0; i < kr->n; i++)
		mu_key_free(&kr->keys[i]);
	free(kr->keys);
	memset(kr, 0, sizeof(*kr));
}

const char *mu_sig_status_str(enum mu_sig_status s)
{
	switch (s) {
	case MU_SIG_VALID:
		return "valid";
	case MU_SIG_UNTRUSTED:
		return "untrusted";
	case MU_SIG_DUPLICATE:
		return "duplicate";
	case MU_SIG_BAD:
		return "bad";
	}
	return "?";
}

int mu_manifest_verify(const struct mu_manifest *m,
		       const struct mu_keyring *kr, unsigned int threshold,
		       struct mu_sig_report *rep, char *err)
{
	struct mu_sig_report r;
	uint8_t body[MU_MANIFEST_MAX];
	size_t len, i, j;

	memset(&r, 0, sizeof(r));
	r.threshold = threshold;
	if (rep)
		*rep = r;
	if (threshold < 1)
		return mu_errf(err, "signatures: threshold 0 is not allowed (>= 1)");
	if (mu_manifest_check(m, err) ||
	    mu_manifest_write_body(m, body, sizeof(body), &len, err))
		return -1;
	r.n_sigs = m->n_sigs;
	for (i = 0; i < m->n_sigs; i++) {
		const struct mu_sig *s = &m->sigs[i];
		const struct mu_key *k;
		enum mu_sig_status st = MU_SIG_VALID;

		memcpy(r.sig[i].key_id, s->key_id, MU_KEYID_LEN);
		for (j = 0; j < i; j++)
			if (r.sig[j].status == MU_SIG_VALID &&
			    !memcmp(r.sig[j].key_id, s->key_id, MU_KEYID_LEN))
				st = MU_SIG_DUPLICATE;
		if (st == MU_SIG_VALID) {
			k = mu_keyring_find(kr, s->key_id);
			if (!k)
				st = MU_SIG_UNTRUSTED;
			else if (!mu_verify(k, body, len, s->sig))
				st = MU_SIG_BAD;
		}
		r.sig[i].status = st;
		switch (st) {
		case MU_SIG_VALID:
			r.valid++;
			break;
		case MU_SIG_UNTRUSTED:
			r.untrusted++;
			break;
		case MU_SIG_DUPLICATE:
			r.duplicate++;
			break;
		case MU_SIG_BAD:
			r.bad++;
			break;
		}
	}
	if (rep)
		*rep = r;
	if (r.valid < threshold)
		return mu_errf(err, "signatures: %u valid of %u needed (%u untrusted, %u duplicate, %u bad)",
			       r.valid, threshold, r.untrusted, r.duplicate,
			       r.bad);
	return 0;
}
