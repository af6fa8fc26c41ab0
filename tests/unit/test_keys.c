// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of userspace/lib/keys.c: PEM keys, key ids, key rings,
 * signing, threshold verification and its report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "bundle.h"
#include "keys.h"

static const char *vectors_dir(void)
{
	const char *d = getenv("MESHUP_VECTORS");

	return d ? d : "../shared/spec/vectors";
}

static const char *vec(const char *name)
{
	static char path[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", vectors_dir(), name);
	return path[i];
}

static char tmpdir[64];

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mu-test-keys-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp(const char *name)
{
	static char path[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", tmpdir, name);
	return path[i];
}

static void write_text(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static void test_vector_keys(void **state)
{
	char err[MU_ERR_LEN], hex[MU_KEYID_HEXLEN];
	struct mu_key k, p;

	assert_int_equal(mu_key_load_private(&k, vec("test-key.pem"), err), 0);
	assert_true(k.has_private);
	assert_string_equal(mu_hex(k.id, 8, hex), "0a28704a716f3b3a");
	assert_int_equal(mu_key_load_public(&p, vec("test-key.pub.pem"), err), 0);
	assert_false(p.has_private);
	assert_memory_equal(p.pub, k.pub, 32);
	assert_memory_equal(p.id, k.id, 8);
	mu_key_free(&p);
	mu_key_free(&k);
	assert_int_equal(mu_key_load_private(&k, vec("test-key2.pem"), err), 0);
	assert_string_equal(mu_hex(k.id, 8, hex), "ada4c92fd543b33b");
	mu_key_free(&k);
	/* a private PEM is accepted where a public key is wanted */
	assert_int_equal(mu_key_load_public(&k, vec("test-key2.pem"), err), 0);
	assert_string_equal(mu_hex(k.id, 8, hex), "ada4c92fd543b33b");
	mu_key_free(&k);
	mu_key_free(&k);	/* twice is fine */
}

static void test_load_errors(void **state)
{
	char err[MU_ERR_LEN];
	struct mu_key k;
	EVP_PKEY *ec;
	FILE *f;

	assert_int_equal(mu_key_load_private(&k, tmp("missing.pem"), err), -1);
	assert_non_null(strstr(err, "missing.pem: No such file or directory"));
	assert_int_equal(mu_key_load_public(&k, tmp("missing.pem"), err), -1);
	assert_non_null(strstr(err, "No such file"));
	/* a public key where a private one is needed */
	assert_int_equal(mu_key_load_private(&k, vec("test-key.pub.pem"), err), -1);
	assert_non_null(strstr(err, "is a public key, a private key is needed"));
	/* garbage */
	write_text(tmp("garbage.pem"), "hello\n");
	assert_int_equal(mu_key_load_private(&k, tmp("garbage.pem"), err), -1);
	assert_non_null(strstr(err, "garbage.pem: not a PEM private key"));
	assert_int_equal(mu_key_load_public(&k, tmp("garbage.pem"), err), -1);
	assert_non_null(strstr(err, "not a PEM public or private key"));
	/* wrong key type: EC P-256 and X25519 */
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(ec);
	f = fopen(tmp("ec.pem"), "w");
	assert_non_null(f);
	assert_true(PEM_write_PrivateKey(f, ec, NULL, NULL, 0, NULL, NULL));
	fclose(f);
	f = fopen(tmp("ec.pub.pem"), "w");
	assert_true(PEM_write_PUBKEY(f, ec));
	fclose(f);
	EVP_PKEY_free(ec);
	assert_int_equal(mu_key_load_private(&k, tmp("ec.pem"), err), -1);
	assert_non_null(strstr(err, "ec.pem: not an Ed25519 key (EC)"));
	assert_int_equal(mu_key_load_public(&k, tmp("ec.pub.pem"), err), -1);
	assert_non_null(strstr(err, "not an Ed25519 key (EC)"));
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	assert_non_null(ec);
	f = fopen(tmp("x.pem"), "w");
	assert_true(PEM_write_PrivateKey(f, ec, NULL, NULL, 0, NULL, NULL));
	fclose(f);
	EVP_PKEY_free(ec);
	assert_int_equal(mu_key_load_private(&k, tmp("x.pem"), err), -1);
	assert_non_null(strstr(err, "not an Ed25519 key (X25519)"));
	unlink(tmp("garbage.pem"));
	unlink(tmp("ec.pem"));
	unlink(tmp("ec.pub.pem"));
	unlink(tmp("x.pem"));
}

static void test_generate_write(void **state)
{
	char err[MU_ERR_LEN];
	struct mu_key k, k2, p;
	struct stat st;
	uint8_t sig[64], id[8];

	assert_int_equal(mu_key_generate(&k, err), 0);
	mu_key_id(k.pub, id);
	assert_memory_equal(id, k.id, 8);
	assert_int_equal(mu_key_write_private(&k, tmp("g.pem"), err), 0);
	assert_int_equal(mu_key_write_public(&k, tmp("g.pub.pem"), err), 0);
	assert_int_equal(stat(tmp("g.pem"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(tmp("g.pub.pem"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(mu_key_load_private(&k2, tmp("g.pem"), err), 0);
	assert_int_equal(mu_key_load_public(&p, tmp("g.pub.pem"), err), 0);
	assert_memory_equal(k2.id, k.id, 8);
	assert_memory_equal(p.id, k.id, 8);
	assert_int_equal(mu_sign(&k2, (const uint8_t *)"msg", 3, sig, err), 0);
	assert_int_equal(mu_verify(&p, (const uint8_t *)"msg", 3, sig), 1);
	assert_int_equal(mu_verify(&p, (const uint8_t *)"msG", 3, sig), 0);
	sig[10] ^= 1;
	assert_int_equal(mu_verify(&p, (const uint8_t *)"msg", 3, sig), 0);
	/* a public key cannot sign nor be written as private */
	assert_int_equal(mu_sign(&p, (const uint8_t *)"msg", 3, sig, err), -1);
	assert_non_null(strstr(err, "no private half"));
	assert_int_equal(mu_key_write_private(&p, tmp("p.pem"), err), -1);
	assert_int_equal(access(tmp("p.pem"), F_OK), -1);
	mu_key_free(&k);
	mu_key_free(&k2);
	mu_key_free(&p);
	unlink(tmp("g.pem"));
	unlink(tmp("g.pub.pem"));
}

static void test_from_raw(void **state)
{
	char err[MU_ERR_LEN];
	struct mu_key k, r;

	assert_int_equal(mu_key_load_public(&k, vec("test-key.pub.pem"), err), 0);
	assert_int_equal(mu_key_from_raw(&r, k.pub, err), 0);
	assert_memory_equal(r.id, k.id, 8);
	mu_key_free(&k);
	mu_key_free(&r);
}

/* The signature in site-1.0.0.mub is what mu_sign computes (deterministic). */
static void test_vector_signature(void **state)
{
	static uint8_t buf[2048];
	uint8_t body[MU_MANIFEST_MAX], sig[64];
	char err[MU_ERR_LEN];
	struct mu_manifest m;
	struct mu_key k;
	size_t n, len, used;
	FILE *f = fopen(vec("site-1.0.0.mub"), "r");

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(mu_manifest_parse(&m, buf, n, &used, err), 0);
	assert_int_equal(mu_manifest_write_body(&m, body, sizeof(body), &len, err), 0);
	assert_int_equal(len, 79);
	assert_memory_equal(body, buf, len);
	assert_int_equal(mu_key_load_private(&k, vec("test-key.pem"), err), 0);
	assert_int_equal(mu_sign(&k, body, len, sig, err), 0);
	assert_memory_equal(m.sigs[0].key_id, k.id, 8);
	assert_memory_equal(m.sigs[0].sig, sig, 64);
	/* and re-signing a copy without signatures gives the same manifest */
	m.n_sigs = 0;
	assert_int_equal(mu_manifest_sign(&m, &k, err), 0);
	assert_int_equal(mu_manifest_serialize(&m, body, sizeof(body), &len, err), 0);
	assert_int_equal(len, used);
	assert_memory_equal(body, buf, used);
	/* the same key again is refused */
	assert_int_equal(mu_manifest_sign(&m, &k, err), -1);
	assert_string_equal(err, "signatures: key 0a28704a716f3b3a already signed");
	mu_key_free(&k);
}

static void collect(const char *msg, void *arg)
{
	strncat(arg, msg, MU_ERR_LEN - 1);
	strcat(arg, "\n");
}

static void test_keyring_dir(void **state)
{
	char err[MU_ERR_LEN], cmd[512];
	struct mu_keyring kr;
	uint8_t id[8];

	/* the vectors dir: 2 private + 2 public files, 2 distinct keys */
	mu_keyring_init(&kr);
	assert_int_equal(mu_keyring_load_dir(&kr, vectors_dir(), err), 0);
	assert_int_equal(kr.n, 2);
	assert_int_equal(mu_unhex("0a28704a716f3b3a", id, 8), 0);
	assert_non_null(mu_keyring_find(&kr, id));
	assert_int_equal(mu_unhex("ada4c92fd543b33b", id, 8), 0);
	assert_non_null(mu_keyring_find(&kr, id));
	id[0] ^= 1;
	assert_null(mu_keyring_find(&kr, id));
	mu_keyring_free(&kr);

	/* other files are ignored; an empty dir is an empty ring */
	assert_int_equal(mkdir(tmp("ring"), 0755), 0);
	write_text(tmp("ring/README"), "not a key\n");
	assert_int_equal(mkdir(tmp("ring/sub.pem"), 0755), 0);
	mu_keyring_init(&kr);
	assert_int_equal(mu_keyring_load_dir(&kr, tmp("ring"), err), 0);
	assert_int_equal(kr.n, 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/ring/a.pem'",
		 vec("test-key.pub.pem"), tmpdir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(mu_keyring_load_dir(&kr, tmp("ring"), err), 0);
	assert_int_equal(kr.n, 1);
	mu_keyring_free(&kr);
	/* a bad .pem is an error naming it */
	write_text(tmp("ring/bad.pem"), "junk\n");
	mu_keyring_init(&kr);
	assert_int_equal(mu_keyring_load_dir(&kr, tmp("ring"), err), -1);
	assert_non_null(strstr(err, "bad.pem"));
	mu_keyring_free(&kr);
	/* the skipping loader: the bad file is named, the good key loaded */
	{
		char msgs[4 * MU_ERR_LEN] = "";

		write_text(tmp("ring/0-garbage.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
		mu_keyring_init(&kr);
		assert_int_equal(mu_keyring_load_dir_skip(&kr, tmp("ring"), collect, msgs, err), 0);
		assert_int_equal(kr.n, 1);
		assert_non_null(strstr(msgs, "bad.pem"));
		assert_non_null(strstr(msgs, "0-garbage.pem"));
		mu_keyring_free(&kr);
		unlink(tmp("ring/0-garbage.pem"));
	}
	unlink(tmp("ring/bad.pem"));
	/* a missing dir */
	mu_keyring_init(&kr);
	assert_int_equal(mu_keyring_load_dir(&kr, tmp("nope"), err), -1);
	assert_non_null(strstr(err, "keys dir"));
	assert_non_null(strstr(err, "No such file"));
	mu_keyring_free(&kr);
}

static void test_keyring_add_dup(void **state)
{
	char err[MU_ERR_LEN];
	struct mu_keyring kr;
	struct mu_key a, b;

	mu_keyring_init(&kr);
	assert_int_equal(mu_key_load_public(&a, vec("test-key.pub.pem"), err), 0);
	assert_int_equal(mu_key_load_public(&b, vec("test-key.pem"), err), 0);
	assert_int_equal(mu_keyring_add(&kr, &a, err), 0);
	assert_null(a.pkey);
	assert_int_equal(mu_keyring_add(&kr, &b, err), -1);
	assert_string_equal(err, "keys: key id 0a28704a716f3b3a is already trusted");
	mu_key_free(&b);
	mu_keyring_free(&kr);
}

/* n fresh keys; a manifest signed by the keys listed in @signers */
static struct mu_key keys[9];

static void gen_keys(void)
{
	int i;

	for (i = 0; i < 9; i++)
		if (!keys[i].pkey)
			assert_int_equal(mu_key_generate(&keys[i], NULL), 0);
}

static void manifest_signed(struct mu_manifest *m, const int *signers, int n)
{
	uint8_t root[32] = { 1 };
	int i;

	assert_int_equal(mu_manifest_build(m, "site", 1, 0, 0, 10, root, NULL), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(mu_manifest_sign(m, &keys[signers[i]], NULL), 0);
}

static void ring_of(struct mu_keyring *kr, const int *idx, int n)
{
	struct mu_key k;
	int i;

	mu_keyring_init(kr);
	for (i = 0; i < n; i++) {
		assert_int_equal(mu_key_from_raw(&k, keys[idx[i]].pub, NULL), 0);
		assert_int_equal(mu_keyring_add(kr, &k, NULL), 0);
	}
}

static void test_threshold(void **state)
{
	static const int s01[] = { 0, 1 }, r01[] = { 0, 1 }, r0[] = { 0 };
	static const int r2[] = { 2 }, all[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	char err[MU_ERR_LEN];
	struct mu_sig_report rep;
	struct mu_manifest m;
	struct mu_keyring kr;

	gen_keys();
	manifest_signed(&m, s01, 2);
	ring_of(&kr, r01, 2);
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), 0);
	assert_int_equal(rep.valid, 2);
	assert_int_equal(mu_manifest_verify(&m, &kr, 2, &rep, err), 0);
	assert_int_equal(mu_manifest_verify(&m, &kr, 3, &rep, err), -1);
	assert_string_equal(err, "signatures: 2 valid of 3 needed (0 untrusted, 0 duplicate, 0 bad)");
	assert_int_equal(mu_manifest_verify(&m, &kr, 0, &rep, err), -1);
	assert_non_null(strstr(err, "threshold 0"));
	mu_keyring_free(&kr);

	/* only one of the signers trusted */
	ring_of(&kr, r0, 1);
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), 0);
	assert_int_equal(mu_manifest_verify(&m, &kr, 2, &rep, err), -1);
	assert_int_equal(rep.valid, 1);
	assert_int_equal(rep.untrusted, 1);
	assert_int_equal(rep.sig[0].status, MU_SIG_VALID);
	assert_int_equal(rep.sig[1].status, MU_SIG_UNTRUSTED);
	assert_memory_equal(rep.sig[1].key_id, keys[1].id, 8);
	assert_string_equal(err, "signatures: 1 valid of 2 needed (1 untrusted, 0 duplicate, 0 bad)");
	mu_keyring_free(&kr);

	/* no signer trusted */
	ring_of(&kr, r2, 1);
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), -1);
	assert_int_equal(rep.valid, 0);
	assert_int_equal(rep.untrusted, 2);
	mu_keyring_free(&kr);

	/* an empty ring */
	mu_keyring_init(&kr);
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), -1);
	mu_keyring_free(&kr);

	/* eight signers, threshold eight */
	manifest_signed(&m, all, 8);
	ring_of(&kr, all, 8);
	assert_int_equal(mu_manifest_verify(&m, &kr, 8, &rep, err), 0);
	assert_int_equal(rep.valid, 8);
	mu_keyring_free(&kr);
}

static void test_duplicates_and_bad(void **state)
{
	static const int s0[] = { 0 }, r01[] = { 0, 1 };
	char err[MU_ERR_LEN];
	struct mu_sig_report rep;
	struct mu_manifest m;
	struct mu_keyring kr;

	gen_keys();
	ring_of(&kr, r01, 2);
	/* the same key twice (crafted, since add_sig refuses it) */
	manifest_signed(&m, s0, 1);
	m.sigs[1] = m.sigs[0];
	m.n_sigs = 2;
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), 0);
	assert_int_equal(rep.valid, 1);
	assert_int_equal(rep.duplicate, 1);
	assert_int_equal(rep.sig[1].status, MU_SIG_DUPLICATE);
	assert_int_equal(mu_manifest_verify(&m, &kr, 2, &rep, err), -1);
	assert_string_equal(err, "signatures: 1 valid of 2 needed (0 untrusted, 1 duplicate, 0 bad)");

	/* a bad signature of a trusted key */
	manifest_signed(&m, s0, 1);
	m.sigs[0].sig[5] ^= 0x10;
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), -1);
	assert_int_equal(rep.bad, 1);
	assert_int_equal(rep.sig[0].status, MU_SIG_BAD);
	assert_string_equal(err, "signatures: 0 valid of 1 needed (0 untrusted, 0 duplicate, 1 bad)");

	/* a bad entry does not shadow a later good one of the same key */
	manifest_signed(&m, s0, 1);
	m.sigs[1] = m.sigs[0];
	m.sigs[0].sig[0] ^= 1;
	m.n_sigs = 2;
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), 0);
	assert_int_equal(rep.bad, 1);
	assert_int_equal(rep.valid, 1);
	assert_int_equal(mu_manifest_verify(&m, &kr, 2, &rep, err), -1);

	/* a signature of another body (field changed after signing) */
	manifest_signed(&m, s0, 1);
	m.version++;
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), -1);
	assert_int_equal(rep.bad, 1);
	/* an unknown extension added after signing also breaks it */
	manifest_signed(&m, s0, 1);
	m.ext[0] = 99;
	m.ext[1] = 0;
	m.ext_len = 2;
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), -1);
	/* ... but one present when signing verifies */
	assert_int_equal(mu_manifest_build(&m, "site", 1, 0, 0, 10,
					   (uint8_t[32]){ 0 }, NULL), 0);
	m.ext[0] = 99;
	m.ext[1] = 1;
	m.ext[2] = 7;
	m.ext_len = 3;
	assert_int_equal(mu_manifest_sign(&m, &keys[0], err), 0);
	assert_int_equal(mu_manifest_verify(&m, &kr, 1, &rep, err), 0);
	mu_keyring_free(&kr);
}

static void test_status_str(void **state)
{
	assert_string_equal(mu_sig_status_str(MU_SIG_VALID), "valid");
	assert_string_equal(mu_sig_status_str(MU_SIG_UNTRUSTED), "untrusted");
	assert_string_equal(mu_sig_status_str(MU_SIG_DUPLICATE), "duplicate");
	assert_string_equal(mu_sig_status_str(MU_SIG_BAD), "bad");
}

static int free_keys(void **state)
{
	int i;

	for (i = 0; i < 9; i++)
		mu_key_free(&keys[i]);
	return teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_keys),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_generate_write),
		cmocka_unit_test(test_from_raw),
		cmocka_unit_test(test_vector_signature),
		cmocka_unit_test(test_keyring_dir),
		cmocka_unit_test(test_keyring_add_dup),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_duplicates_and_bad),
		cmocka_unit_test(test_status_str),
	};

	return cmocka_run_group_tests_name("keys", tests, setup, free_keys);
}
