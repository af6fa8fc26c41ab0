// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of meshupd's store (store.c): install writes exactly the
 * payload, the manifest and a state record; recovery at start removes our
 * temp files, moves truncated or corrupt bundles and a corrupt state record
 * aside (*.corrupt), leaves files that are not ours and bundles that no
 * longer verify alone, and keeps what is valid. Uses the test vectors in ../shared/spec/vectors
 * (found from MESHUP_TOP or the current directory, the repo root).
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
#include <sys/stat.h>
#include <sys/wait.h>

#include "meshupd.h"
#include "log.h"

static char tmp[256], vec[4096];

static void path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/state/%s", tmp, name);
}

static bool exists(const char *name)
{
	char p[512];
	struct stat st;

	path(p, sizeof(p), name);
	return stat(p, &st) == 0;
}

static int setup(void **state)
{
	char conf[2048], err[MU_ERR_LEN];
	const char *top = getenv("MESHUP_TOP"), *v = getenv("MESHUP_VECTORS");

	if (v)
		snprintf(vec, sizeof(vec), "%s", v);
	else
		snprintf(vec, sizeof(vec), "%s/../shared/spec/vectors", top ? top : ".");
	snprintf(tmp, sizeof(tmp), "/tmp/test_d_store.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(conf, sizeof(conf),
		 "[meshupd]\nstate_dir = %s/state\nstaging_dir = %s/staging\n"
		 "clock = unsynced\n[channel site]\nhook = /bin/true\n"
		 "[channel firmware-x86]\nhook = /bin/true\n", tmp, tmp);
	memset(&D, 0, sizeof(D));
	assert_int_equal(d_config_parse_string(conf, &D.cfg, err), 0);
	for (int i = 0; i < D.cfg.n_chans; i++) {
		D.chans[i].cfg = &D.cfg.chans[i];
		D.chans[i].hook_status = -1;
	}
	mu_keyring_init(&D.keys);
	if (mu_keyring_load_dir(&D.keys, vec, err))
		fail_msg("%s", err);
	d_log_init(1, 0);
	assert_int_equal(d_store_init(err), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	for (int i = 0; i < D.cfg.n_chans; i++)
		for (int k = 0; k < D_HELD_MAX; k++)
			d_held_free(&D.chans[i].held[k]);
	mu_keyring_free(&D.keys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd);
}

static int inject(const char *file)
{
	char p[4200], err[MU_ERR_LEN];
	struct mu_manifest m;
	uint8_t mraw[MU_MANIFEST_MAX], dg[32];
	off_t poff;
	int fd, c, r;

	snprintf(p, sizeof(p), "%s/%s", vec, file);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(mu_bundle_check(fd, &m, &poff, err), 0);
	assert_int_equal(mu_read_full(fd, mraw, (size_t)poff, 0, err), 0);
	mu_sha256(mraw, (size_t)poff, dg);
	c = d_check_manifest(&m, dg, err);
	r = c < 0 ? -1 : d_store_install(c, mraw, (size_t)poff, fd, poff, NULL, err);
	close(fd);
	return r;
}

static void reset_memory(void)
{
	for (int i = 0; i < D.cfg.n_chans; i++) {
		for (int k = 0; k < D_HELD_MAX; k++)
			d_held_free(&D.chans[i].held[k]);
		D.chans[i].have_applied = false;
		D.chans[i].applied_version_known = false;
		D.chans[i].hook_pid = 0;
	}
}

#define SITE "14c08bb140c2b8d87c2f3b36783d82f6b8f46f81b579d9385f7d454643595f09"
#define FW "a30f3f0c3c386661e426a4578e0a84daeb7811ed7bf30c5555effeae68569ce5"

static void test_install_and_recover(void **state)
{
	char p[512], err[MU_ERR_LEN];
	struct stat st;
	int fd;

	assert_int_equal(inject("site-1.0.0.mub"), 0);
	assert_int_equal(inject("fw-1.5.99.mub"), 0);
	/* a second time: refused */
	assert_int_equal(inject("site-1.0.0.mub"), -1);
	assert_true(exists(SITE ".payload"));
	assert_true(exists(SITE ".manifest"));
	assert_true(exists("site.state"));
	/* bytes written: bundle + state records, well under bundle + 8 KiB */
	assert_true(D.store_bytes <= (1025 + 152) + (33892 + 232) + 2 * 8192);
	assert_true(D.store_bytes >= (1025 + 152) + (33892 + 232));

	/* damage: a temp file, a truncated fw payload, a corrupt state record */
	reset_memory();
	path(p, sizeof(p), SITE ".payload.tmp.AbCdEf");
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "xx", 2), 2);
	close(fd);
	path(p, sizeof(p), FW ".payload");
	assert_int_equal(truncate(p, 1000), 0);
	assert_int_equal(mu_write_file_atomic(strcat(strcpy(p, tmp), "/state/site.state"),
					      "garbage\n", 8, 0644, err), 0);
	/* an orphan payload */
	path(p, sizeof(p), "0000000000000000000000000000000000000000000000000000000000000000.payload");
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	close(fd);

	/* stray files that are not ours, one looking like a temp file */
	path(p, sizeof(p), "notes.txt");
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	close(fd);
	path(p, sizeof(p), "notes.tmp.x");
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	close(fd);

	assert_int_equal(d_store_load(), 0);
	assert_false(exists(SITE ".payload.tmp.AbCdEf"));
	assert_false(exists("0000000000000000000000000000000000000000000000000000000000000000.payload"));
	/* the damaged fw bundle is moved aside, not loaded, not deleted */
	assert_false(exists(FW ".payload"));
	assert_false(exists(FW ".manifest"));
	assert_true(exists(FW ".payload.corrupt"));
	assert_true(exists(FW ".manifest.corrupt"));
	assert_true(exists("notes.txt"));
	assert_true(exists("notes.tmp.x"));
	/* the corrupt record is kept aside; a fresh one names what is held */
	assert_true(exists("site.state.corrupt"));
	assert_true(exists("site.state"));
	{
		char buf[1024] = "";
		FILE *f;

		path(p, sizeof(p), "site.state");
		f = fopen(p, "r");
		assert_non_null(f);
		assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
		fclose(f);
		assert_non_null(strstr(buf, "newest " SITE "\n"));
		assert_non_null(strstr(buf, "applied -\n"));
		path(p, sizeof(p), "firmware-x86.state");
		f = fopen(p, "r");
		assert_non_null(f);
		memset(buf, 0, sizeof(buf));
		assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
		fclose(f);
		assert_non_null(strstr(buf, "newest -\n"));
	}
	assert_true(exists(SITE ".payload"));
	assert_true(D.chans[0].held[0].used || D.chans[0].held[1].used);
	assert_non_null(d_find_held(D.chans[0].held[0].used ? D.chans[0].held[0].key :
				    D.chans[0].held[1].key));
	for (int k = 0; k < D_HELD_MAX; k++)
		assert_false(D.chans[1].held[k].used);
	/* corrupt state record: no applied bundle, the hook will run again */
	assert_false(D.chans[0].have_applied);

	/* a corrupt manifest (digest no longer matches the name) is dropped */
	reset_memory();
	path(p, sizeof(p), SITE ".manifest");
	fd = open(p, O_WRONLY);
	assert_int_equal(pwrite(fd, "X", 1, 20), 1);
	close(fd);
	assert_int_equal(d_store_load(), 0);
	assert_false(exists(SITE ".manifest"));
	assert_false(exists(SITE ".payload"));
	assert_true(exists(SITE ".manifest.corrupt"));
	assert_true(exists(SITE ".payload.corrupt"));
	for (int k = 0; k < D_HELD_MAX; k++)
		assert_false(D.chans[0].held[k].used);
	assert_int_equal(stat(tmp, &st), 0);
}

/* A bundle whose signatures no longer verify (keys changed) is not damage:
 * it is not loaded, and its files stay where they are. */
static void test_untrusted_left_alone(void **state)
{
	assert_int_equal(inject("site-1.0.0.mub"), 0);
	reset_memory();
	mu_keyring_free(&D.keys);
	mu_keyring_init(&D.keys);
	assert_int_equal(d_store_load(), 0);
	for (int k = 0; k < D_HELD_MAX; k++)
		assert_false(D.chans[0].held[k].used);
	assert_true(exists(SITE ".manifest"));
	assert_true(exists(SITE ".payload"));
	assert_false(exists(SITE ".payload.corrupt"));
}

static void write_record(const char *chan, const char *body)
{
	char p[512], buf[1024], err[MU_ERR_LEN];
	int len = snprintf(buf, sizeof(buf), "meshup-state 1\nchannel %s\n%s", chan, body);

	path(p, sizeof(p), chan);
	strcat(p, ".state");
	assert_int_equal(mu_write_file_atomic(p, buf, (size_t)len, 0644, err), 0);
}

static bool record_has(const char *chan, const char *line)
{
	char p[512], buf[1024] = "";
	FILE *f;

	path(p, sizeof(p), chan);
	strcat(p, ".state");
	f = fopen(p, "r");
	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	return strstr(buf, line) != NULL;
}

/* A restart that finds site's record as @body says. */
static void restart_with(const char *body)
{
	reset_memory();
	write_record("site", body);
	assert_int_equal(d_store_load(), 0);
}

/* The hook runs for site now, as a revert or not, and ends. */
static void hook_runs(bool revert)
{
	struct d_chan *c = &D.chans[0];

	d_activate_eval(0);
	assert_true(c->hook_pid > 0);
	assert_int_equal(c->hook_revert, revert);
	waitpid(c->hook_pid, NULL, 0);
}

/* The record keeps the version of the applied bundle, so that falling back
 * from one that is gone (damaged, moved aside) runs the hook as a revert. */
static void test_applied_version(void **state)
{
	struct d_chan *c = &D.chans[0];

	assert_int_equal(inject("site-1.0.0.mub"), 0);

	/* a record from before applied_version: taken from the held bundle */
	restart_with("applied " SITE "\nhook_status 0\n");
	assert_true(c->have_applied);
	assert_true(c->applied_version_known);
	assert_int_equal(c->applied_version, 1ull << 48);
	assert_true(record_has("site", "applied_version 1.0.0\n"));
	/* same bundle: nothing to run */
	d_activate_eval(0);
	assert_int_equal(c->hook_pid, 0);

	/* 2.0.0 was applied and is gone: 1.0.0 takes over as a revert */
	restart_with("applied " FW "\napplied_version 2.0.0\nhook_status 0\n");
	assert_true(c->applied_version_known);
	assert_int_equal(c->applied_version, 2ull << 48);
	hook_runs(true);
	assert_int_equal(c->hook_version, 1ull << 48);

	/* 0.9.0 was applied and is gone: 1.0.0 is newer, an activation */
	restart_with("applied " FW "\napplied_version 0.9.0\nhook_status 0\n");
	hook_runs(false);

	/* unknown and gone (an old record): an activation, as before */
	restart_with("applied " FW "\nhook_status 0\n");
	assert_false(c->applied_version_known);
	hook_runs(false);

	/* a version that does not parse: the record is corrupt */
	restart_with("applied " FW "\napplied_version 2.x\nhook_status 0\n");
	assert_true(exists("site.state.corrupt"));
	assert_false(c->have_applied);
	assert_false(c->applied_version_known);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_install_and_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untrusted_left_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applied_version, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
