// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd staging: incomplete transfers in staging_dir (tmpfs), kept so that
 * a transfer survives a restart of the helper (SIGKILL, crash, upgrade) or
 * a reload of the module. A power cut empties tmpfs: the transfer then
 * starts over, which is what section 5 asks ("an incomplete bundle only in
 * RAM/tmpfs").
 *
 * Per object, named by the manifest digest in hex:
 *   <hex>.man   the verified manifest, written atomically (temp + rename)
 *               before anything else of the object is staged
 *   <hex>.part  payload_size bytes of payload at their offsets, then the
 *               hash area (every hash block at payload_size + its offset);
 *               written with pwrite as each block is verified
 * Nothing in .part is trusted: when a transfer starts (or restarts), every
 * staged block is verified again, top-down, exactly like a block that
 * arrives (hash blocks against the root or their verified parent, chunks
 * against their leaf hash). What verifies counts as held; holes, torn
 * writes and garbage simply fail and are fetched. So a kill at any moment
 * leaves either nothing usable or blocks that re-verify, and no bitmap has
 * to be kept in step with the data. Re-verifying costs one pass over the
 * staged bytes with a 1 KiB buffer.
 *
 * The staging area stays bounded: at start, temporary files, .part files
 * without a manifest and manifests that do not hash to their name or do not
 * parse are removed. Every SWEEP_MS, a staged object with no transfer
 * running is removed when it is no longer acceptable (a newer bundle was
 * installed, the channel or the keys changed), or when no neighbour has
 * advertised it for IDLE_MS; at most D_STAGE_IDLE_MAX such idle objects are
 * kept (the least recently written go first).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "meshupd.h"
#include "log.h"

#define SWEEP_MS	10000
#define IDLE_MS		600000		/* unadvertised and untouched */
#define TMP_AGE_MS	60000		/* a temp file this old is a leftover */

static uint64_t last_sweep;

static void stage_path(char *buf, size_t len, const char *hex, const char *ext)
{
	snprintf(buf, len, "%s/%s.%s", D.cfg.staging_dir, hex, ext);
}

void d_staging_remove(const char *hex)
{
	char p[PATH_MAX];

	stage_path(p, sizeof(p), hex, "part");
	unlink(p);
	stage_path(p, sizeof(p), hex, "man");
	unlink(p);
}

/* "<64 hex>.<ext>": the digest in @hex, or false */
static bool stage_name(const char *name, const char *ext, char hex[65])
{
	size_t el = strlen(ext);
	uint8_t dg[32];

	if (strlen(name) != 65 + el || name[64] != '.' || strcmp(name + 65, ext))
		return false;
	memcpy(hex, name, 64);
	hex[64] = '\0';
	return mu_unhex(hex, dg, 32) == 0;
}

/*
 * Read and check the staged manifest <hex>.man: it must hash to its name
 * and parse. Returns 0 and fills @m, @mraw, @mlen, @digest, or -1.
 */
static int load_manifest(const char *hex, struct mu_manifest *m, uint8_t *mraw,
			 size_t *mlen, uint8_t digest[32])
{
	char p[PATH_MAX];
	uint8_t want[32];
	ssize_t n;
	int fd;

	stage_path(p, sizeof(p), hex, "man");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, mraw, MU_MANIFEST_MAX, 0);
	if (n > 0 && n == MU_MANIFEST_MAX) {
		uint8_t extra;

		if (pread(fd, &extra, 1, n) != 0)
			n = -1;
	}
	close(fd);
	if (n <= 0)
		return -1;
	mu_sha256(mraw, (size_t)n, digest);
	if (mu_unhex(hex, want, 32) || memcmp(want, digest, 32))
		return -1;
	if (mu_manifest_parse(m, mraw, (size_t)n, NULL, NULL))
		return -1;
	*mlen = (size_t)n;
	return 0;
}

static uint64_t age_ms(const char *hex)
{
	struct timespec now;
	struct stat st;
	char p[PATH_MAX];
	int64_t newest = 0, a;

	stage_path(p, sizeof(p), hex, "man");
	if (!stat(p, &st))
		newest = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
	stage_path(p, sizeof(p), hex, "part");
	if (!stat(p, &st)) {
		a = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
		if (a > newest)
			newest = a;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	a = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 - newest;
	return a > 0 ? (uint64_t)a : 0;
}

static bool file_age_over(const char *name, uint64_t ms)
{
	struct timespec now;
	struct stat st;
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", D.cfg.staging_dir, name);
	if (stat(p, &st))
		return false;
	clock_gettime(CLOCK_REALTIME, &now);
	return (now.tv_sec - st.st_mtim.tv_sec) * 1000 +
	       (now.tv_nsec - st.st_mtim.tv_nsec) / 1000000 >= (long long)ms;
}

/* a transfer in progress owns <hex>.* */
static bool live(const char *hex)
{
	uint8_t dg[32];

	if (mu_unhex(hex, dg, 32))
		return false;
	for (int i = 0; i < D_XFER_MAX; i++)
		if (D.xfers[i].used && D.xfers[i].state == D_X_BLOCKS &&
		    !memcmp(D.xfers[i].digest, dg, 32))
			return true;
	return false;
}

static bool advertised(const uint8_t key[MESHUP_KEY_LEN])
{
	for (int i = 0; i < D_NEIGH_MAX; i++) {
		const struct d_neigh *nb = &D.neigh[i];

		if (!nb->used)
			continue;
		for (unsigned int k = 0; k < nb->n; k++)
			if (!memcmp(nb->e[k].key, key, MESHUP_KEY_LEN))
				return true;
	}
	return false;
}

struct idle {
	char hex[65];
	uint64_t age;
};

/*
 * One pass over staging_dir. @start: the daemon is starting (held bundles
 * not loaded yet): only what is broken on its face goes; acceptability and
 * idleness are judged by the later sweeps.
 */
static void sweep(bool start)
{
	struct idle idle[D_STAGE_IDLE_MAX + 1];
	int n_idle = 0;
	DIR *d = opendir(D.cfg.staging_dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct mu_manifest m;
		uint8_t mraw[MU_MANIFEST_MAX], dg[32], key[MESHUP_KEY_LEN];
		char hex[65], p[PATH_MAX], err[MU_ERR_LEN];
		const char *why = NULL;
		size_t mlen;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (strstr(de->d_name, ".tmp.")) {
			if (start || file_age_over(de->d_name, TMP_AGE_MS)) {
				snprintf(p, sizeof(p), "%s/%s", D.cfg.staging_dir,
					 de->d_name);
				unlink(p);
			}
			continue;
		}
		if (stage_name(de->d_name, "part", hex)) {
			stage_path(p, sizeof(p), hex, "man");
			if (live(hex) || !stat(p, &st))
				continue;
			stage_path(p, sizeof(p), hex, "part");
			if (!unlink(p))
				d_info("staging: removed %s.part (no manifest)", hex);
			continue;
		}
		if (!stage_name(de->d_name, "man", hex) || live(hex))
			continue;
		if (load_manifest(hex, &m, mraw, &mlen, dg)) {
			why = "manifest unreadable or not matching its name";
		} else if (!start) {
			uint64_t age = age_ms(hex);

			d_key_of(&m, dg, key);
			if (d_check_manifest(&m, dg, err) < 0)
				why = err;
			else if (!advertised(key) && age >= IDLE_MS)
				why = "nobody advertised it for a while";
			else {
				/* keep the D_STAGE_IDLE_MAX most recently written */
				int j = n_idle++;

				while (j > 0 && idle[j - 1].age > age) {
					idle[j] = idle[j - 1];
					j--;
				}
				memcpy(idle[j].hex, hex, 65);
				idle[j].age = age;
				if (n_idle > D_STAGE_IDLE_MAX) {
					n_idle--;
					d_info("staging: removed %s (too many idle transfers)",
					       idle[n_idle].hex);
					d_staging_remove(idle[n_idle].hex);
				}
			}
		}
		if (why) {
			d_info("staging: removed %s: %s", hex, why);
			d_staging_remove(hex);
		}
	}
	closedir(d);
}

int d_staging_init(char *err)
{
	last_sweep = d_mono_ms();
	sweep(true);
	return 0;
}

void d_staging_sweep(bool force)
{
	uint64_t now = d_mono_ms();

	if (!force && now - last_sweep < SWEEP_MS)
		return;
	last_sweep = now;
	sweep(false);
}

int d_staging_find(const uint8_t key[MESHUP_KEY_LEN], struct mu_manifest *m,
		   uint8_t *mraw, size_t *mlen, uint8_t digest[32])
{
	char pre[17], hex[65];
	DIR *d = opendir(D.cfg.staging_dir);
	struct dirent *de;
	int ret = -1;

	if (!d)
		return -1;
	mu_hex(key + 12, 8, pre);
	while (ret && (de = readdir(d))) {
		uint8_t k[MESHUP_KEY_LEN];

		if (strncmp(de->d_name, pre, 16) || !stage_name(de->d_name, "man", hex))
			continue;
		if (load_manifest(hex, m, mraw, mlen, digest))
			continue;
		d_key_of(m, digest, k);
		if (!memcmp(k, key, MESHUP_KEY_LEN))
			ret = 0;
	}
	closedir(d);
	return ret;
}

static inline bool have(const uint8_t *bm, uint32_t i)
{
	return bm[i / 8] & (0x80 >> (i % 8));
}

/* Verify what <hex>.part holds; set x->have, n_have, held, resumed. */
static void reverify(struct d_xfer *x, uint64_t size)
{
	uint64_t hoff = x->t.payload_size;
	uint8_t buf[MU_CHUNK_SIZE];

	for (uint32_t i = 0; i < x->t.n_blocks; i++) {
		struct mu_block_info bi, pi;
		const uint8_t *parent = NULL;
		size_t plen = 0;
		uint8_t *dst;
		uint64_t off;

		if (mu_tree_block(&x->t, i, &bi, NULL))
			break;
		if (bi.parent != MU_NO_PARENT) {
			if (!have(x->have, bi.parent))
				continue;
			mu_tree_block(&x->t, bi.parent, &pi, NULL);
			parent = x->hash_area + pi.off;
			plen = pi.len;
		}
		off = bi.is_hash ? hoff + bi.off : bi.off;
		if (off + bi.len > size)
			continue;
		dst = bi.is_hash ? x->hash_area + bi.off : buf;
		if (mu_read_full(x->fd, dst, bi.len, (off_t)off, NULL))
			continue;
		if (mu_block_verify(&x->t, i, dst, bi.len, x->m.root, parent, plen, NULL))
			continue;
		x->have[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		x->n_have++;
	}
	x->resumed = x->n_have;
	while (x->held < x->t.n_blocks && have(x->have, x->held))
		x->held++;
}

int d_staging_open(struct d_xfer *x, char *err)
{
	char hex[65], p[PATH_MAX];
	uint64_t want = x->t.payload_size + x->t.hash_area_len, t0 = d_mono_ms();
	struct stat st;

	mu_hex(x->digest, 32, hex);
	stage_path(p, sizeof(p), hex, "man");
	if (stat(p, &st) &&
	    mu_write_file_atomic(p, x->mraw, x->mlen, 0600, err))
		return -1;
	stage_path(x->path, sizeof(x->path), hex, "part");
	x->fd = open(x->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (x->fd < 0 || fstat(x->fd, &st))
		return mu_errf(err, "%s: %s", x->path, strerror(errno));
	if ((uint64_t)st.st_size > want && ftruncate(x->fd, (off_t)want))
		return mu_errf(err, "%s: %s", x->path, strerror(errno));
	if (st.st_size > 0) {
		reverify(x, (uint64_t)st.st_size < want ? (uint64_t)st.st_size : want);
		d_info("resumed %u of %u blocks of %s %.16s from staging (verified in %llu ms)",
		       x->resumed, x->t.n_blocks, x->m.name, hex,
		       (unsigned long long)(d_mono_ms() - t0));
	}
	return 0;
}
