// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd store: what is kept in state_dir.
 *
 * Layout (documented in Documentation/admin-guide.rst):
 *   <digest>.payload   the payload, written once (temp, fsync, rename,
 *                      fsync dir); MESHUP_PAYLOAD points here
 *   <digest>.manifest  the manifest bytes, written the same way after the
 *                      payload: its presence marks the bundle complete
 *   <channel>.state    per-channel record: newest/active/fallback digests,
 *                      the digest whose hook last succeeded, hook status
 * The .mub is manifest || payload and is served from these two files; hash
 * blocks are recomputed into RAM when a bundle is loaded. Bytes written per
 * installed bundle: its size plus two small state records.
 *
 * Order of an install: payload, manifest, state record, then the deletion
 * of what is no longer newest, active or fallback; so after a power cut the
 * bundle is there whole or not at all, and the record only names files that
 * exist.
 *
 * At start: our temp files (NAME.tmp.XXXXXX) are removed, payloads without
 * a manifest (an install or a deletion cut short) are removed, each stored
 * bundle is re-verified (manifest digest = file name, payload size, Merkle
 * root); a damaged one is moved aside as <digest>.{manifest,payload}.corrupt
 * and a corrupt state record as <channel>.state.corrupt, with a log line
 * (nothing is deleted silently; an admin removes *.corrupt). A bundle whose
 * signatures no longer verify (keys or threshold changed) or whose channel
 * is not configured is not loaded and left in place; files that are not
 * ours are named in the log and left alone. The record is then rewritten if
 * it differs from what was loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "meshupd.h"
#include "log.h"

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) && errno != EEXIST)
		return -1;
	return 0;
}

int d_store_init(char *err)
{
	if (mkdir_p(D.cfg.state_dir, 0700))
		return mu_errf(err, "state_dir %s: %s", D.cfg.state_dir, strerror(errno));
	if (mkdir_p(D.cfg.staging_dir, 0700))
		return mu_errf(err, "staging_dir %s: %s", D.cfg.staging_dir,
			       strerror(errno));
	/* incomplete transfers of an earlier run are resumed (staging.c) */
	return d_staging_init(err);
}

static void path_of(char *buf, size_t len, const char *hex, const char *ext)
{
	snprintf(buf, len, "%s/%s.%s", D.cfg.state_dir, hex, ext);
}

static void fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

void d_held_free(struct d_held *h)
{
	if (!h->used)
		return;
	free(h->hash_area);
	if (h->payload_fd >= 0)
		close(h->payload_fd);
	memset(h, 0, sizeof(*h));
	h->payload_fd = -1;
}

struct d_held *d_find_held(const uint8_t key[MESHUP_KEY_LEN])
{
	for (int c = 0; c < D.cfg.n_chans; c++)
		for (int i = 0; i < D_HELD_MAX; i++)
			if (D.chans[c].held[i].used &&
			    !memcmp(D.chans[c].held[i].key, key, MESHUP_KEY_LEN))
				return &D.chans[c].held[i];
	return NULL;
}

int d_check_manifest(const struct mu_manifest *m, const uint8_t digest[32],
		     char *err)
{
	uint8_t id[4];
	int c, n, idx[D_HELD_MAX];
	struct d_bref b[D_HELD_MAX], cand;
	const char *why = "";
	char e[MU_ERR_LEN];

	mu_manifest_channel_id(m, id);
	c = d_chan_index_by_id(id);
	if (c < 0 || strcmp(D.cfg.chans[c].name, m->name))
		return mu_errf(err, "channel '%s' is not configured", m->name);
	if (mu_manifest_verify(m, &D.keys, D.cfg.threshold, NULL, e))
		return mu_errf(err, "%s", e);
	if (m->payload_size > D.cfg.chans[c].max_size)
		return mu_errf(err, "payload_size %llu exceeds max_size %llu of channel %s",
			       (unsigned long long)m->payload_size,
			       (unsigned long long)D.cfg.chans[c].max_size, m->name);
	n = d_chan_brefs(&D.chans[c], b, idx);
	cand.version = m->version;
	memcpy(cand.prefix, digest, 8);
	cand.start = m->start_time;
	cand.end = m->end_time;
	if (!d_acceptable(b, n, &cand, d_mesh_s(), &why))
		return mu_errf(err, "%s", why);
	return c;
}

static int held_slot(int chan)
{
	for (int i = 0; i < D_HELD_MAX; i++)
		if (!D.chans[chan].held[i].used)
			return i;
	return -1;
}

/* Fill held slot from manifest bytes and an open payload; computes the hash
 * area unless given. Verifies the Merkle root. */
static int held_fill(struct d_held *h, const uint8_t *mraw, size_t mlen,
		     int payload_fd, uint8_t *hash_area, char *err)
{
	uint8_t root[32];

	memset(h, 0, sizeof(*h));
	h->payload_fd = -1;
	if (mu_manifest_parse(&h->m, mraw, mlen, NULL, err))
		return -1;
	memcpy(h->mraw, mraw, mlen);
	h->mlen = mlen;
	mu_sha256(mraw, mlen, h->digest);
	mu_hex(h->digest, 32, h->hex);
	d_key_of(&h->m, h->digest, h->key);
	if (mu_tree_init(&h->t, h->m.payload_size, err))
		return -1;
	if (!hash_area) {
		hash_area = malloc(h->t.hash_area_len ? h->t.hash_area_len : 1);
		if (!hash_area)
			return mu_errf(err, "out of memory");
		if (mu_merkle_hash_area_buf(payload_fd, 0, h->m.payload_size,
					    hash_area, h->t.hash_area_len, root, err)) {
			free(hash_area);
			return -1;
		}
		if (memcmp(root, h->m.root, 32)) {
			free(hash_area);
			return mu_errf(err, "payload does not match the Merkle root");
		}
	}
	h->hash_area = hash_area;
	h->payload_fd = payload_fd;
	h->used = true;
	return 0;
}

int d_store_install(int chan, const uint8_t *mraw, size_t mlen, int payload_fd,
		    off_t payload_off, uint8_t *hash_area, char *err)
{
	struct d_chan *c = &D.chans[chan];
	struct mu_manifest m;
	struct mu_atomic a;
	uint8_t digest[32], buf[65536];
	char hex[65], ppath[PATH_MAX], mpath[PATH_MAX], v[MU_VERSION_STRLEN];
	uint64_t left, off;
	int slot, fd;

	if (mu_manifest_parse(&m, mraw, mlen, NULL, err))
		goto fail;
	mu_sha256(mraw, mlen, digest);
	mu_hex(digest, 32, hex);
	path_of(ppath, sizeof(ppath), hex, "payload");
	path_of(mpath, sizeof(mpath), hex, "manifest");
	d_store_retain(chan);
	slot = held_slot(chan);
	if (slot < 0) {
		mu_errf(err, "no free slot in channel %s", c->cfg->name);
		goto fail;
	}
	if (mu_atomic_open(&a, ppath, 0644, err))
		goto fail;
	for (left = m.payload_size, off = 0; left; ) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		if (mu_read_full(payload_fd, buf, n, payload_off + (off_t)off, err) ||
		    mu_write_full(a.fd, buf, n, err)) {
			mu_atomic_abort(&a);
			goto fail;
		}
		left -= n;
		off += n;
	}
	if (mu_atomic_commit(&a, err))
		goto fail;
	if (mu_write_file_atomic(mpath, mraw, mlen, 0644, err)) {
		unlink(ppath);
		goto fail;
	}
	D.store_bytes += m.payload_size + mlen;
	fd = open(ppath, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || held_fill(&c->held[slot], mraw, mlen, fd, hash_area, err)) {
		if (fd >= 0)
			close(fd);
		else
			mu_errf(err, "%s: %s", ppath, strerror(errno));
		unlink(mpath);
		unlink(ppath);
		fsync_dir(D.cfg.state_dir);
		return -1;
	}
	D.installs++;
	d_info("installed %s %s (digest %.16s, %llu bytes)", c->cfg->name,
	       mu_version_str(m.version, v), hex,
	       (unsigned long long)(m.payload_size + mlen));
	/* the record names the new set before anything it no longer names is
	 * deleted: at every instant it only names files that exist */
	d_store_write_state(chan);
	d_store_retain(chan);
	D.advert_dirty = true;
	d_activate_eval(chan);
	return 0;
fail:
	free(hash_area);
	return -1;
}

static void drop_files(const char *hex)
{
	char p[PATH_MAX];

	path_of(p, sizeof(p), hex, "manifest");
	unlink(p);
	path_of(p, sizeof(p), hex, "payload");
	unlink(p);
	fsync_dir(D.cfg.state_dir);
}

void d_store_retain(int chan)
{
	struct d_chan *c = &D.chans[chan];
	struct d_bref b[D_HELD_MAX];
	int idx[D_HELD_MAX], n;
	bool keep[D_HELD_MAX];
	char v[MU_VERSION_STRLEN];

	n = d_chan_brefs(c, b, idx);
	d_retain(b, n, d_mesh_s(), keep);
	for (int i = 0; i < n; i++) {
		struct d_held *h = &c->held[idx[i]];

		if (keep[i] || (c->hook_pid && !memcmp(c->hook_digest, h->digest, 32)))
			continue;
		d_info("deleted %s %s (digest %.16s): no longer newest, active or fallback",
		       c->cfg->name, mu_version_str(h->m.version, v), h->hex);
		drop_files(h->hex);
		d_held_free(h);
		D.advert_dirty = true;
	}
}

/* The state record of @chan as text; returns its length. */
static int format_state(int chan, char *buf, size_t size)
{
	struct d_chan *c = &D.chans[chan];
	struct d_bref b[D_HELD_MAX];
	int idx[D_HELD_MAX], n, nw, ac, fb;
	char ap[65], av[MU_VERSION_STRLEN];
	uint64_t now = d_mesh_s();

	n = d_chan_brefs(c, b, idx);
	nw = d_newest(b, n);
	ac = d_active(b, n, now);
	fb = d_fallback_any(b, n, now);
	if (c->have_applied)
		mu_hex(c->applied, 32, ap);
	else
		snprintf(ap, sizeof(ap), "-");
	if (c->have_applied && c->applied_version_known)
		mu_version_str(c->applied_version, av);
	else
		snprintf(av, sizeof(av), "-");
#define HX(i) ((i) >= 0 ? c->held[idx[i]].hex : "-")
	return snprintf(buf, size,
			"meshup-state 1\nchannel %s\nnewest %s\nactive %s\nfallback %s\napplied %s\napplied_version %s\nhook_status %d\n",
			c->cfg->name, HX(nw), HX(ac), HX(fb), ap, av, c->hook_status);
#undef HX
}

int d_store_write_state(int chan)
{
	struct d_chan *c = &D.chans[chan];
	char buf[1024], path[PATH_MAX], err[MU_ERR_LEN];
	int len = format_state(chan, buf, sizeof(buf));

	snprintf(path, sizeof(path), "%s/%s.state", D.cfg.state_dir, c->cfg->name);
	if (mu_write_file_atomic(path, buf, (size_t)len, 0644, err)) {
		d_err("cannot write state record: %s", err);
		return -1;
	}
	D.store_bytes += (uint64_t)len;
	return 0;
}

/* At start: rewrite the record only when what was loaded differs from it
 * (a power cut before the record was updated, a quarantined bundle). */
static void refresh_state(int chan)
{
	char want[1024], have[1024], path[PATH_MAX];
	int len = format_state(chan, want, sizeof(want));
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.state", D.cfg.state_dir,
		 D.chans[chan].cfg->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, have, sizeof(have));
		close(fd);
	}
	if (n == len && !memcmp(want, have, (size_t)len))
		return;
	d_store_write_state(chan);
}

/* Move a damaged file aside as NAME.corrupt (replacing an older one of the
 * same name), so that nothing is deleted silently; logged by the caller. */
static void quarantine(const char *name)
{
	char from[PATH_MAX], to[PATH_MAX + 8];

	snprintf(from, sizeof(from), "%s/%s", D.cfg.state_dir, name);
	snprintf(to, sizeof(to), "%s.corrupt", from);
	if (rename(from, to) && errno != ENOENT)
		d_err("cannot move %s aside: %s", from, strerror(errno));
}

static void load_state(int chan)
{
	struct d_chan *c = &D.chans[chan];
	char path[PATH_MAX], line[256], name[64];
	FILE *f;
	bool ok = false, got_applied = false, got_status = false;

	snprintf(name, sizeof(name), "%s.state", c->cfg->name);
	snprintf(path, sizeof(path), "%s/%s", D.cfg.state_dir, name);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && !strcmp(line, "meshup-state 1\n"))
		ok = true;
	while (ok && fgets(line, sizeof(line), f)) {
		char k[32], val[128], *end;
		long st;

		if (!strchr(line, '\n') || sscanf(line, "%31s %127s", k, val) != 2) {
			ok = false;
			break;
		}
		if (!strcmp(k, "applied")) {
			got_applied = true;
			if (strcmp(val, "-") && mu_unhex(val, c->applied, 32))
				ok = false;
			else
				c->have_applied = strcmp(val, "-") != 0;
		} else if (!strcmp(k, "applied_version")) {
			/* absent from records written before it: unknown */
			if (strcmp(val, "-")) {
				if (mu_version_parse(val, &c->applied_version, NULL))
					ok = false;
				else
					c->applied_version_known = true;
			}
		} else if (!strcmp(k, "hook_status")) {
			st = strtol(val, &end, 10);
			if (*end || st < -1 || st > 255)
				ok = false;
			c->hook_status = (int)st;
			got_status = true;
		} else if (!strcmp(k, "channel")) {
			if (strcmp(val, c->cfg->name))
				ok = false;
		}
	}
	fclose(f);
	if (!ok || !got_applied || !got_status) {
		d_warn("%s: corrupt state record, moved aside as %s.corrupt (the hook runs again for the active bundle)",
		       path, name);
		quarantine(name);
		c->have_applied = false;
		c->applied_version_known = false;
		c->hook_status = -1;
	}
}

/* Both files of a damaged bundle go aside (see quarantine()). */
static void quarantine_bundle(const char *hex, const char *why)
{
	char name[80];

	d_warn("stored bundle %.16s is damaged (%s): its files are moved aside as %s.{manifest,payload}.corrupt; it will be fetched again",
	       hex, why, hex);
	snprintf(name, sizeof(name), "%s.manifest", hex);
	quarantine(name);
	snprintf(name, sizeof(name), "%s.payload", hex);
	quarantine(name);
	fsync_dir(D.cfg.state_dir);
}

static void load_bundle(const char *hex)
{
	char mpath[PATH_MAX], ppath[PATH_MAX], err[MU_ERR_LEN], v[MU_VERSION_STRLEN];
	char why[MU_ERR_LEN + 32];
	uint8_t mraw[MU_MANIFEST_MAX + 1], digest[32], want[32];
	struct mu_manifest m;
	struct stat st;
	ssize_t n;
	int fd, c, slot;

	path_of(mpath, sizeof(mpath), hex, "manifest");
	path_of(ppath, sizeof(ppath), hex, "payload");
	fd = open(mpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		d_warn("cannot read %s: %s", mpath, strerror(errno));
		return;
	}
	n = read(fd, mraw, sizeof(mraw));
	close(fd);
	if (n <= 0 || n > MU_MANIFEST_MAX) {
		snprintf(why, sizeof(why), "manifest file of %zd bytes", n);
		goto bad;
	}
	mu_sha256(mraw, (size_t)n, digest);
	if (mu_unhex(hex, want, 32) || memcmp(want, digest, 32)) {
		snprintf(why, sizeof(why), "manifest does not match its digest");
		goto bad;
	}
	if (mu_manifest_parse(&m, mraw, (size_t)n, NULL, err)) {
		snprintf(why, sizeof(why), "%s", err);
		goto bad;
	}
	{
		uint8_t id[4];

		mu_manifest_channel_id(&m, id);
		c = d_chan_index_by_id(id);
	}
	if (c < 0 || strcmp(D.cfg.chans[c].name, m.name)) {
		d_warn("ignored stored bundle %.16s: channel '%s' is not configured (files left in place)",
		       hex, m.name);
		return;
	}
	/* not damage: the trusted keys or the threshold changed */
	if (mu_manifest_verify(&m, &D.keys, D.cfg.threshold, NULL, err)) {
		d_warn("ignored stored bundle %s %s (digest %.16s): %s (files left in place)",
		       m.name, mu_version_str(m.version, v), hex, err);
		return;
	}
	fd = open(ppath, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || (uint64_t)st.st_size != m.payload_size) {
		if (fd < 0)
			snprintf(why, sizeof(why), "payload missing");
		else
			snprintf(why, sizeof(why), "payload of %lld bytes, %llu expected",
				 (long long)st.st_size, (unsigned long long)m.payload_size);
		if (fd >= 0)
			close(fd);
		goto bad;
	}
	slot = held_slot(c);
	if (slot < 0) {
		d_store_retain(c);
		slot = held_slot(c);
	}
	if (slot < 0) {
		close(fd);
		d_warn("deleted stored bundle %.16s: channel %s holds enough", hex, m.name);
		drop_files(hex);
		return;
	}
	if (held_fill(&D.chans[c].held[slot], mraw, (size_t)n, fd, NULL, err)) {
		close(fd);
		D.chans[c].held[slot].used = false;
		snprintf(why, sizeof(why), "%s", err);
		goto bad;
	}
	d_info("loaded %s %s (digest %.16s)", m.name, mu_version_str(m.version, v), hex);
	return;
bad:
	quarantine_bundle(hex, why);
}

static bool is_hex64(const char *s, size_t len)
{
	if (len != 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

enum { F_OURS, F_TMP, F_CORRUPT, F_OTHER };

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t l = strlen(suffix);

	return len >= l && !memcmp(s + len - l, suffix, l);
}

/* What a name in state_dir is: ours (a bundle file or a state record), a
 * temp file of mu_atomic_open() ("<ours>.tmp.XXXXXX"), a quarantined file,
 * or something else. */
static int classify(const char *name)
{
	const char *t = strstr(name, ".tmp.");
	size_t len = strlen(name);

	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return F_OURS;
	if (t && strlen(t) == 11 && !strchr(t + 5, '.')) {
		len = (size_t)(t - name);
		if (ends_with(name, len, ".payload") || ends_with(name, len, ".manifest") ||
		    ends_with(name, len, ".state"))
			return F_TMP;
		return F_OTHER;
	}
	if (ends_with(name, len, ".corrupt"))
		return F_CORRUPT;
	if ((ends_with(name, len, ".payload") && is_hex64(name, len - 8)) ||
	    (ends_with(name, len, ".manifest") && is_hex64(name, len - 9)))
		return F_OURS;
	if (ends_with(name, len, ".state") && len > 6 &&
	    !mu_channel_name_check(name, len - 6, NULL))
		return F_OURS;
	return F_OTHER;
}

int d_store_load(void)
{
	DIR *d;
	struct dirent *de;
	char hex[65];

	d = opendir(D.cfg.state_dir);
	if (!d) {
		d_err("state_dir %s: %s", D.cfg.state_dir, strerror(errno));
		return -1;
	}
	/* pass 1: leftovers of our interrupted writes go; anything else that
	 * is not ours is named in the log and left alone */
	while ((de = readdir(d))) {
		char p[PATH_MAX];
		int kind = classify(de->d_name);

		if (kind == F_TMP) {
			snprintf(p, sizeof(p), "%s/%s", D.cfg.state_dir, de->d_name);
			if (!unlink(p))
				d_info("removed leftover %s of an interrupted write", de->d_name);
		} else if (kind == F_CORRUPT) {
			d_warn("%s/%s: a damaged file moved aside earlier; inspect and remove it",
			       D.cfg.state_dir, de->d_name);
		} else if (kind == F_OTHER) {
			d_warn("%s/%s: not a meshupd file, left alone",
			       D.cfg.state_dir, de->d_name);
		}
	}
	/* pass 2: bundles */
	rewinddir(d);
	while ((de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');

		if (!dot || strcmp(dot, ".manifest") ||
		    !is_hex64(de->d_name, (size_t)(dot - de->d_name)))
			continue;
		memcpy(hex, de->d_name, 64);
		hex[64] = '\0';
		load_bundle(hex);
	}
	/* pass 3: payloads without a manifest */
	rewinddir(d);
	while ((de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');
		char p[PATH_MAX];
		struct stat st;

		if (!dot || strcmp(dot, ".payload") ||
		    !is_hex64(de->d_name, (size_t)(dot - de->d_name)))
			continue;
		snprintf(p, sizeof(p), "%s/%.64s.manifest", D.cfg.state_dir, de->d_name);
		if (stat(p, &st) && errno == ENOENT) {
			snprintf(p, sizeof(p), "%s/%s", D.cfg.state_dir, de->d_name);
			if (!unlink(p))
				d_info("removed payload without manifest %s", de->d_name);
		}
	}
	closedir(d);
	fsync_dir(D.cfg.state_dir);
	for (int c = 0; c < D.cfg.n_chans; c++) {
		struct d_chan *ch = &D.chans[c];

		load_state(c);
		/* a record written before applied_version: take it from the
		 * bundle while that is still here */
		for (int i = 0; i < D_HELD_MAX && ch->have_applied &&
				!ch->applied_version_known; i++)
			if (ch->held[i].used && !memcmp(ch->held[i].digest, ch->applied, 32)) {
				ch->applied_version = ch->held[i].m.version;
				ch->applied_version_known = true;
			}
		/* the record first, then the clean-up (see d_store_install) */
		refresh_state(c);
		d_store_retain(c);
	}
	return 0;
}
