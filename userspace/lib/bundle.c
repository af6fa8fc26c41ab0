// SPDX-License-Identifier: GPL-2.0
/*
 * meshup bundle manifests (PROTOCOL.md 2.1) and bundle files.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "merkle.h"

#define OFF_MAGIC	0
#define OFF_FORMAT	4
#define OFF_ALG		5
#define OFF_BODY_LEN	6
#define OFF_VERSION	8
#define OFF_START	16
#define OFF_END		24
#define OFF_SIZE	32
#define OFF_ROOT	40
#define OFF_NAME_LEN	72
#define OFF_NAME	73

void mu_manifest_init(struct mu_manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->format = MU_FORMAT;
	m->alg = MU_ALG_ED25519;
}

size_t mu_manifest_body_len(const struct mu_manifest *m)
{
	return MU_BODY_FIXED + (size_t)m->name_len + m->ext_len;
}

size_t mu_manifest_len(const struct mu_manifest *m)
{
	return mu_manifest_body_len(m) + 1 + (size_t)m->n_sigs * MU_SIGENT_LEN;
}

void mu_channel_id(const char *name, size_t len, uint8_t id[MU_CHANNEL_ID_LEN])
{
	uint8_t h[MU_HASH_LEN];

	mu_sha256(name, len, h);
	memcpy(id, h, MU_CHANNEL_ID_LEN);
}

void mu_manifest_channel_id(const struct mu_manifest *m,
			    uint8_t id[MU_CHANNEL_ID_LEN])
{
	mu_channel_id(m->name, m->name_len, id);
}

int mu_ext_next(const uint8_t *ext, size_t ext_len, size_t *off,
		uint8_t *type, uint8_t *vlen, const uint8_t **val)
{
	size_t o = *off;

	if (o >= ext_len)
		return 0;
	if (ext_len - o < 2 || ext_len - o - 2 < ext[o + 1])
		return -1;
	*type = ext[o];
	*vlen = ext[o + 1];
	*val = ext + o + 2;
	*off = o + 2 + ext[o + 1];
	return 1;
}

static int check_ext(const uint8_t *ext, size_t ext_len, char *err)
{
	size_t off = 0;
	uint8_t type, vlen;
	const uint8_t *val;
	int r;

	while ((r = mu_ext_next(ext, ext_len, &off, &type, &vlen, &val)) > 0)
		;
	if (r < 0) {
		if (ext_len - off < 2)
			return mu_errf(err, "manifest: extension TLV at offset %zu of ext_len %zu is cut short (needs type and len)",
				       off, ext_len);
		return mu_errf(err, "manifest: extension TLV type %u at offset %zu has len %u, only %zu bytes left of ext_len %zu",
			       ext[off], off, ext[off + 1], ext_len - off - 2,
			       ext_len);
	}
	return 0;
}

int mu_manifest_check_body(const struct mu_manifest *m, char *err)
{
	char e[MU_ERR_LEN];
	size_t body = mu_manifest_body_len(m);

	if (m->format != MU_FORMAT)
		return mu_errf(err, "manifest: format %u is not supported (only %u)",
			       m->format, MU_FORMAT);
	if (m->alg != MU_ALG_ED25519)
		return mu_errf(err, "manifest: signature algorithm %u is not supported (only 1 = Ed25519)",
			       m->alg);
	if (m->name_len < 1 || m->name_len > MU_NAME_MAX)
		return mu_errf(err, "manifest: name_len %u is not 1..%d",
			       m->name_len, MU_NAME_MAX);
	if (mu_channel_name_check(m->name, m->name_len, e))
		return mu_errf(err, "manifest: %s", e);
	if (m->ext_len > MU_EXT_MAX ||
	    body + 1 + MU_SIGENT_LEN > MU_MANIFEST_MAX)
		return mu_errf(err, "manifest: ext_len %u leaves no room for a signature within %d bytes",
			       m->ext_len, MU_MANIFEST_MAX);
	if (check_ext(m->ext, m->ext_len, err))
		return -1;
	if (m->payload_size < 1)
		return mu_errf(err, "manifest: payload_size is 0 (must be >= 1)");
	if (m->payload_size > MU_PAYLOAD_MAX)
		return mu_errf(err, "manifest: payload_size %" PRIu64 " exceeds %" PRIu64,
			       m->payload_size, MU_PAYLOAD_MAX);
	if (m->end_time && m->end_time <= m->start_time)
		return mu_errf(err, "manifest: end_time %" PRIu64 " is not after start_time %" PRIu64,
			       m->end_time, m->start_time);
	return 0;
}

int mu_manifest_check(const struct mu_manifest *m, char *err)
{
	if (mu_manifest_check_body(m, err))
		return -1;
	if (m->n_sigs < 1 || m->n_sigs > MU_SIGS_MAX)
		return mu_errf(err, "manifest: n_sigs %u is not 1..%d",
			       m->n_sigs, MU_SIGS_MAX);
	if (mu_manifest_len(m) > MU_MANIFEST_MAX)
		return mu_errf(err, "manifest: length %zu exceeds %d bytes",
			       mu_manifest_len(m), MU_MANIFEST_MAX);
	return 0;
}

int mu_manifest_build(struct mu_manifest *m, const char *name,
		      uint64_t version, uint64_t start_time, uint64_t end_time,
		      uint64_t payload_size, const uint8_t root[MU_HASH_LEN],
		      char *err)
{
	size_t n = strlen(name);
	char e[MU_ERR_LEN];

	mu_manifest_init(m);
	if (mu_channel_name_check(name, n, e))
		return mu_errf(err, "manifest: %s", e);
	m->name_len = (uint8_t)n;
	memcpy(m->name, name, n);
	m->version = version;
	m->start_time = start_time;
	m->end_time = end_time;
	m->payload_size = payload_size;
	memcpy(m->root, root, MU_HASH_LEN);
	return mu_manifest_check_body(m, err);
}

#define NEED(n, what)							\
	do {								\
		if (len < (size_t)(n))					\
			return mu_errf(err, "manifest: truncated at %s (%zu bytes, need %zu)", \
				       what, len, (size_t)(n));		\
	} while (0)

int mu_manifest_parse(struct mu_manifest *m, const uint8_t *buf, size_t len,
		      size_t *used, char *err)
{
	size_t body, total, off, i;

	mu_manifest_init(m);
	NEED(4, "magic");
	if (memcmp(buf, MU_MAGIC, 4))
		return mu_errf(err, "manifest: bad magic (not \"MUPM\")");
	NEED(OFF_NAME_LEN + 1, "fixed header");
	m->format = buf[OFF_FORMAT];
	m->alg = buf[OFF_ALG];
	if (m->format != MU_FORMAT)
		return mu_errf(err, "manifest: format %u is not supported (only %u)",
			       m->format, MU_FORMAT);
	if (m->alg != MU_ALG_ED25519)
		return mu_errf(err, "manifest: signature algorithm %u is not supported (only 1 = Ed25519)",
			       m->alg);
	body = mu_get_be16(buf + OFF_BODY_LEN);
	if (body + 1 + MU_SIGENT_LEN > MU_MANIFEST_MAX)
		return mu_errf(err, "manifest: body_len %zu leaves no room for a signature within %d bytes",
			       body, MU_MANIFEST_MAX);
	m->version = mu_get_be64(buf + OFF_VERSION);
	m->start_time = mu_get_be64(buf + OFF_START);
	m->end_time = mu_get_be64(buf + OFF_END);
	m->payload_size = mu_get_be64(buf + OFF_SIZE);
	memcpy(m->root, buf + OFF_ROOT, MU_HASH_LEN);
	m->name_len = buf[OFF_NAME_LEN];
	if (m->name_len < 1 || m->name_len > MU_NAME_MAX)
		return mu_errf(err, "manifest: name_len %u is not 1..%d",
			       m->name_len, MU_NAME_MAX);
	NEED(OFF_NAME + m->name_len + 2, "name and ext_len");
	memcpy(m->name, buf + OFF_NAME, m->name_len);
	m->name[m->name_len] = 0;
	off = OFF_NAME + m->name_len;
	m->ext_len = mu_get_be16(buf + off);
	off += 2;
	if (body != MU_BODY_FIXED + (size_t)m->name_len + m->ext_len)
		return mu_errf(err, "manifest: body_len %zu disagrees with 75 + name_len %u + ext_len %u = %zu",
			       body, m->name_len, m->ext_len,
			       MU_BODY_FIXED + (size_t)m->name_len + m->ext_len);
	NEED(body + 1, "extensions and n_sigs");
	memcpy(m->ext, buf + off, m->ext_len);
	m->n_sigs = buf[body];
	if (m->n_sigs < 1 || m->n_sigs > MU_SIGS_MAX)
		return mu_errf(err, "manifest: n_sigs %u is not 1..%d",
			       m->n_sigs, MU_SIGS_MAX);
	total = body + 1 + (size_t)m->n_sigs * MU_SIGENT_LEN;
	if (total > MU_MANIFEST_MAX)
		return mu_errf(err, "manifest: length %zu (body_len %zu, %u signatures) exceeds %d bytes",
			       total, body, m->n_sigs, MU_MANIFEST_MAX);
	NEED(total, "signatures");
	for (i = 0; i < m->n_sigs; i++) {
		const uint8_t *s = buf + body + 1 + i * MU_SIGENT_LEN;

		memcpy(m->sigs[i].key_id, s, MU_KEYID_LEN);
		memcpy(m->sigs[i].sig, s + MU_KEYID_LEN, MU_SIG_LEN);
	}
	if (mu_manifest_check(m, err))
		return -1;
	if (used)
		*used = total;
	else if (len != total)
		return mu_errf(err, "manifest: %zu bytes of trailing data after the signatures",
			       len - total);
	return 0;
}

static size_t write_body(const struct mu_manifest *m, uint8_t *buf)
{
	size_t off;

	memcpy(buf + OFF_MAGIC, MU_MAGIC, 4);
	buf[OFF_FORMAT] = m->format;
	buf[OFF_ALG] = m->alg;
	mu_put_be16(buf + OFF_BODY_LEN, (uint16_t)mu_manifest_body_len(m));
	mu_put_be64(buf + OFF_VERSION, m->version);
	mu_put_be64(buf + OFF_START, m->start_time);
	mu_put_be64(buf + OFF_END, m->end_time);
	mu_put_be64(buf + OFF_SIZE, m->payload_size);
	memcpy(buf + OFF_ROOT, m->root, MU_HASH_LEN);
	buf[OFF_NAME_LEN] = m->name_len;
	memcpy(buf + OFF_NAME, m->name, m->name_len);
	off = OFF_NAME + m->name_len;
	mu_put_be16(buf + off, m->ext_len);
	off += 2;
	memcpy(buf + off, m->ext, m->ext_len);
	return off + m->ext_len;
}

int mu_manifest_write_body(const struct mu_manifest *m, uint8_t *buf,
			   size_t cap, size_t *len, char *err)
{
	if (mu_manifest_check_body(m, err))
		return -1;
	if (cap < mu_manifest_body_len(m))
		return mu_errf(err, "manifest: buffer of %zu bytes too small",
			       cap);
	*len = write_body(m, buf);
	return 0;
}

int mu_manifest_serialize(const struct mu_manifest *m, uint8_t *buf,
			  size_t cap, size_t *len, char *err)
{
	size_t off, i;

	if (mu_manifest_check(m, err))
		return -1;
	if (cap < mu_manifest_len(m))
		return mu_errf(err, "manifest: buffer of %zu bytes too small",
			       cap);
	off = write_body(m, buf);
	buf[off++] = m->n_sigs;
	for (i = 0; i < m->n_sigs; i++) {
		memcpy(buf + off, m->sigs[i].key_id, MU_KEYID_LEN);
		memcpy(buf + off + MU_KEYID_LEN, m->sigs[i].sig, MU_SIG_LEN);
		off += MU_SIGENT_LEN;
	}
	*len = off;
	return 0;
}

int mu_manifest_digest(const struct mu_manifest *m,
		       uint8_t digest[MU_HASH_LEN], char *err)
{
	uint8_t buf[MU_MANIFEST_MAX];
	size_t len;

	if (mu_manifest_serialize(m, buf, sizeof(buf), &len, err))
		return -1;
	mu_sha256(buf, len, digest);
	return 0;
}

int mu_manifest_add_sig(struct mu_manifest *m,
			const uint8_t key_id[MU_KEYID_LEN],
			const uint8_t sig[MU_SIG_LEN], char *err)
{
	char hex[2 * MU_KEYID_LEN + 1];
	size_t i;

	for (i = 0; i < m->n_sigs; i++)
		if (!memcmp(m->sigs[i].key_id, key_id, MU_KEYID_LEN))
			return mu_errf(err, "signatures: key %s already signed",
				       mu_hex(key_id, MU_KEYID_LEN, hex));
	if (m->n_sigs >= MU_SIGS_MAX)
		return mu_errf(err, "signatures: already %d, no room for another",
			       MU_SIGS_MAX);
	if (mu_manifest_len(m) + MU_SIGENT_LEN > MU_MANIFEST_MAX)
		return mu_errf(err, "signatures: another would make the manifest longer than %d bytes",
			       MU_MANIFEST_MAX);
	memcpy(m->sigs[m->n_sigs].key_id, key_id, MU_KEYID_LEN);
	memcpy(m->sigs[m->n_sigs].sig, sig, MU_SIG_LEN);
	m->n_sigs++;
	return 0;
}

int mu_bundle_read_manifest(int fd, struct mu_manifest *m, off_t *payload_off,
			    char *err)
{
	uint8_t buf[MU_MANIFEST_MAX];
	struct stat st;
	size_t got = 0, used;
	uint64_t want;

	if (fstat(fd, &st) < 0)
		return mu_errf(err, "stat: %s", strerror(errno));
	while (got < sizeof(buf)) {
		ssize_t r = pread(fd, buf + got, sizeof(buf) - got,
				  (off_t)got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return mu_errf(err, "read: %s", strerror(errno));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (mu_manifest_parse(m, buf, got, &used, err))
		return -1;
	want = (uint64_t)used + m->payload_size;
	if ((uint64_t)st.st_size < want)
		return mu_errf(err, "payload: truncated, %" PRIu64 " of payload_size %" PRIu64 " bytes",
			       (uint64_t)st.st_size - used, m->payload_size);
	if ((uint64_t)st.st_size > want)
		return mu_errf(err, "payload: %" PRIu64 " bytes of trailing data after payload_size %" PRIu64,
			       (uint64_t)st.st_size - want, m->payload_size);
	if (payload_off)
		*payload_off = (off_t)used;
	return 0;
}

int mu_bundle_check(int fd, struct mu_manifest *m, off_t *payload_off,
		    char *err)
{
	uint8_t root[MU_HASH_LEN];
	off_t off;

	if (mu_bundle_read_manifest(fd, m, &off, err))
		return -1;
	if (mu_merkle_root_fd(fd, off, m->payload_size, root, err))
		return -1;
	if (memcmp(root, m->root, MU_HASH_LEN))
		return mu_errf(err, "payload: Merkle root does not match the manifest");
	if (payload_off)
		*payload_off = off;
	return 0;
}

int mu_bundle_write(int out_fd, const struct mu_manifest *m, int payload_fd,
		    off_t payload_off, char *err)
{
	uint8_t mbuf[MU_MANIFEST_MAX];
	size_t mlen;
	uint64_t left = m->payload_size, done = 0;
	uint8_t *buf;
	int ret = -1;

	if (mu_manifest_serialize(m, mbuf, sizeof(mbuf), &mlen, err))
		return -1;
	if (mu_write_full(out_fd, mbuf, mlen, err))
		return -1;
	buf = malloc(64 * 1024);
	if (!buf)
		return mu_errf(err, "out of memory");
	while (left) {
		size_t want = left < 65536 ? (size_t)left : 65536;
		ssize_t r = pread(payload_fd, buf, want,
				  payload_off + (off_t)done);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			mu_errf(err, "payload: read: %s", strerror(errno));
			goto out;
		}
		if (r == 0) {
			mu_errf(err, "payload: truncated, %" PRIu64 " of payload_size %" PRIu64 " bytes",
				done, m->payload_size);
			goto out;
		}
		if (mu_write_full(out_fd, buf, (size_t)r, err))
			goto out;
		left -= (uint64_t)r;
		done += (uint64_t)r;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}
