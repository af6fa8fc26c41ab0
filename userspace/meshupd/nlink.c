// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd connection to the module: open the generic netlink client,
 * register as this namespace's helper, dispatch FRAMEs. When the module is
 * not loaded or goes away, retry every second, then register again and
 * push the advert again.
 */
#include <string.h>
#include <sys/epoll.h>

#include "meshupd.h"
#include "log.h"
#include "meshtime.h"

static struct d_timer retry_timer;
static bool warned_missing;
static bool watching;

static void on_nl(int fd, uint32_t events, void *arg);

/* Watch the netlink fd only while connected: a vanished module must not
 * leave a readable fd spinning the loop. */
static void watch(bool on)
{
	if (on && !watching)
		watching = !d_loop_add_fd(mu_nl_fd(D.nl), EPOLLIN, on_nl, NULL);
	else if (!on && watching) {
		d_loop_del_fd(mu_nl_fd(D.nl));
		watching = false;
	}
}

static void on_frame(const struct mu_nl_frame *f, void *arg)
{
	switch (f->type) {
	case MESHUP_T_BEACON: {
		const uint8_t *b = f->body;
		struct mu_nl_entry e[MESHUP_BEACON_MAX_ENTRIES];
		unsigned int cnt;
		uint64_t mt;

		if (f->body_len < 11)
			return;
		mt = mu_get_be64(b);
		cnt = b[10];
		if (cnt > MESHUP_BEACON_MAX_ENTRIES || f->body_len < 11 + 24 * (size_t)cnt)
			return;
		for (unsigned int i = 0; i < cnt; i++) {
			memcpy(e[i].key, b + 11 + 24 * i, MESHUP_KEY_LEN);
			e[i].blocks_held = mu_get_be32(b + 11 + 24 * i + 20);
		}
		d_neigh_update(f->ifindex, f->peer, mt != 0,
			       (int64_t)mt - d_realtime_ms(), b[8], e, cnt);
		break;
	}
	case MESHUP_T_REQUEST:
		d_serve_request(f);
		break;
	case MESHUP_T_MANIFEST:
		d_fetch_manifest(f);
		break;
	case MESHUP_T_BLOCK:
		d_fetch_block(f);
		break;
	default:
		break;
	}
}

static const struct mu_nl_ops ops = { .frame = on_frame };

static int try_register(void)
{
	char err[MU_ERR_LEN];
	int r = mu_nl_register(D.nl, err);

	if (r) {
		if (!warned_missing)
			d_err("cannot register as helper: %s; retrying every second", err);
		warned_missing = true;
		return r;
	}
	D.registered = true;
	warned_missing = false;
	d_info("registered with the meshup module");
	d_advert_refresh(true);
	return 0;
}

static void on_nl(int fd, uint32_t events, void *arg)
{
	char err[MU_ERR_LEN];
	int r = mu_nl_recv(D.nl, err);

	if (r == -MU_NL_EGONE || mu_nl_gone(D.nl)) {
		if (D.registered)
			d_warn("meshup module went away; retrying every second");
		D.registered = false;
		watch(false);
		d_timer_arm(&retry_timer, 1000);
	} else if (r == -ENOBUFS) {
		d_warn("netlink receive buffer overflowed: frames lost");
	}
}

static void retry_cb(struct d_timer *t)
{
	char err[MU_ERR_LEN];
	int r;

	if (!D.nl) {
		r = mu_nl_open(&D.nl, &ops, NULL, err);
	} else {
		r = mu_nl_reconnect(D.nl, err);
	}
	if (r == 0) {
		watch(true);
		if (try_register() == 0)
			return;
	} else if (!warned_missing) {
		d_warn("%s; retrying every second", err);
		warned_missing = true;
	}
	d_timer_arm(&retry_timer, 1000);
}

int d_nlink_start(void)
{
	retry_timer.cb = retry_cb;
	retry_cb(&retry_timer);
	return 0;
}

int d_nlink_send(uint32_t ifindex, const uint8_t mac[6], uint8_t type,
		 const void *body, size_t len)
{
	char err[MU_ERR_LEN];
	int r;

	if (!D.nl || !D.registered)
		return -ENOTCONN;
	r = mu_nl_send(D.nl, ifindex, mac, type, body, len, err);
	if (r == -MU_NL_EGONE) {
		D.registered = false;
		watch(false);
		d_timer_arm(&retry_timer, 1000);
	} else if (r && r != -ENOBUFS && r != -EAGAIN) {
		d_dbg("send: %s", err);
	}
	return r;
}
