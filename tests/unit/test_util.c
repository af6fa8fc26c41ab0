// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of userspace/lib/util.c: versions, channel names, times,
 * big-endian helpers, hex, atomic files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void test_version_ok(void **state)
{
	char buf[MU_VERSION_STRLEN];
	uint64_t v;

	assert_int_equal(mu_version_parse("1.0.0", &v, NULL), 0);
	assert_true(v == (uint64_t)1 << 48);
	assert_int_equal(mu_version_parse("1.5.99", &v, NULL), 0);
	assert_true(v == ((uint64_t)1 << 48 | (uint64_t)5 << 32 | 99));
	assert_string_equal(mu_version_str(v, buf), "1.5.99");
	assert_int_equal(mu_version_parse("0.0.0", &v, NULL), 0);
	assert_true(v == 0);
	assert_int_equal(mu_version_parse("65535.65535.4294967295", &v, NULL), 0);
	assert_true(v == UINT64_MAX);
	assert_string_equal(mu_version_str(v, buf), "65535.65535.4294967295");
}

static void test_version_bad(void **state)
{
	static const char *const bad[] = {
		"", "1", "1.0", "1.0.0.0", "1..0", ".1.0", "1.0.", "a.b.c",
		"1.0.0 ", " 1.0.0", "-1.0.0", "+1.0.0", "65536.0.0",
		"0.65536.0", "0.0.4294967296", "1.0.0x", "99999999999999999999.0.0",
		"1,0,0", "v1.0.0",
	};
	char err[MU_ERR_LEN];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(mu_version_parse(bad[i], &v, err), -1);
		assert_non_null(strstr(err, "is not X.Y.Z"));
	}
}

static void test_version_order(void **state)
{
	uint64_t a, b;

	assert_int_equal(mu_version_parse("1.5.99", &a, NULL), 0);
	assert_int_equal(mu_version_parse("1.0.0", &b, NULL), 0);
	assert_true(a > b);
	assert_int_equal(mu_version_parse("1.10.0", &a, NULL), 0);
	assert_int_equal(mu_version_parse("1.9.65536", &b, NULL), 0);
	assert_true(a > b);
}

static void test_channel_names(void **state)
{
	char err[MU_ERR_LEN];
	char n33[34];

	assert_int_equal(mu_channel_name_check("site", 4, NULL), 0);
	assert_int_equal(mu_channel_name_check("firmware-tplink-wr841n-v9", 25, NULL), 0);
	assert_int_equal(mu_channel_name_check("a._-09z", 7, NULL), 0);
	assert_int_equal(mu_channel_name_check("a", 1, NULL), 0);
	memset(n33, 'x', 33);
	n33[33] = 0;
	assert_int_equal(mu_channel_name_check(n33, 32, NULL), 0);
	assert_int_equal(mu_channel_name_check(n33, 33, err), -1);
	assert_non_null(strstr(err, "length 33"));
	assert_int_equal(mu_channel_name_check("", 0, err), -1);
	assert_non_null(strstr(err, "length 0"));
	assert_int_equal(mu_channel_name_check("Site", 4, err), -1);
	assert_non_null(strstr(err, "'S' at 0"));
	assert_int_equal(mu_channel_name_check("a/b", 3, err), -1);
	assert_non_null(strstr(err, "'/' at 1"));
	assert_int_equal(mu_channel_name_check("a b", 3, err), -1);
	assert_non_null(strstr(err, "0x20 at 1"));
	assert_int_equal(mu_channel_name_check("a\0b", 3, err), -1);
	assert_non_null(strstr(err, "0x00 at 1"));
	assert_int_equal(mu_channel_name_check("\xc3\xa4", 2, err), -1);
	assert_non_null(strstr(err, "0xc3 at 0"));
}

static void test_time_parse(void **state)
{
	static const struct { const char *s; uint64_t t; } ok[] = {
		{ "0", 0 },
		{ "1800000000", 1800000000 },
		{ "2027-01-15T08:00:00Z", 1800000000 },
		{ "2027-01-15T08:00:00", 1800000000 },
		{ "2027-01-15 08:00:00", 1800000000 },
		{ "2027-01-15T08:00Z", 1800000000 },
		{ "2027-01-15T09:00:00+01:00", 1800000000 },
		{ "2027-01-15T09:00:00+0100", 1800000000 },
		{ "2027-01-15T09:00:00+01", 1800000000 },
		{ "2027-01-15T06:30:00-01:30", 1800000000 },
		{ "1970-01-01", 0 },
		{ "2028-02-29", 1835395200 },
		{ "2030-03-17T17:46:40Z", 1900000000 },
	};
	static const char *const bad[] = {
		"", "abc", "12ab", "2027-1-15", "2027-13-01", "2027-02-29",
		"2027-01-32", "2027-01-15T24:00", "2027-01-15T08:60",
		"2027-01-15T08", "2027-01-15T08:00:00Q", "2027-01-15X",
		"1969-12-31", "-5", "1.5", "99999999999999999999",
		"2027-01-15T08:00:00+25:00",
	};
	char err[MU_ERR_LEN];
	uint64_t t;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(mu_time_parse(ok[i].s, &t, err), 0);
		assert_true(t == ok[i].t);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(mu_time_parse(bad[i], &t, err), -1);
		assert_true(strlen(err) > 0);
	}
}

static void test_be(void **state)
{
	uint8_t buf[17] = { 0 };
	uint8_t *p = buf + 1;	/* deliberately unaligned */

	mu_put_be16(p, 0x1234);
	assert_int_equal(p[0], 0x12);
	assert_int_equal(p[1], 0x34);
	assert_int_equal(mu_get_be16(p), 0x1234);
	mu_put_be32(p, 0xdeadbeef);
	assert_int_equal(p[0], 0xde);
	assert_int_equal(p[3], 0xef);
	assert_true(mu_get_be32(p) == 0xdeadbeef);
	mu_put_be64(p, 0x0102030405060708ULL);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[7], 8);
	assert_true(mu_get_be64(p) == 0x0102030405060708ULL);
	mu_put_be64(p + 8, UINT64_MAX);
	assert_true(mu_get_be64(p + 8) == UINT64_MAX);
}

static void test_hex(void **state)
{
	uint8_t in[4] = { 0x0a, 0x28, 0xff, 0x00 }, out[4];
	char s[9];

	assert_string_equal(mu_hex(in, 4, s), "0a28ff00");
	assert_int_equal(mu_unhex("0A28fF00", out, 4), 0);
	assert_memory_equal(in, out, 4);
	assert_int_equal(mu_unhex("0a28ff0", out, 4), -1);
	assert_int_equal(mu_unhex("0a28ff0g", out, 4), -1);
}

static void test_sha256(void **state)
{
	uint8_t h[32];
	char s[65];

	mu_sha256("abc", 3, h);
	assert_string_equal(mu_hex(h, 32, s),
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_atomic(void **state)
{
	char dir[] = "/tmp/mu-test-util-XXXXXX", path[64], err[MU_ERR_LEN];
	char buf[16];
	struct mu_atomic a;
	struct stat st;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/file", dir);
	assert_int_equal(mu_write_file_atomic(path, "hello", 5, 0600, err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 5);
	/* abort leaves the old content and no temporary file */
	assert_int_equal(mu_atomic_open(&a, path, 0644, err), 0);
	assert_int_equal(mu_write_full(a.fd, "xx", 2, err), 0);
	assert_int_equal(count_entries(dir), 2);
	mu_atomic_abort(&a);
	mu_atomic_abort(&a);
	assert_int_equal(count_entries(dir), 1);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 5);
	fclose(f);
	assert_memory_equal(buf, "hello", 5);
	/* replace */
	assert_int_equal(mu_write_file_atomic(path, "bye", 3, 0644, err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(count_entries(dir), 1);
	/* unwritable place */
	assert_int_equal(mu_write_file_atomic("/nonexistent-dir/x", "a", 1,
					      0644, err), -1);
	assert_non_null(strstr(err, "/nonexistent-dir/x"));
	unlink(path);
	rmdir(dir);
}

static void test_read_full(void **state)
{
	char path[] = "/tmp/mu-test-read-XXXXXX", err[MU_ERR_LEN];
	uint8_t buf[8];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(mu_write_full(fd, "12345", 5, err), 0);
	assert_int_equal(mu_read_full(fd, buf, 5, 0, err), 0);
	assert_memory_equal(buf, "12345", 5);
	assert_int_equal(mu_read_full(fd, buf, 4, 2, err), -1);
	assert_non_null(strstr(err, "unexpected end of file"));
	close(fd);
	unlink(path);
}

static void test_errf(void **state)
{
	char err[MU_ERR_LEN];
	char big[600];

	assert_int_equal(mu_errf(NULL, "x %d", 1), -1);
	assert_int_equal(mu_errf(err, "field %s", "x"), -1);
	assert_string_equal(err, "field x");
	assert_int_equal(mu_errprefix(err, "file.mub"), -1);
	assert_string_equal(err, "file.mub: field x");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	mu_errf(err, "%s", big);
	assert_int_equal(strlen(err), MU_ERR_LEN - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_ok),
		cmocka_unit_test(test_version_bad),
		cmocka_unit_test(test_version_order),
		cmocka_unit_test(test_channel_names),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_be),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_read_full),
		cmocka_unit_test(test_errf),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
