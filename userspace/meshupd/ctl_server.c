// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd control socket (protocol in userspace/lib/ctl.h): a Unix stream
 * socket, mode 0600; a client whose SO_PEERCRED uid is neither 0 nor ours
 * is closed at once. One request line per connection, one answer line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "meshupd.h"
#include "ctl.h"
#include "log.h"
#include "meshtime.h"

#define CTL_CLIENTS	8

struct ctl_client {
	int fd;
	size_t len;
	char buf[MU_CTL_REQ_MAX];
};

static int lfd = -1;
static struct ctl_client clients[CTL_CLIENTS];

static void client_close(struct ctl_client *c)
{
	d_loop_del_fd(c->fd);
	close(c->fd);
	c->fd = -1;
}

static json_object *jbundle(const struct d_held *h)
{
	json_object *o = json_object_new_object();
	char v[MU_VERSION_STRLEN];

	json_object_object_add(o, "version",
			       json_object_new_string(mu_version_str(h->m.version, v)));
	json_object_object_add(o, "digest", json_object_new_string(h->hex));
	json_object_object_add(o, "start", json_object_new_int64((int64_t)h->m.start_time));
	json_object_object_add(o, "end", json_object_new_int64((int64_t)h->m.end_time));
	json_object_object_add(o, "payload_size",
			       json_object_new_int64((int64_t)h->m.payload_size));
	json_object_object_add(o, "blocks", json_object_new_int64(h->t.n_blocks));
	return o;
}

static void mac_str(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static json_object *do_status(void)
{
	json_object *r = json_object_new_object(), *chans = json_object_new_array();
	json_object *peers = json_object_new_array();
	uint64_t now = d_mesh_s(), mono = d_mono_ms();
	uint8_t q;
	int64_t mt = d_mesh_ms(&q);

	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "mesh_time_ms", json_object_new_int64(mt));
	json_object_object_add(r, "clock_quality", json_object_new_int(q));
	/* the real clock at the same moment (without any test offset) */
	json_object_object_add(r, "real_time_ms", json_object_new_int64(d_realtime_ms()));
	json_object_object_add(r, "registered", json_object_new_boolean(D.registered));
	for (int ci = 0; ci < D.cfg.n_chans; ci++) {
		struct d_chan *c = &D.chans[ci];
		struct d_bref b[D_HELD_MAX];
		int idx[D_HELD_MAX], n = d_chan_brefs(c, b, idx), nw, ac, fb;
		json_object *o = json_object_new_object(), *xs = json_object_new_array();
		char id[9];

		nw = d_newest(b, n);
		ac = d_active(b, n, now);
		fb = d_fallback_any(b, n, now);
		if (fb == nw || fb == ac)
			fb = -1;
		json_object_object_add(o, "name", json_object_new_string(c->cfg->name));
		json_object_object_add(o, "id", json_object_new_string(mu_hex(c->cfg->id, 4, id)));
		json_object_object_add(o, "newest", nw >= 0 ? jbundle(&c->held[idx[nw]]) : NULL);
		json_object_object_add(o, "active", ac >= 0 ? jbundle(&c->held[idx[ac]]) : NULL);
		json_object_object_add(o, "fallback", fb >= 0 ? jbundle(&c->held[idx[fb]]) : NULL);
		json_object_object_add(o, "held", json_object_new_int(n));
		if (c->have_applied) {
			char hx[65];

			json_object_object_add(o, "applied",
					       json_object_new_string(mu_hex(c->applied, 32, hx)));
		} else {
			json_object_object_add(o, "applied", NULL);
		}
		json_object_object_add(o, "hook_status", json_object_new_int(c->hook_status));
		json_object_object_add(o, "hook_failures", json_object_new_int((int)c->hook_failures));
		json_object_object_add(o, "hook_running", json_object_new_boolean(c->hook_pid != 0));
		for (int k = 0; k < D_XFER_MAX; k++) {
			struct d_xfer *x = &D.xfers[k];
			json_object *t, *srcs;
			char v[MU_VERSION_STRLEN], hx[17];

			if (!x->used || x->chan != ci)
				continue;
			t = json_object_new_object();
			srcs = json_object_new_array();
			json_object_object_add(t, "version",
					       json_object_new_string(mu_version_str(d_key_version(x->key), v)));
			json_object_object_add(t, "digest_prefix",
					       json_object_new_string(mu_hex(x->key + 12, 8, hx)));
			json_object_object_add(t, "state", json_object_new_string(
				x->state == D_X_MANIFEST ? "manifest" : "blocks"));
			json_object_object_add(t, "blocks", json_object_new_int64(x->n_have));
			json_object_object_add(t, "of", json_object_new_int64(x->t.n_blocks));
			json_object_object_add(t, "contiguous", json_object_new_int64(x->held));
			json_object_object_add(t, "resumed", json_object_new_int64(x->resumed));
			json_object_object_add(t, "outstanding", json_object_new_int64(x->outstanding));
			json_object_object_add(t, "elapsed_ms", json_object_new_int64((int64_t)(mono - x->started)));
			for (int s = 0; s < x->nsrc; s++) {
				char ms[20];

				if (d_penalized(x->src[s].mac, x->key))
					continue;
				mac_str(x->src[s].mac, ms);
				json_object_array_add(srcs, json_object_new_string(ms));
			}
			json_object_object_add(t, "sources", srcs);
			json_object_array_add(xs, t);
		}
		json_object_object_add(o, "transfers", xs);
		json_object_array_add(chans, o);
	}
	json_object_object_add(r, "channels", chans);
	for (int i = 0; i < D_NEIGH_MAX; i++) {
		struct d_neigh *nb = &D.neigh[i];
		json_object *p;
		char ms[20];

		if (!nb->used)
			continue;
		p = json_object_new_object();
		mac_str(nb->mac, ms);
		json_object_object_add(p, "mac", json_object_new_string(ms));
		json_object_object_add(p, "ifindex", json_object_new_int64(nb->ifindex));
		json_object_object_add(p, "age_ms", json_object_new_int64((int64_t)(mono - nb->seen)));
		json_object_object_add(p, "clock_quality", json_object_new_int(nb->quality));
		if (nb->has_offset)
			json_object_object_add(p, "offset_ms", json_object_new_int64(nb->offset_ms));
		json_object_object_add(p, "entries", json_object_new_int((int)nb->n));
		json_object_array_add(peers, p);
	}
	json_object_object_add(r, "peers", peers);
	json_object_object_add(r, "store_bytes_written", json_object_new_int64((int64_t)D.store_bytes));
	json_object_object_add(r, "installs", json_object_new_int64((int64_t)D.installs));
	return r;
}

static json_object *error_obj(const char *msg)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(msg));
	return r;
}

static json_object *do_inject(const char *path)
{
	struct mu_manifest m;
	uint8_t mraw[MU_MANIFEST_MAX], digest[32];
	char err[MU_ERR_LEN], msg[MU_ERR_LEN + 64], v[MU_VERSION_STRLEN], hex[65];
	off_t poff;
	int fd, c;
	json_object *r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		return error_obj(msg);
	}
	if (mu_bundle_check(fd, &m, &poff, err) ||
	    mu_read_full(fd, mraw, (size_t)poff, 0, err)) {
		close(fd);
		snprintf(msg, sizeof(msg), "rejected: %s", err);
		d_info("rejected injected %s: %s", path, err);
		return error_obj(msg);
	}
	mu_sha256(mraw, (size_t)poff, digest);
	mu_hex(digest, 32, hex);
	c = d_check_manifest(&m, digest, err);
	if (c < 0 || d_store_install(c, mraw, (size_t)poff, fd, poff, NULL, err)) {
		close(fd);
		snprintf(msg, sizeof(msg), "rejected: %s", err);
		d_info("rejected injected %s %s (digest %.16s): %s", m.name,
		       mu_version_str(m.version, v), hex, err);
		return error_obj(msg);
	}
	close(fd);
	d_info("accepted injected %s %s (digest %.16s)", m.name,
	       mu_version_str(m.version, v), hex);
	{
		uint8_t key[MESHUP_KEY_LEN];

		d_key_of(&m, digest, key);
		d_fetch_held(key);
	}
	r = json_object_new_object();
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "result", json_object_new_string("accepted"));
	json_object_object_add(r, "channel", json_object_new_string(m.name));
	json_object_object_add(r, "version", json_object_new_string(v));
	json_object_object_add(r, "digest", json_object_new_string(hex));
	return r;
}

static void handle(struct ctl_client *c)
{
	json_object *req, *resp, *cmd, *p;
	const char *txt;
	struct timeval tv = { .tv_sec = 2 };

	c->buf[c->len] = '\0';
	req = json_tokener_parse(c->buf);
	if (!req || !json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "cmd", &cmd) ||
	    !json_object_is_type(cmd, json_type_string)) {
		resp = error_obj("malformed request");
	} else if (!strcmp(json_object_get_string(cmd), "status")) {
		resp = do_status();
	} else if (!strcmp(json_object_get_string(cmd), "inject")) {
		if (!json_object_object_get_ex(req, "path", &p) ||
		    !json_object_is_type(p, json_type_string) ||
		    json_object_get_string(p)[0] != '/')
			resp = error_obj("inject needs an absolute \"path\"");
		else
			resp = do_inject(json_object_get_string(p));
	} else {
		resp = error_obj("unknown command");
	}
	if (req)
		json_object_put(req);
	txt = json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN);
	/* answer with a bounded blocking write */
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (mu_write_full(c->fd, txt, strlen(txt), NULL) == 0)
		mu_write_full(c->fd, "\n", 1, NULL);
	json_object_put(resp);
	client_close(c);
}

static void on_client(int fd, uint32_t events, void *arg)
{
	struct ctl_client *c = arg;
	ssize_t n;

	n = read(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		client_close(c);
		return;
	}
	c->len += (size_t)n;
	if (n == 0 || memchr(c->buf, '\n', c->len) || c->len == sizeof(c->buf) - 1)
		handle(c);
}

static void on_listen(int fd, uint32_t events, void *arg)
{
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int i;

	if (cfd < 0)
		return;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) ||
	    (cr.uid != 0 && cr.uid != geteuid())) {
		d_warn("control socket: refused a client with uid %d", (int)cr.uid);
		close(cfd);
		return;
	}
	for (i = 0; i < CTL_CLIENTS; i++)
		if (clients[i].fd < 0)
			break;
	if (i == CTL_CLIENTS) {
		close(cfd);
		return;
	}
	clients[i].fd = cfd;
	clients[i].len = 0;
	if (d_loop_add_fd(cfd, EPOLLIN, on_client, &clients[i])) {
		close(cfd);
		clients[i].fd = -1;
	}
}

int d_ctl_start(char *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = D.cfg.control_socket;
	char dir[PATH_MAX], *sl;
	int fd;

	for (int i = 0; i < CTL_CLIENTS; i++)
		clients[i].fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return mu_errf(err, "control_socket %s: path too long", path);
	strcpy(sa.sun_path, path);
	snprintf(dir, sizeof(dir), "%s", path);
	sl = strrchr(dir, '/');
	if (sl && sl != dir) {
		*sl = '\0';
		mkdir(dir, 0755);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return mu_errf(err, "control socket: %s", strerror(errno));
	/* a live daemon answers on it: do not steal its socket */
	{
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (probe >= 0 && !connect(probe, (struct sockaddr *)&sa, sizeof(sa))) {
			close(probe);
			close(fd);
			return mu_errf(err, "control_socket %s: another meshupd is running", path);
		}
		if (probe >= 0)
			close(probe);
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) ||
	    listen(fd, 8)) {
		int e = errno;

		close(fd);
		return mu_errf(err, "control_socket %s: %s", path, strerror(e));
	}
	lfd = fd;
	return d_loop_add_fd(fd, EPOLLIN, on_listen, NULL) ? mu_errf(err, "epoll") : 0;
}

void d_ctl_stop(void)
{
	if (lfd < 0)
		return;
	for (int i = 0; i < CTL_CLIENTS; i++)
		if (clients[i].fd >= 0)
			client_close(&clients[i]);
	d_loop_del_fd(lfd);
	close(lfd);
	lfd = -1;
	unlink(D.cfg.control_socket);
}
