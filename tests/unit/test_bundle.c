// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of userspace/lib/bundle.c: every rule of PROTOCOL.md 2.1,
 * every rejection message, the vectors, bundle files.
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

#include "bundle.h"
#include "merkle.h"

static const char *vectors_dir(void)
{
	const char *d = getenv("MESHUP_VECTORS");

	return d ? d : "../shared/spec/vectors";
}

static size_t read_vector(const char *name, uint8_t *buf, size_t cap)
{
	char path[512];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", vectors_dir(), name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* A valid manifest with @n_sigs fake signatures, serialized into @buf. */
static size_t make(struct mu_manifest *m, uint8_t *buf, unsigned int n_sigs)
{
	uint8_t root[32], id[8], sig[64];
	size_t len;
	unsigned int i;

	memset(root, 0xab, sizeof(root));
	assert_int_equal(mu_manifest_build(m, "site", 0x0001000000000005ULL,
					   100, 200, 5000, root, NULL), 0);
	for (i = 0; i < n_sigs; i++) {
		memset(id, (int)i + 1, sizeof(id));
		memset(sig, (int)i + 0x40, sizeof(sig));
		assert_int_equal(mu_manifest_add_sig(m, id, sig, NULL), 0);
	}
	if (!n_sigs)	/* a body being built: nothing to serialize yet */
		return 0;
	assert_int_equal(mu_manifest_serialize(m, buf, MU_MANIFEST_MAX, &len,
					       NULL), 0);
	return len;
}

/* parse must fail with a message containing @want */
static void expect_reject(const uint8_t *buf, size_t len, const char *want)
{
	struct mu_manifest m;
	char err[MU_ERR_LEN] = "";
	size_t used;

	assert_int_equal(mu_manifest_parse(&m, buf, len, &used, err), -1);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
	assert_int_equal(strncmp(err, "manifest: ", 10), 0);
}

static void test_vectors(void **state)
{
	static const struct {
		const char *file, *digest, *name;
		size_t mlen, body;
		uint64_t version, start, end, size;
		unsigned int n_sigs;
		uint8_t chan[4];
	} v[] = {
		{ "site-1.0.0.mub",
		  "14c08bb140c2b8d87c2f3b36783d82f6b8f46f81b579d9385f7d454643595f09",
		  "site", 152, 79, 1ULL << 48, 0, 0, 1025, 1,
		  { 0xfb, 0xae, 0x04, 0x1b } },
		{ "fw-1.5.99.mub",
		  "a30f3f0c3c386661e426a4578e0a84daeb7811ed7bf30c5555effeae68569ce5",
		  "firmware-x86", 232, 87, 1ULL << 48 | 5ULL << 32 | 99,
		  1800000000, 1900000000, 33892, 2, { 0x7a, 0x65, 0x9e, 0x12 } },
	};
	static uint8_t buf[40000];
	uint8_t out[MU_MANIFEST_MAX], d[32], id[4];
	char err[MU_ERR_LEN], hex[65];
	struct mu_manifest m;
	size_t n, used, len, i;

	for (i = 0; i < 2; i++) {
		n = read_vector(v[i].file, buf, sizeof(buf));
		assert_int_equal(n, v[i].mlen + v[i].size);
		assert_int_equal(mu_manifest_parse(&m, buf, n, &used, err), 0);
		assert_int_equal(used, v[i].mlen);
		assert_int_equal(mu_manifest_body_len(&m), v[i].body);
		assert_int_equal(mu_manifest_len(&m), v[i].mlen);
		assert_string_equal(m.name, v[i].name);
		assert_true(m.version == v[i].version);
		assert_true(m.start_time == v[i].start);
		assert_true(m.end_time == v[i].end);
		assert_true(m.payload_size == v[i].size);
		assert_int_equal(m.n_sigs, v[i].n_sigs);
		assert_int_equal(m.ext_len, 0);
		assert_int_equal(mu_manifest_digest(&m, d, err), 0);
		assert_string_equal(mu_hex(d, 32, hex), v[i].digest);
		mu_manifest_channel_id(&m, id);
		assert_memory_equal(id, v[i].chan, 4);
		/* serialize gives back the exact bytes */
		assert_int_equal(mu_manifest_serialize(&m, out, sizeof(out), &len,
						       err), 0);
		assert_int_equal(len, used);
		assert_memory_equal(out, buf, len);
		/* exactly the manifest, as on the wire */
		assert_int_equal(mu_manifest_parse(&m, buf, used, NULL, err), 0);
		/* and every shorter prefix is rejected */
		for (len = 0; len < used; len++)
			expect_reject(buf, len, "truncated");
	}
}

static void test_channel_id(void **state)
{
	uint8_t id[4];

	mu_channel_id("firmware-x86", 12, id);
	assert_int_equal(mu_get_be32(id), 0x7a659e12);
}

static void test_roundtrip(void **state)
{
	uint8_t buf[MU_MANIFEST_MAX], buf2[MU_MANIFEST_MAX];
	struct mu_manifest m, m2;
	size_t len, len2, used;
	unsigned int s;

	for (s = 1; s <= 8; s++) {
		len = make(&m, buf, s);
		assert_int_equal(len, 79 + 1 + 72 * s);
		assert_int_equal(mu_manifest_parse(&m2, buf, len, &used, NULL), 0);
		assert_int_equal(used, len);
		assert_int_equal(mu_manifest_serialize(&m2, buf2, sizeof(buf2),
						       &len2, NULL), 0);
		assert_int_equal(len2, len);
		assert_memory_equal(buf, buf2, len);
		assert_true(m2.version == 0x0001000000000005ULL);
		assert_true(m2.start_time == 100 && m2.end_time == 200);
		assert_true(m2.payload_size == 5000);
	}
	/* big-endian layout, field by field */
	len = make(&m, buf, 1);
	assert_memory_equal(buf, "MUPM", 4);
	assert_int_equal(buf[4], 1);
	assert_int_equal(buf[5], 1);
	assert_int_equal(mu_get_be16(buf + 6), 79);
	assert_true(mu_get_be64(buf + 8) == 0x0001000000000005ULL);
	assert_int_equal(buf[15], 5);
	assert_true(mu_get_be64(buf + 16) == 100);
	assert_true(mu_get_be64(buf + 24) == 200);
	assert_true(mu_get_be64(buf + 32) == 5000);
	assert_int_equal(buf[40], 0xab);
	assert_int_equal(buf[72], 4);
	assert_memory_equal(buf + 73, "site", 4);
	assert_int_equal(mu_get_be16(buf + 77), 0);
	assert_int_equal(buf[79], 1);
	assert_int_equal(buf[80], 1);	/* key id */
	assert_int_equal(buf[88], 0x40);	/* signature */
}

static void test_reject_header(void **state)
{
	uint8_t buf[MU_MANIFEST_MAX];
	struct mu_manifest m;
	size_t len = make(&m, buf, 1);

	buf[0] = 'X';
	expect_reject(buf, len, "bad magic");
	buf[0] = 'M';
	buf[4] = 2;
	expect_reject(buf, len, "format 2 is not supported");
	buf[4] = 0;
	expect_reject(buf, len, "format 0 is not supported");
	buf[4] = 1;
	buf[5] = 2;
	expect_reject(buf, len, "signature algorithm 2 is not supported");
	buf[5] = 1;
	/* body_len disagreeing with the lengths */
	mu_put_be16(buf + 6, 80);
	expect_reject(buf, len, "body_len 80 disagrees with 75 + name_len 4 + ext_len 0 = 79");
	mu_put_be16(buf + 6, 78);
	expect_reject(buf, len, "body_len 78 disagrees");
	mu_put_be16(buf + 6, 1024);
	expect_reject(buf, len, "body_len 1024 leaves no room for a signature");
	mu_put_be16(buf + 6, 0xffff);
	expect_reject(buf, len, "body_len 65535 leaves no room");
	mu_put_be16(buf + 6, 79);
	/* and a good one still parses */
	assert_int_equal(mu_manifest_parse(&m, buf, len, NULL, NULL), 0);
}

static void test_reject_name(void **state)
{
	uint8_t buf[MU_MANIFEST_MAX];
	struct mu_manifest m;
	size_t len = make(&m, buf, 1);

	buf[73] = 'S';
	expect_reject(buf, len, "channel name has character 'S' at 0");
	buf[73] = '/';
	expect_reject(buf, len, "'/' at 0");
	buf[73] = 0;
	expect_reject(buf, len, "byte 0x00 at 0");
	buf[73] = 0xff;
	expect_reject(buf, len, "byte 0xff at 0");
	buf[73] = 's';
	buf[72] = 0;
	expect_reject(buf, len, "name_len 0 is not 1..32");
	buf[72] = 33;
	expect_reject(buf, len, "name_len 33 is not 1..32");
	buf[72] = 255;
	expect_reject(buf, len, "name_len 255 is not 1..32");
	/* name_len 3 + ext_len 1 is consistent with body_len but the ext is
	 * then the byte 'e' + high byte of ext_len... */
	buf[72] = 5;	/* body_len now disagrees */
	expect_reject(buf, len, "body_len 79 disagrees");
}

static void test_name_lengths(void **state)
{
	uint8_t buf[MU_MANIFEST_MAX], root[32] = { 0 };
	char name[40], err[MU_ERR_LEN];
	struct mu_manifest m, m2;
	uint8_t id[8] = { 0 }, sig[64] = { 0 };
	size_t len;

	memset(name, 'n', sizeof(name));
	name[32] = 0;
	assert_int_equal(mu_manifest_build(&m, name, 1, 0, 0, 1, root, err), 0);
	assert_int_equal(mu_manifest_add_sig(&m, id, sig, err), 0);
	assert_int_equal(mu_manifest_serialize(&m, buf, sizeof(buf), &len, err), 0);
	assert_int_equal(len, 75 + 32 + 73);
	assert_int_equal(mu_manifest_parse(&m2, buf, len, NULL, err), 0);
	assert_string_equal(m2.name, name);
	name[32] = 'n';
	name[33] = 0;
	assert_int_equal(mu_manifest_build(&m, name, 1, 0, 0, 1, root, err), -1);
	assert_non_null(strstr(err, "channel name length 33"));
	assert_int_equal(mu_manifest_build(&m, "", 1, 0, 0, 1, root, err), -1);
	assert_non_null(strstr(err, "channel name length 0"));
	assert_int_equal(mu_manifest_build(&m, "a", 1, 0, 0, 1, root, err), 0);
	assert_int_equal(mu_manifest_build(&m, "A", 1, 0, 0, 1, root, err), -1);
}

static void test_reject_times_sizes(void **state)
{
	uint8_t buf[MU_MANIFEST_MAX], root[32] = { 0 };
	char err[MU_ERR_LEN];
	struct mu_manifest m;
	size_t len = make(&m, buf, 1);

	mu_put_be64(buf + 24, 100);	/* end == start */
	expect_reject(buf, len, "end_time 100 is not after start_time 100");
	mu_put_be64(buf + 24, 99);
	expect_reject(buf, len, "end_time 99 is not after start_time 100");
	mu_put_be64(buf + 24, 101);
	assert_int_equal(mu_manifest_parse(&m, buf, len, NULL, NULL), 0);
	mu_put_be64(buf + 24, 0);	/* stable, any start */
	mu_put_be64(buf + 16, UINT64_MAX);
	assert_int_equal(mu_manifest_parse(&m, buf, len, NULL, NULL), 0);
	mu_put_be64(buf + 16, 0);
	mu_put_be64(buf + 32, 0);
	expect_reject(buf, len, "payload_size is 0");
	mu_put_be64(buf + 32, MU_PAYLOAD_MAX + 1);
	expect_reject(buf, len, "payload_size");
	mu_put_be64(buf + 32, 1);
	assert_int_equal(mu_manifest_parse(&m, buf, len, NULL, NULL), 0);

	assert_int_equal(mu_manifest_build(&m, "x", 1, 1800, 1700, 1, root, err), -1);
	assert_string_equal(err, "manifest: end_time 1700 is not after start_time 1800");
	assert_int_equal(mu_manifest_build(&m, "x", 1, 1800, 1800, 1, root, err), -1);
	assert_int_equal(mu_manifest_build(&m, "x", 1, 0, 1, 1, root, err), 0);
	assert_int_equal(mu_manifest_build(&m, "x", 1, 5, 0, 1, root, err), 0);
	assert_int_equal(mu_manifest_build(&m, "x", 1, 0, 0, 0, root, err), -1);
	assert_non_null(strstr(err, "payload_size is 0"));
}

static void test_reject_sigs(void **state)
{
	uint8_t buf[MU_MANIFEST_MAX + 100];
	struct mu_manifest m;
	size_t len = make(&m, buf, 1);

	buf[79] = 0;
	expect_reject(buf, len, "n_sigs 0 is not 1..8");
	buf[79] = 9;
	expect_reject(buf, sizeof(buf), "n_sigs 9 is not 1..8");
	buf[79] = 2;	/* claims 2, holds 1 */
	expect_reject(buf, len, "truncated at signatures");
	buf[79] = 1;
	assert_int_equal(mu_manifest_parse(&m, buf, len, NULL, NULL), 0);
}

static void test_trailing(void **state)
{
	uint8_t buf[MU_MANIFEST_MAX + 10];
	char err[MU_ERR_LEN];
	struct mu_manifest m;
	size_t len = make(&m, buf, 1), used;

	memset(buf + len, 0x55, 10);
	assert_int_equal(mu_manifest_parse(&m, buf, len + 3, NULL, err), -1);
	assert_string_equal(err, "manifest: 3 bytes of trailing data after the signatures");
	assert_int_equal(mu_manifest_parse(&m, buf, len + 3, &used, err), 0);
	assert_int_equal(used, len);
}

static void test_total_limit(void **state)
{
	uint8_t buf[2048];
	char err[MU_ERR_LEN];
	struct mu_manifest m;
	size_t len, body, used;
	uint8_t id[8], sig[64] = { 0 };
	int i;

	/* a body with an extension area so big that 8 sigs exceed 1024 */
	len = make(&m, buf, 1);
	m.ext_len = 400;
	memset(m.ext, 0, sizeof(m.ext));
	m.ext[0] = 200;		/* type 200 len 255 */
	m.ext[1] = 255;
	m.ext[257] = 201;	/* type 201 len 141 */
	m.ext[258] = 141;
	assert_int_equal(mu_manifest_check(&m, err), 0);
	for (i = 2; i <= 8; i++) {
		memset(id, 0x10 + i, 8);
		if (mu_manifest_add_sig(&m, id, sig, err))
			break;
	}
	/* 79 + 400 + 1 + 72 * 7 = 984; the 8th would be 1056 */
	assert_int_equal(m.n_sigs, 7);
	assert_non_null(strstr(err, "longer than 1024 bytes"));
	assert_int_equal(mu_manifest_serialize(&m, buf, sizeof(buf), &len, err), 0);
	assert_int_equal(len, 984);
	assert_int_equal(mu_manifest_parse(&m, buf, len, &used, err), 0);
	/* claim 8 signatures and provide the bytes: over 1024 */
	body = mu_manifest_body_len(&m);
	buf[body] = 8;
	memset(buf + len, 0x77, 72);
	expect_reject(buf, len + 72, "length 1056 (body_len 479, 8 signatures) exceeds 1024 bytes");
	/* an ext area that leaves no room even for one signature */
	m.n_sigs = 1;
	m.ext_len = MU_EXT_MAX;
	assert_int_equal(mu_manifest_check_body(&m, err), -1);
	assert_non_null(strstr(err, "leaves no room for a signature"));
}

static void test_extensions(void **state)
{
	/* unknown TLVs are accepted and kept byte-exact */
	static const uint8_t ext[] = {
		0x01, 0x03, 'a', 'b', 'c',	/* type 1 */
		0xfe, 0x00,			/* type 254, empty */
		0x7f, 0x02, 0x00, 0xff,		/* type 127 */
	};
	uint8_t buf[MU_MANIFEST_MAX], out[MU_MANIFEST_MAX], d1[32], d2[32];
	char err[MU_ERR_LEN];
	struct mu_manifest m, m2;
	size_t len, len2, off = 0;
	const uint8_t *val;
	uint8_t type, vlen;

	make(&m, buf, 0);
	memcpy(m.ext, ext, sizeof(ext));
	m.ext_len = sizeof(ext);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(mu_manifest_add_sig(&m, (uint8_t *)"12345678",
					     buf, err), 0);
	assert_int_equal(mu_manifest_serialize(&m, buf, sizeof(buf), &len, err), 0);
	assert_int_equal(mu_get_be16(buf + 6), 79 + sizeof(ext));
	assert_int_equal(mu_manifest_parse(&m2, buf, len, NULL, err), 0);
	assert_int_equal(m2.ext_len, sizeof(ext));
	assert_memory_equal(m2.ext, ext, sizeof(ext));
	assert_int_equal(mu_manifest_serialize(&m2, out, sizeof(out), &len2, err), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(out, buf, len);
	assert_int_equal(mu_manifest_digest(&m, d1, err), 0);
	assert_int_equal(mu_manifest_digest(&m2, d2, err), 0);
	assert_memory_equal(d1, d2, 32);
	/* iteration */
	assert_int_equal(mu_ext_next(m2.ext, m2.ext_len, &off, &type, &vlen, &val), 1);
	assert_int_equal(type, 1);
	assert_int_equal(vlen, 3);
	assert_memory_equal(val, "abc", 3);
	assert_int_equal(mu_ext_next(m2.ext, m2.ext_len, &off, &type, &vlen, &val), 1);
	assert_int_equal(type, 0xfe);
	assert_int_equal(vlen, 0);
	assert_int_equal(mu_ext_next(m2.ext, m2.ext_len, &off, &type, &vlen, &val), 1);
	assert_int_equal(type, 0x7f);
	assert_int_equal(mu_ext_next(m2.ext, m2.ext_len, &off, &type, &vlen, &val), 0);

	/* malformed: a TLV running past ext_len */
	buf[79 + 1] = 5;	/* type 1 swallows the next TLV: still valid */
	assert_int_equal(mu_manifest_parse(&m2, buf, len, NULL, err), 0);
	buf[79 + 1] = 11;	/* runs past the area */
	expect_reject(buf, len, "extension TLV type 1 at offset 0 has len 11, only 9 bytes left of ext_len 11");
	buf[79 + 1] = 3;
	buf[79 + 8] = 3;	/* last TLV (type 127) claims 3, has 2 */
	expect_reject(buf, len, "extension TLV type 127 at offset 7 has len 3");
	buf[79 + 8] = 2;
	/* one lone byte at the end of the area */
	m.ext_len = sizeof(ext) + 1;
	m.ext[sizeof(ext)] = 9;
	assert_int_equal(mu_manifest_check(&m, err), -1);
	assert_non_null(strstr(err, "cut short"));
	assert_int_equal(mu_manifest_serialize(&m, out, sizeof(out), &len2, err), -1);
}

static void test_add_sig(void **state)
{
	uint8_t buf[MU_MANIFEST_MAX], id[8], sig[64] = { 0 };
	char err[MU_ERR_LEN];
	struct mu_manifest m;

	make(&m, buf, 8);
	memset(id, 0x55, 8);
	assert_int_equal(mu_manifest_add_sig(&m, id, sig, err), -1);
	assert_non_null(strstr(err, "already 8"));
	make(&m, buf, 2);
	memset(id, 2, 8);	/* the second fake signer */
	assert_int_equal(mu_manifest_add_sig(&m, id, sig, err), -1);
	assert_string_equal(err, "signatures: key 0202020202020202 already signed");
	assert_int_equal(m.n_sigs, 2);
	/* serialize refuses a manifest without signatures */
	make(&m, buf, 0);
	assert_int_equal(mu_manifest_serialize(&m, buf, sizeof(buf), &(size_t){ 0 },
					       err), -1);
	assert_non_null(strstr(err, "n_sigs 0"));
	assert_int_equal(mu_manifest_digest(&m, buf, err), -1);
	/* but the body can be written for signing */
	assert_int_equal(mu_manifest_write_body(&m, buf, sizeof(buf),
						&(size_t){ 0 }, err), 0);
	assert_int_equal(mu_manifest_write_body(&m, buf, 10, &(size_t){ 0 }, err), -1);
	assert_non_null(strstr(err, "too small"));
}

static void test_struct_checks(void **state)
{
	uint8_t buf[MU_MANIFEST_MAX];
	char err[MU_ERR_LEN];
	struct mu_manifest m;

	make(&m, buf, 1);
	m.format = 3;
	assert_int_equal(mu_manifest_check(&m, err), -1);
	assert_non_null(strstr(err, "format 3"));
	make(&m, buf, 1);
	m.alg = 7;
	assert_int_equal(mu_manifest_check(&m, err), -1);
	assert_non_null(strstr(err, "algorithm 7"));
	make(&m, buf, 1);
	m.n_sigs = 9;
	assert_int_equal(mu_manifest_check(&m, err), -1);
	assert_non_null(strstr(err, "n_sigs 9"));
	make(&m, buf, 1);
	m.name[1] = '#';
	assert_int_equal(mu_manifest_check(&m, err), -1);
	assert_non_null(strstr(err, "'#' at 1"));
}

/* Bundle files: exact size, root, truncation, trailing data. */
static int tmpfile_with(const uint8_t *a, size_t alen, const uint8_t *b,
			size_t blen)
{
	char path[] = "/tmp/mu-test-bundle-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(mu_write_full(fd, a, alen, NULL), 0);
	if (blen)
		assert_int_equal(mu_write_full(fd, b, blen, NULL), 0);
	return fd;
}

static void test_bundle_files(void **state)
{
	static uint8_t buf[40000], out[40000];
	char err[MU_ERR_LEN];
	struct mu_manifest m;
	size_t n = read_vector("fw-1.5.99.mub", buf, sizeof(buf));
	off_t off;
	int fd, fd2;

	fd = tmpfile_with(buf, n, NULL, 0);
	assert_int_equal(mu_bundle_read_manifest(fd, &m, &off, err), 0);
	assert_int_equal(off, 232);
	assert_int_equal(mu_bundle_check(fd, &m, &off, err), 0);
	/* rewrite: identical */
	fd2 = tmpfile_with(buf, 0, NULL, 0);
	assert_int_equal(mu_bundle_write(fd2, &m, fd, off, err), 0);
	assert_int_equal(mu_read_full(fd2, out, n, 0, err), 0);
	assert_memory_equal(out, buf, n);
	close(fd2);
	/* payload source too short */
	fd2 = tmpfile_with(buf, 0, NULL, 0);
	assert_int_equal(mu_bundle_write(fd2, &m, fd, off + 1, err), -1);
	assert_non_null(strstr(err, "payload: truncated, 33891 of payload_size 33892"));
	close(fd2);
	close(fd);

	fd = tmpfile_with(buf, n - 1, NULL, 0);
	assert_int_equal(mu_bundle_read_manifest(fd, &m, &off, err), -1);
	assert_string_equal(err, "payload: truncated, 33891 of payload_size 33892 bytes");
	close(fd);
	fd = tmpfile_with(buf, n, (const uint8_t *)"xy", 2);
	assert_int_equal(mu_bundle_check(fd, &m, &off, err), -1);
	assert_string_equal(err, "payload: 2 bytes of trailing data after payload_size 33892");
	close(fd);
	buf[n - 5] ^= 0x20;
	fd = tmpfile_with(buf, n, NULL, 0);
	assert_int_equal(mu_bundle_read_manifest(fd, &m, &off, err), 0);
	assert_int_equal(mu_bundle_check(fd, &m, &off, err), -1);
	assert_string_equal(err, "payload: Merkle root does not match the manifest");
	close(fd);
	buf[n - 5] ^= 0x20;
	/* only a bit of a manifest */
	fd = tmpfile_with(buf, 100, NULL, 0);
	assert_int_equal(mu_bundle_check(fd, &m, &off, err), -1);
	assert_non_null(strstr(err, "manifest: truncated"));
	close(fd);
	/* an empty file */
	fd = tmpfile_with(buf, 0, NULL, 0);
	assert_int_equal(mu_bundle_check(fd, &m, &off, err), -1);
	assert_non_null(strstr(err, "manifest: truncated at magic"));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_channel_id),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_reject_header),
		cmocka_unit_test(test_reject_name),
		cmocka_unit_test(test_name_lengths),
		cmocka_unit_test(test_reject_times_sizes),
		cmocka_unit_test(test_reject_sigs),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_total_limit),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_add_sig),
		cmocka_unit_test(test_struct_checks),
		cmocka_unit_test(test_bundle_files),
	};

	return cmocka_run_group_tests_name("bundle", tests, NULL, NULL);
}
