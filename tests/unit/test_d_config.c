// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of meshupd's configuration (PROTOCOL.md section 7): defaults,
 * every key, channel sections, and errors that name the line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"

static void test_defaults(void **state)
{
	struct d_config c;
	char err[MU_ERR_LEN];

	assert_int_equal(d_config_parse_string("", &c, err), 0);
	assert_string_equal(c.state_dir, "/var/lib/meshup");
	assert_string_equal(c.staging_dir, "/run/meshup/staging");
	assert_string_equal(c.keys_dir, "/etc/meshup/keys");
	assert_int_equal(c.threshold, 1);
	assert_string_equal(c.control_socket, "/run/meshup/meshupd.sock");
	assert_int_equal(c.clock, D_CLOCK_AUTO);
	assert_int_equal(c.n_chans, 0);
}

static void test_every_key(void **state)
{
	struct d_config c;
	char err[MU_ERR_LEN];
	const char *txt =
		"; comment\n"
		"[meshupd]\n"
		"state_dir = /s\n"
		"staging_dir = /st\n"
		"keys_dir = /k\n"
		"threshold = 3\n"
		"control_socket = /c.sock   ; inline comment\n"
		"clock = unsynced\n"
		"\n"
		"[channel site]\n"
		"hook = /h/site\n"
		"max_size = 64K\n"
		"[channel firmware-tplink-wr841n-v9]\n"
		"max_size = 8M\n"
		"[channel empty]\n";

	assert_int_equal(d_config_parse_string(txt, &c, err), 0);
	assert_string_equal(c.state_dir, "/s");
	assert_string_equal(c.staging_dir, "/st");
	assert_string_equal(c.keys_dir, "/k");
	assert_int_equal(c.threshold, 3);
	assert_string_equal(c.control_socket, "/c.sock");
	assert_int_equal(c.clock, D_CLOCK_UNSYNCED);
	assert_int_equal(c.n_chans, 3);
	assert_string_equal(c.chans[0].name, "site");
	assert_string_equal(c.chans[0].hook, "/h/site");
	assert_true(c.chans[0].max_size == 64 * 1024);
	/* channel id = SHA256("site")[0..3] (vectors: fbae041b) */
	assert_int_equal(c.chans[0].id[0], 0xfb);
	assert_int_equal(c.chans[0].id[3], 0x1b);
	assert_string_equal(c.chans[1].hook, "/etc/meshup/hooks/firmware-tplink-wr841n-v9");
	assert_true(c.chans[1].max_size == 8 * 1024 * 1024);
	assert_true(c.chans[2].max_size == 1024 * 1024);
	assert_string_equal(c.chans[2].hook, "/etc/meshup/hooks/empty");
	assert_ptr_equal(d_config_find_chan(&c, c.chans[2].id), &c.chans[2]);

	assert_int_equal(d_config_parse_string("[meshupd]\nclock = synced\n", &c, err), 0);
	assert_int_equal(c.clock, D_CLOCK_SYNCED);
	assert_int_equal(d_config_parse_string("[meshupd]\nclock = auto\n", &c, err), 0);
	assert_int_equal(c.clock, D_CLOCK_AUTO);
}

static void expect_error(const char *txt, const char *msg)
{
	struct d_config c;
	char err[MU_ERR_LEN] = "";

	assert_int_equal(d_config_parse_string(txt, &c, err), -1);
	if (!strstr(err, msg))
		fail_msg("error '%s' does not contain '%s'", err, msg);
}

static void test_errors(void **state)
{
	expect_error("[meshupd]\nfoo = 1\n", "config:2: unknown key 'foo' in [meshupd]");
	expect_error("[meshupd]\n\n[bogus]\n", "config:3: unknown section [bogus]");
	expect_error("[meshupd]\nthreshold = 0\n", "config:2: threshold must be 1..8");
	expect_error("[meshupd]\nthreshold = two\n", "config:2: threshold");
	expect_error("[meshupd]\nthreshold = 9\n", "config:2: threshold");
	expect_error("[meshupd]\nclock = maybe\n", "config:2: clock must be auto, synced or unsynced");
	expect_error("[meshupd]\nstate_dir = relative\n", "config:2: state_dir must be an absolute path");
	expect_error("[channel Site]\n", "config:1: bad channel name 'Site'");
	expect_error("[channel a/b]\n", "config:1: bad channel name");
	expect_error("[channel 0123456789012345678901234567890123]\n", "config:1: bad channel name");
	expect_error("[channel x]\nmax_size = 0\n", "config:2: max_size");
	expect_error("[channel x]\nmax_size = 1G\n", "config:2: max_size");
	expect_error("[channel x]\nmax_size = -5\n", "config:2: max_size");
	expect_error("[channel x]\ncolour = red\n", "config:2: unknown key 'colour' in [channel x]");
	expect_error("[channel x]\n[channel x]\n", "config:2: duplicate section [channel x]");
	expect_error("[meshupd]\nthreshold = 1\nthreshold = 2\n", "config:3: duplicate key 'threshold'");
	expect_error("stray = 1\n", "config:1: key 'stray' outside of any section");
	expect_error("[meshupd]\njunk line\n", "config:2:");
	expect_error("[meshupd\n", "config:1: section header without ']'");
	expect_error("[channel]\n", "config:1: unknown section [channel]");
}

static void test_sizes(void **state)
{
	uint64_t v;

	assert_int_equal(d_parse_size("1", &v), 0);
	assert_true(v == 1);
	assert_int_equal(d_parse_size("1K", &v), 0);
	assert_true(v == 1024);
	assert_int_equal(d_parse_size("3M", &v), 0);
	assert_true(v == 3 * 1024 * 1024);
	assert_int_equal(d_parse_size("", &v), -1);
	assert_int_equal(d_parse_size("K", &v), -1);
	assert_int_equal(d_parse_size("1KB", &v), -1);
	assert_int_equal(d_parse_size("0", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
