// SPDX-License-Identifier: GPL-2.0
/*
 * meshupctl keygen, sign, verify, inspect (PROTOCOL.md section 6):
 * everything about bundle files that needs no daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bundle.h"
#include "commands.h"
#include "keys.h"
#include "merkle.h"
#include "util.h"

#define IO_BUF	(64 * 1024)

static int fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One line on stderr, "meshupctl: ...", and the exit status. */
static int fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("meshupctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static int bad_option(const char *cmd, int argc, char **argv)
{
	const char *o = optind - 1 < argc ? argv[optind - 1] : "?";

	if (optopt && optopt != '?')
		return fail(2, "%s: option '-%c' is unknown or needs a value (see meshupctl --help)",
			    cmd, optopt);
	return fail(2, "%s: option '%s' is unknown or needs a value (see meshupctl --help)",
		    cmd, o);
}

static int open_regular(const char *path, struct stat *st, char *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return mu_errf(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return mu_errf(err, "%s: not a regular file", path);
	}
	return fd;
}

/* keygen --out KEY.pem: KEY.pem (0600) and KEY.pub.pem, prints the key id */
int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	char pub[4096], err[MU_ERR_LEN], hex[MU_KEYID_HEXLEN];
	struct mu_key k;
	size_t l;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else
			return bad_option("keygen", argc, argv);
	}
	if (!out || optind != argc)
		return fail(2, "keygen: usage: meshupctl keygen --out KEY.pem");
	l = strlen(out);
	if (l > 4 && !strcmp(out + l - 4, ".pem"))
		snprintf(pub, sizeof(pub), "%.*s.pub.pem", (int)(l - 4), out);
	else
		snprintf(pub, sizeof(pub), "%s.pub.pem", out);
	if (!access(out, F_OK))
		return fail(2, "keygen: %s exists, not overwriting a key", out);
	if (!access(pub, F_OK))
		return fail(2, "keygen: %s exists, not overwriting a key", pub);
	if (mu_key_generate(&k, err))
		return fail(1, "%s", err);
	if (mu_key_write_private(&k, out, err) ||
	    mu_key_write_public(&k, pub, err)) {
		unlink(out);
		mu_key_free(&k);
		return fail(1, "keygen: %s", err);
	}
	printf("%s\n", mu_hex(k.id, MU_KEYID_LEN, hex));
	mu_key_free(&k);
	return 0;
}

/*
 * Write manifest @m (root filled in here) and the payload read from @pfd to
 * the temporary file @a: the payload is copied and hashed in one pass, so
 * the root always describes exactly the bytes written.
 */
static int write_new_bundle(struct mu_atomic *a, struct mu_manifest *m,
			    const struct mu_key *k, int pfd, char *err)
{
	struct mu_merkle *mk = malloc(sizeof(*mk));
	uint8_t *buf = malloc(IO_BUF);
	uint8_t mbuf[MU_MANIFEST_MAX];
	uint64_t done = 0;
	off_t moff;
	size_t mlen;
	int ret = -1;

	if (!mk || !buf) {
		mu_errf(err, "out of memory");
		goto out;
	}
	/* the manifest has one signature: its length is known already */
	moff = (off_t)(mu_manifest_body_len(m) + 1 + MU_SIGENT_LEN);
	if (mu_merkle_init(mk, m->payload_size, NULL, NULL, err))
		goto out;
	while (done < m->payload_size) {
		uint64_t left = m->payload_size - done;
		size_t want = left < IO_BUF ? (size_t)left : IO_BUF;
		ssize_t r = pread(pfd, buf, want, (off_t)done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			mu_errf(err, r < 0 ? "payload: read: %s" :
				"payload: file shrank while signing (%s)",
				r < 0 ? strerror(errno) : "truncated");
			goto fail_mk;
		}
		if (mu_merkle_update(mk, buf, (size_t)r, err))
			goto fail_mk;
		if (lseek(a->fd, moff + (off_t)done, SEEK_SET) < 0 ||
		    mu_write_full(a->fd, buf, (size_t)r, err))
			goto fail_mk;
		done += (uint64_t)r;
	}
	if (mu_merkle_final(mk, m->root, err))
		goto out;
	if (mu_manifest_sign(m, k, err) ||
	    mu_manifest_serialize(m, mbuf, sizeof(mbuf), &mlen, err))
		goto out;
	if ((off_t)mlen != moff) {
		mu_errf(err, "internal: manifest length changed");
		goto out;
	}
	if (lseek(a->fd, 0, SEEK_SET) < 0 ||
	    mu_write_full(a->fd, mbuf, mlen, err))
		goto out;
	ret = 0;
	goto out;
fail_mk:
	mu_merkle_free(mk);
out:
	free(mk);
	free(buf);
	return ret;
}

static int sign_add(const char *keyfile, const char *path)
{
	char err[MU_ERR_LEN], hex[MU_KEYID_HEXLEN];
	struct mu_manifest m;
	struct mu_atomic a;
	struct mu_key k;
	struct stat st;
	off_t poff;
	int fd, ret;

	if (mu_key_load_private(&k, keyfile, err))
		return fail(2, "sign: %s", err);
	fd = open_regular(path, &st, err);
	if (fd < 0) {
		mu_key_free(&k);
		return fail(2, "sign: %s", err);
	}
	if (mu_bundle_check(fd, &m, &poff, err)) {
		ret = fail(2, "sign: %s: %s", path, err);
		goto out;
	}
	if (mu_manifest_sign(&m, &k, err)) {
		ret = fail(2, "sign: %s: %s", path, err);
		goto out;
	}
	if (mu_atomic_open(&a, path, st.st_mode & 07777, err)) {
		ret = fail(1, "sign: %s", err);
		goto out;
	}
	if (mu_bundle_write(a.fd, &m, fd, poff, err)) {
		mu_atomic_abort(&a);
		ret = fail(1, "sign: %s: %s", path, err);
		goto out;
	}
	if (mu_atomic_commit(&a, err)) {
		ret = fail(1, "sign: %s", err);
		goto out;
	}
	printf("%s: signed by %s (%u signatures)\n", path,
	       mu_hex(k.id, MU_KEYID_LEN, hex), m.n_sigs);
	ret = 0;
out:
	close(fd);
	mu_key_free(&k);
	return ret;
}

/*
 * sign --key KEY.pem --channel NAME --version X.Y.Z [--start TIME]
 *      [--end TIME] --payload FILE --out B.mub
 * sign --add --key KEY.pem B.mub
 */
int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "channel", required_argument, NULL, 'c' },
		{ "version", required_argument, NULL, 'v' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "payload", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "add", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *channel = NULL, *version = NULL;
	const char *start = NULL, *end = NULL, *payload = NULL, *out = NULL;
	char err[MU_ERR_LEN], hex[2 * MU_HASH_LEN + 1];
	uint64_t ver, st_time = 0, en_time = 0;
	uint8_t zero[MU_HASH_LEN] = { 0 }, digest[MU_HASH_LEN];
	struct mu_manifest m;
	struct mu_atomic a;
	struct mu_key k;
	struct stat st;
	int add = 0, c, pfd;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:c:v:s:e:p:o:a", opts,
				NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'c': channel = optarg; break;
		case 'v': version = optarg; break;
		case 's': start = optarg; break;
		case 'e': end = optarg; break;
		case 'p': payload = optarg; break;
		case 'o': out = optarg; break;
		case 'a': add = 1; break;
		default: return bad_option("sign", argc, argv);
		}
	}
	if (add) {
		if (!key || optind != argc - 1 || channel || version ||
		    start || end || payload || out)
			return fail(2, "sign: usage: meshupctl sign --add --key KEY.pem B.mub");
		return sign_add(key, argv[optind]);
	}
	if (optind != argc)
		return fail(2, "sign: unexpected argument '%s'", argv[optind]);
	if (!key || !channel || !version || !payload || !out)
		return fail(2, "sign: --key, --channel, --version, --payload and --out are required");
	if (mu_channel_name_check(channel, strlen(channel), err))
		return fail(2, "sign: --channel '%.40s': %s", channel, err);
	if (mu_version_parse(version, &ver, err))
		return fail(2, "sign: --version: %s", err);
	if (start && mu_time_parse(start, &st_time, err))
		return fail(2, "sign: --start: %s", err);
	if (end && mu_time_parse(end, &en_time, err))
		return fail(2, "sign: --end: %s", err);
	if (end && en_time == 0)
		return fail(2, "sign: --end 0 is not a time (leave --end out for a stable bundle)");
	if (en_time && en_time <= st_time)
		return fail(2, "sign: --end %" PRIu64 " is not after --start %" PRIu64,
			    en_time, st_time);
	if (mu_key_load_private(&k, key, err))
		return fail(2, "sign: %s", err);
	pfd = open_regular(payload, &st, err);
	if (pfd < 0) {
		mu_key_free(&k);
		return fail(2, "sign: --payload %s", err);
	}
	if (mu_manifest_build(&m, channel, ver, st_time, en_time,
			      (uint64_t)st.st_size, zero, err)) {
		close(pfd);
		mu_key_free(&k);
		return fail(2, "sign: --payload %s: %s", payload, err);
	}
	if (mu_atomic_open(&a, out, 0644, err)) {
		close(pfd);
		mu_key_free(&k);
		return fail(1, "sign: %s", err);
	}
	if (write_new_bundle(&a, &m, &k, pfd, err)) {
		mu_atomic_abort(&a);
		close(pfd);
		mu_key_free(&k);
		return fail(1, "sign: %s", err);
	}
	close(pfd);
	mu_key_free(&k);
	if (mu_atomic_commit(&a, err))
		return fail(1, "sign: %s", err);
	mu_manifest_digest(&m, digest, NULL);
	printf("%s: %s %s digest %s\n", out, m.name,
	       mu_version_str(m.version, (char[MU_VERSION_STRLEN]){ 0 }),
	       mu_hex(digest, MU_HASH_LEN, hex));
	return 0;
}

static void add_time(struct json_object *o, const char *name, uint64_t t)
{
	json_object_object_add(o, name, json_object_new_uint64(t));
}

static const char *fmt_time(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t)
		return "0";
	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRIu64, t);
	return buf;
}

/* The manifest and tree fields as JSON (inspect --json, verify --json). */
static struct json_object *manifest_json(const struct mu_manifest *m,
					 const char *path)
{
	struct json_object *o = json_object_new_object();
	struct json_object *sigs = json_object_new_array();
	struct json_object *exts = json_object_new_array();
	char hex[2 * MU_MANIFEST_MAX + 1], v[MU_VERSION_STRLEN];
	uint8_t id[MU_CHANNEL_ID_LEN], digest[MU_HASH_LEN];
	struct mu_tree t;
	const uint8_t *val;
	uint8_t type, vlen;
	size_t off = 0, i;

	mu_tree_init(&t, m->payload_size, NULL);
	mu_manifest_channel_id(m, id);
	mu_manifest_digest(m, digest, NULL);
	json_object_object_add(o, "file", json_object_new_string(path));
	json_object_object_add(o, "channel", json_object_new_string(m->name));
	json_object_object_add(o, "channel_id",
			       json_object_new_string(mu_hex(id, 4, hex)));
	json_object_object_add(o, "version",
			       json_object_new_string(mu_version_str(m->version, v)));
	json_object_object_add(o, "version_u64",
			       json_object_new_uint64(m->version));
	add_time(o, "start_time", m->start_time);
	add_time(o, "end_time", m->end_time);
	json_object_object_add(o, "stable", json_object_new_boolean(!m->end_time));
	json_object_object_add(o, "payload_size",
			       json_object_new_uint64(m->payload_size));
	json_object_object_add(o, "root",
			       json_object_new_string(mu_hex(m->root, 32, hex)));
	json_object_object_add(o, "digest",
			       json_object_new_string(mu_hex(digest, 32, hex)));
	json_object_object_add(o, "digest_prefix",
			       json_object_new_string(mu_hex(digest, 8, hex)));
	json_object_object_add(o, "body_len",
			       json_object_new_int((int)mu_manifest_body_len(m)));
	json_object_object_add(o, "manifest_len",
			       json_object_new_int((int)mu_manifest_len(m)));
	json_object_object_add(o, "chunks", json_object_new_int64(t.n_chunks));
	json_object_object_add(o, "hash_blocks",
			       json_object_new_int64(t.n_hash_blocks));
	json_object_object_add(o, "blocks", json_object_new_int64(t.n_blocks));
	while (mu_ext_next(m->ext, m->ext_len, &off, &type, &vlen, &val) > 0) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "type", json_object_new_int(type));
		json_object_object_add(e, "len", json_object_new_int(vlen));
		json_object_object_add(e, "value",
				       json_object_new_string(mu_hex(val, vlen, hex)));
		json_object_array_add(exts, e);
	}
	json_object_object_add(o, "extensions", exts);
	for (i = 0; i < m->n_sigs; i++) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "key_id",
				       json_object_new_string(mu_hex(m->sigs[i].key_id, 8, hex)));
		json_object_array_add(sigs, s);
	}
	json_object_object_add(o, "signatures", sigs);
	return o;
}

static void print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void print_manifest(const struct mu_manifest *m)
{
	char hex[2 * MU_MANIFEST_MAX + 1], v[MU_VERSION_STRLEN], tb[32];
	uint8_t id[MU_CHANNEL_ID_LEN], digest[MU_HASH_LEN];
	struct mu_tree t;
	const uint8_t *val;
	uint8_t type, vlen;
	size_t off = 0;

	mu_tree_init(&t, m->payload_size, NULL);
	mu_manifest_channel_id(m, id);
	mu_manifest_digest(m, digest, NULL);
	printf("channel:      %s (id %s)\n", m->name, mu_hex(id, 4, hex));
	printf("version:      %s\n", mu_version_str(m->version, v));
	printf("start_time:   %" PRIu64 " (%s)\n", m->start_time,
	       m->start_time ? fmt_time(m->start_time, tb, sizeof(tb)) : "at once");
	printf("end_time:     %" PRIu64 " (%s)\n", m->end_time,
	       m->end_time ? fmt_time(m->end_time, tb, sizeof(tb)) : "stable");
	printf("payload_size: %" PRIu64 "\n", m->payload_size);
	printf("root:         %s\n", mu_hex(m->root, 32, hex));
	printf("digest:       %s\n", mu_hex(digest, 32, hex));
	printf("manifest:     %zu bytes (body %zu)\n", mu_manifest_len(m),
	       mu_manifest_body_len(m));
	printf("blocks:       %" PRIu32 " (%" PRIu32 " hash blocks, %" PRIu32 " chunks)\n",
	       t.n_blocks, t.n_hash_blocks, t.n_chunks);
	while (mu_ext_next(m->ext, m->ext_len, &off, &type, &vlen, &val) > 0)
		printf("extension:    type %u len %u %s\n", type, vlen,
		       mu_hex(val, vlen, hex));
}

/* Open @path and check it as a bundle file (manifest, size, root). */
static int load_bundle(const char *cmd, const char *path,
		       struct mu_manifest *m)
{
	char err[MU_ERR_LEN];
	struct stat st;
	int fd = open_regular(path, &st, err), r;

	if (fd < 0)
		return fail(2, "%s: %s", cmd, err);
	r = mu_bundle_check(fd, m, NULL, err);
	close(fd);
	if (r)
		return fail(2, "%s: %s: %s", cmd, path, err);
	return 0;
}

/* verify --keys DIR [--threshold N] [--json] B.mub */
int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "threshold", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keys = NULL, *path;
	unsigned long threshold = 1;
	char err[MU_ERR_LEN], hex[MU_KEYID_HEXLEN], *endp;
	struct mu_sig_report rep;
	struct mu_manifest m;
	struct mu_keyring kr;
	int json = 0, c, r, i;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:t:j", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keys = optarg;
			break;
		case 't':
			errno = 0;
			threshold = strtoul(optarg, &endp, 10);
			if (errno || *endp || optarg[0] < '1' ||
			    optarg[0] > '9' || threshold > MU_SIGS_MAX)
				return fail(2, "verify: --threshold '%.20s' is not 1..%d",
					    optarg, MU_SIGS_MAX);
			break;
		case 'j':
			json = 1;
			break;
		default:
			return bad_option("verify", argc, argv);
		}
	}
	if (!keys || optind != argc - 1)
		return fail(2, "verify: usage: meshupctl verify --keys DIR [--threshold N] [--json] B.mub");
	path = argv[optind];
	r = load_bundle("verify", path, &m);
	if (r)
		return r;
	mu_keyring_init(&kr);
	if (mu_keyring_load_dir(&kr, keys, err)) {
		mu_keyring_free(&kr);
		return fail(2, "verify: %s", err);
	}
	r = mu_manifest_verify(&m, &kr, (unsigned int)threshold, &rep, err);
	mu_keyring_free(&kr);
	if (json) {
		struct json_object *o = manifest_json(&m, path);
		struct json_object *sigs = json_object_new_array();

		for (i = 0; i < (int)rep.n_sigs; i++) {
			struct json_object *s = json_object_new_object();

			json_object_object_add(s, "key_id",
					       json_object_new_string(mu_hex(rep.sig[i].key_id, 8, hex)));
			json_object_object_add(s, "status",
					       json_object_new_string(mu_sig_status_str(rep.sig[i].status)));
			json_object_array_add(sigs, s);
		}
		json_object_object_add(o, "signatures", sigs);
		json_object_object_add(o, "threshold",
				       json_object_new_int((int)threshold));
		json_object_object_add(o, "valid_signers",
				       json_object_new_int((int)rep.valid));
		json_object_object_add(o, "ok", json_object_new_boolean(!r));
		print_json(o);
		json_object_put(o);
	} else {
		for (i = 0; i < (int)rep.n_sigs; i++)
			printf("signature %s: %s\n",
			       mu_hex(rep.sig[i].key_id, 8, hex),
			       mu_sig_status_str(rep.sig[i].status));
		if (!r)
			printf("%s: ok (%u of %lu trusted signatures)\n", path,
			       rep.valid, threshold);
	}
	if (r)
		return fail(1, "verify: %s: %s", path, err);
	return 0;
}

/* inspect [--json] B.mub */
int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char hex[MU_KEYID_HEXLEN];
	struct mu_manifest m;
	int json = 0, c, r;
	size_t i;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else
			return bad_option("inspect", argc, argv);
	}
	if (optind != argc - 1)
		return fail(2, "inspect: usage: meshupctl inspect [--json] B.mub");
	r = load_bundle("inspect", argv[optind], &m);
	if (r)
		return r;
	if (json) {
		struct json_object *o = manifest_json(&m, argv[optind]);

		print_json(o);
		json_object_put(o);
		return 0;
	}
	print_manifest(&m);
	for (i = 0; i < m.n_sigs; i++)
		printf("signature:    %s\n", mu_hex(m.sigs[i].key_id, 8, hex));
	return 0;
}
