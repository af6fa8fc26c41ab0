// SPDX-License-Identifier: GPL-2.0
/*
 * meshup userspace library: the generic netlink client (see nl.h).
 *
 * libnl-genl-3 resolves the family and groups, builds and parses messages;
 * the two sockets are read with plain recv() into one buffer so that every
 * errno (ENOBUFS overruns above all) reaches the caller unchanged, and the
 * extack message of every error answer is kept.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "nl.h"
#include "nl_parse.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Large enough for any dump part the kernel builds (it sizes them by ours). */
#define NL_BUF_LEN		(64 * 1024)
/* Receive buffer of the helper socket: a few hundred 1 KiB BLOCK frames. */
#define NL_RX_RCVBUF		(1024 * 1024)
/* Datagrams mu_nl_recv() reads per call. */
#define NL_RECV_BUDGET		64
/* Longest wait for the kernel's answer to a request. */
#define NL_TIMEOUT_MS		5000

struct mu_nl {
	struct nl_sock *rx;	/* helper registration, events, nlctrl notify */
	struct nl_sock *req;	/* requests and their answers */
	int family;
	int events_grp;		/* joined group id, 0 if not subscribed */
	int notify_grp;		/* nlctrl "notify" */
	bool want_events;
	bool gone;
	uint32_t seq;
	struct mu_nl_ops ops;
	void *arg;
	uint8_t *buf;		/* NL_BUF_LEN */
};

/* ---- errors ---- */

/* "OP: extack (strerror)" or "OP: strerror" into err; returns -errnum. */
static int nl_err(char *err, const char *op, int errnum, const char *extack)
{
	if (extack && *extack)
		mu_errf(err, "%s: %s (%s)", op, extack, strerror(errnum));
	else if (errnum == MU_NL_EGONE)
		mu_errf(err, "%s: meshup kernel module was unloaded", op);
	else
		mu_errf(err, "%s: %s", op, strerror(errnum));
	return -errnum;
}

/* ---- family resolution (a throw-away libnl socket: libnl keeps its own
 * sequence state, which must not mix with ours) ---- */

static int resolve(int *family, int *events_grp, int *notify_grp, char *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	if (!sk)
		return nl_err(err, "netlink", ENOMEM, NULL);
	ret = genl_connect(sk);
	if (ret < 0) {
		mu_errf(err, "netlink: cannot open a generic netlink socket: %s",
			nl_geterror(ret));
		nl_socket_free(sk);
		return -EIO;
	}
	ret = genl_ctrl_resolve(sk, MESHUP_GENL_NAME);
	if (ret < 0) {
		if (ret == -NLE_OBJ_NOTFOUND) {
			mu_errf(err, "%s", MU_NL_NOMOD_MSG);
			ret = -ENOENT;
		} else {
			mu_errf(err, "netlink: resolving family '%s': %s",
				MESHUP_GENL_NAME, nl_geterror(ret));
			ret = -EIO;
		}
		goto out;
	}
	*family = ret;
	ret = 0;
	if (events_grp) {
		ret = genl_ctrl_resolve_grp(sk, MESHUP_GENL_NAME,
					    MESHUP_GENL_MCGRP_EVENTS);
		if (ret < 0) {
			mu_errf(err, "netlink: family '%s' has no group '%s': %s",
				MESHUP_GENL_NAME, MESHUP_GENL_MCGRP_EVENTS,
				nl_geterror(ret));
			ret = -EPROTO;
			goto out;
		}
		*events_grp = ret;
		ret = 0;
	}
	if (notify_grp) {
		ret = genl_ctrl_resolve_grp(sk, "nlctrl", "notify");
		if (ret < 0) {
			mu_errf(err, "netlink: nlctrl notify group: %s",
				nl_geterror(ret));
			ret = -EIO;
			goto out;
		}
		*notify_grp = ret;
		ret = 0;
	}
out:
	nl_socket_free(sk);
	return ret;
}

/*
 * The family may have gone (an overrun may have eaten the nlctrl notice, or
 * a request met an unknown family id): ask.  A new id means a new module.
 */
static void check_family(struct mu_nl *nl)
{
	int id = 0;

	if (nl->gone)
		return;
	if (resolve(&id, NULL, NULL, NULL) == -ENOENT ||
	    (id && id != nl->family))
		nl->gone = true;
}

/* ---- sockets ---- */

static int setsockopt_int(struct nl_sock *sk, int level, int opt, int val)
{
	return setsockopt(nl_socket_get_fd(sk), level, opt, &val, sizeof(val));
}

static struct nl_sock *open_sock(char *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	if (!sk) {
		nl_err(err, "netlink", ENOMEM, NULL);
		return NULL;
	}
	ret = genl_connect(sk);
	if (ret < 0) {
		mu_errf(err, "netlink: cannot open a generic netlink socket: %s",
			nl_geterror(ret));
		nl_socket_free(sk);
		return NULL;
	}
	/* Error answers: our extack message, not a copy of our request. */
	setsockopt_int(sk, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	setsockopt_int(sk, SOL_NETLINK, NETLINK_CAP_ACK, 1);
	return sk;
}

int mu_nl_open(struct mu_nl **out, const struct mu_nl_ops *ops, void *arg,
	       char *err)
{
	struct mu_nl *nl;
	int ret;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return nl_err(err, "netlink", ENOMEM, NULL);
	nl->buf = malloc(NL_BUF_LEN);
	if (!nl->buf) {
		free(nl);
		return nl_err(err, "netlink", ENOMEM, NULL);
	}
	if (ops)
		nl->ops = *ops;
	nl->arg = arg;
	nl->seq = (uint32_t)time(NULL);

	ret = resolve(&nl->family, NULL, &nl->notify_grp, err);
	if (ret < 0)
		goto fail;
	ret = -EIO;
	nl->rx = open_sock(err);
	if (!nl->rx)
		goto fail;
	nl->req = open_sock(err);
	if (!nl->req)
		goto fail;
	ret = nl_socket_set_nonblocking(nl->rx);
	if (ret < 0) {
		mu_errf(err, "netlink: %s", nl_geterror(ret));
		ret = -EIO;
		goto fail;
	}
	/* Best effort: SO_RCVBUFFORCE needs CAP_NET_ADMIN, monitors lack it. */
	if (setsockopt_int(nl->rx, SOL_SOCKET, SO_RCVBUFFORCE, NL_RX_RCVBUF))
		setsockopt_int(nl->rx, SOL_SOCKET, SO_RCVBUF, NL_RX_RCVBUF);
	{
		struct timeval tv = { .tv_sec = NL_TIMEOUT_MS / 1000 };

		setsockopt(nl_socket_get_fd(nl->req), SOL_SOCKET, SO_RCVTIMEO,
			   &tv, sizeof(tv));
	}
	ret = nl_socket_add_membership(nl->rx, nl->notify_grp);
	if (ret < 0) {
		mu_errf(err, "netlink: joining nlctrl notify: %s",
			nl_geterror(ret));
		ret = -EIO;
		goto fail;
	}
	*out = nl;
	return 0;
fail:
	mu_nl_close(nl);
	return ret;
}

void mu_nl_close(struct mu_nl *nl)
{
	if (!nl)
		return;
	if (nl->rx)
		nl_socket_free(nl->rx);
	if (nl->req)
		nl_socket_free(nl->req);
	free(nl->buf);
	free(nl);
}

int mu_nl_fd(const struct mu_nl *nl)
{
	return nl_socket_get_fd(nl->rx);
}

bool mu_nl_gone(const struct mu_nl *nl)
{
	return nl->gone;
}

/* ---- building and sending ---- */

static struct nl_msg *new_msg(struct mu_nl *nl, uint8_t cmd, int flags,
			      size_t payload)
{
	struct nl_msg *msg;

	msg = payload ? nlmsg_alloc_size(NLMSG_SPACE(GENL_HDRLEN + payload) +
					 256)
		      : nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, ++nl->seq, nl->family, 0,
			 flags | NLM_F_REQUEST | NLM_F_ACK, cmd,
			 MESHUP_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send msg (freed) on sk; returns 0 or -errno of send(). */
static int send_msg(struct nl_sock *sk, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	ssize_t n;

	nlh->nlmsg_pid = nl_socket_get_local_port(sk);
	do {
		n = send(nl_socket_get_fd(sk), nlh, nlh->nlmsg_len, 0);
	} while (n < 0 && errno == EINTR);
	nlmsg_free(msg);
	return n < 0 ? -errno : 0;
}

/* ---- receiving ---- */

/* recv() one datagram from fd into nl->buf; returns its length or -errno. */
static ssize_t recv_dgram(struct mu_nl *nl, int fd, int flags)
{
	ssize_t n;

	do {
		n = recv(fd, nl->buf, NL_BUF_LEN, flags | MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n > NL_BUF_LEN)
		return -EMSGSIZE;
	return n;
}

/* nlctrl notification: is it the deletion of our family? */
static bool is_our_delfamily(const struct mu_nl *nl, struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genlmsghdr *g;

	if (!genlmsg_valid_hdr(nlh, 0))
		return false;
	g = nlmsg_data(nlh);
	if (g->cmd != CTRL_CMD_DELFAMILY)
		return false;
	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0)
		return false;
	if (tb[CTRL_ATTR_FAMILY_NAME] &&
	    !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), MESHUP_GENL_NAME))
		return true;
	return tb[CTRL_ATTR_FAMILY_ID] &&
	       nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == nl->family;
}

/*
 * Dispatch one message of the receive socket.  Returns 1 if it was a FRAME
 * or an event handed to a callback, 0 if ignored, -EPROTO if malformed
 * (message in err), -MU_NL_EGONE when our family was deleted.
 */
static int dispatch(struct mu_nl *nl, struct nlmsghdr *nlh, char *err)
{
	struct genlmsghdr *g;

	if (nlh->nlmsg_type == GENL_ID_CTRL)
		return is_our_delfamily(nl, nlh) ? -MU_NL_EGONE : 0;
	if (nlh->nlmsg_type != nl->family || !genlmsg_valid_hdr(nlh, 0))
		return 0;
	g = nlmsg_data(nlh);
	if (g->cmd == MESHUP_CMD_FRAME) {
		struct mu_nl_frame f;

		if (mu_nl_parse_frame(nlh, &f, err))
			return -EPROTO;
		if (nl->ops.frame)
			nl->ops.frame(&f, nl->arg);
		return 1;
	}
	if (mu_nl_event_name(g->cmd)) {
		struct mu_nl_event e;

		if (mu_nl_parse_event(nlh, &e, err))
			return -EPROTO;
		if (nl->ops.event)
			nl->ops.event(&e, nl->arg);
		return 1;
	}
	return 0;
}

/*
 * Walk one datagram of the receive socket.  If ack_seq is not 0, the
 * NLMSG_ERROR answering it is stored in *ack (errno, >= 0) and extack.
 * Returns messages dispatched, or -MU_NL_EGONE; *bad is set to -EPROTO if
 * a message was malformed.
 */
static int walk_rx(struct mu_nl *nl, size_t len, uint32_t ack_seq, int *ack,
		   char *extack, size_t extack_len, int *bad, char *err)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;
	int rem = (int)len, count = 0, ret;

	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = nlmsg_data(nlh);
			const char *msg;

			if (!ack_seq || nlh->nlmsg_seq != ack_seq ||
			    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				continue;
			*ack = -e->error;
			msg = mu_nl_parse_extack(nlh);
			snprintf(extack, extack_len, "%s", msg ? msg : "");
			continue;
		}
		ret = dispatch(nl, nlh, err);
		if (ret == -MU_NL_EGONE) {
			nl->gone = true;
			return ret;
		}
		if (ret < 0)
			*bad = ret;
		else
			count += ret;
	}
	return count;
}

/* Drop whatever is queued on the receive socket. */
static void drain_rx(struct mu_nl *nl)
{
	int fd = mu_nl_fd(nl);
	int i;

	for (i = 0; i < 4096; i++) {
		ssize_t n = recv_dgram(nl, fd, MSG_DONTWAIT);

		if (n == -EAGAIN || n == -EWOULDBLOCK || n == 0)
			break;
	}
}

int mu_nl_recv(struct mu_nl *nl, char *err)
{
	int fd = mu_nl_fd(nl);
	int count = 0, bad = 0, i, ret;

	if (nl->gone) {
		drain_rx(nl);
		return nl_err(err, "netlink", MU_NL_EGONE, NULL);
	}
	for (i = 0; i < NL_RECV_BUDGET; i++) {
		ssize_t n = recv_dgram(nl, fd, MSG_DONTWAIT);

		if (n == -EAGAIN || n == -EWOULDBLOCK || n == 0)
			break;
		if (n == -ENOBUFS) {
			check_family(nl);
			if (nl->gone)
				return nl_err(err, "netlink", MU_NL_EGONE, NULL);
			mu_errf(err, "netlink: receive buffer overrun, "
				"messages from the module were lost");
			return -ENOBUFS;
		}
		if (n < 0)
			return nl_err(err, "netlink: recv", (int)-n, NULL);
		ret = walk_rx(nl, (size_t)n, 0, NULL, NULL, 0, &bad, err);
		if (ret < 0)
			return nl_err(err, "netlink", MU_NL_EGONE, NULL);
		count += ret;
	}
	return bad ? bad : count;
}

/*
 * A request on the receive socket (REGISTER, UNREGISTER): send, then read
 * (dispatching what else arrives) until its answer.
 */
static int rx_request(struct mu_nl *nl, uint8_t cmd, const char *op,
		      char *err)
{
	struct nl_msg *msg;
	char extack[256] = "";
	uint32_t seq;
	int ack = -1, bad = 0, ret;
	struct timespec t0, t;

	if (nl->gone)
		return nl_err(err, op, MU_NL_EGONE, NULL);
	msg = new_msg(nl, cmd, 0, 0);
	if (!msg)
		return nl_err(err, op, ENOMEM, NULL);
	seq = nl->seq;
	ret = send_msg(nl->rx, msg);
	if (ret < 0)
		return nl_err(err, op, -ret, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ack < 0) {
		struct pollfd pfd = { .fd = mu_nl_fd(nl), .events = POLLIN };
		ssize_t n;
		long waited;

		clock_gettime(CLOCK_MONOTONIC, &t);
		waited = (t.tv_sec - t0.tv_sec) * 1000 +
			 (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited >= NL_TIMEOUT_MS)
			return nl_err(err, op, ETIMEDOUT, NULL);
		ret = poll(&pfd, 1, (int)(NL_TIMEOUT_MS - waited));
		if (ret < 0 && errno != EINTR)
			return nl_err(err, op, errno, NULL);
		if (ret <= 0)
			continue;
		n = recv_dgram(nl, mu_nl_fd(nl), MSG_DONTWAIT);
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			continue;
		if (n == -ENOBUFS) {
			/* Our answer may be among what was lost. */
			check_family(nl);
			if (nl->gone)
				return nl_err(err, op, MU_NL_EGONE, NULL);
			return nl_err(err, op, ENOBUFS, "receive buffer overrun, "
				      "answer lost");
		}
		if (n < 0)
			return nl_err(err, op, (int)-n, NULL);
		ret = walk_rx(nl, (size_t)n, seq, &ack, extack, sizeof(extack),
			      &bad, err);
		if (ret == -MU_NL_EGONE)
			return nl_err(err, op, MU_NL_EGONE, NULL);
	}
	if (ack == ENOENT && !*extack) {
		check_family(nl);
		if (nl->gone)
			return nl_err(err, op, MU_NL_EGONE, NULL);
	}
	if (ack)
		return nl_err(err, op, ack, extack);
	return 0;
}

int mu_nl_register(struct mu_nl *nl, char *err)
{
	return rx_request(nl, MESHUP_CMD_REGISTER, "REGISTER", err);
}

int mu_nl_unregister(struct mu_nl *nl, char *err)
{
	return rx_request(nl, MESHUP_CMD_UNREGISTER, "UNREGISTER", err);
}

/*
 * A request on the request socket: send msg (freed), then read its answer:
 * the ack, or for a dump the parts up to NLMSG_DONE.  Data messages go to
 * each(), whose non-zero return is remembered (and stops further calls).
 */
static int req_request(struct mu_nl *nl, struct nl_msg *msg, const char *op,
		       int (*each)(struct mu_nl *nl, struct nlmsghdr *nlh,
				   void *ctx, char *err),
		       void *ctx, char *err)
{
	int fd = nl_socket_get_fd(nl->req);
	uint32_t seq = nlmsg_hdr(msg)->nlmsg_seq;
	bool dump = nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP;
	int result = 0, bad = 0, ret;
	char extack[256] = "";

	if (nl->gone) {
		nlmsg_free(msg);
		return nl_err(err, op, MU_NL_EGONE, NULL);
	}
	ret = send_msg(nl->req, msg);
	if (ret < 0)
		return nl_err(err, op, -ret, NULL);
	for (;;) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;
		ssize_t n = recv_dgram(nl, fd, 0);
		int rem;

		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return nl_err(err, op, ETIMEDOUT, NULL);
		if (n < 0)
			return nl_err(err, op, (int)-n, NULL);
		rem = (int)n;
		for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* a stale answer */
			if (nlh->nlmsg_type == NLMSG_DONE) {
				const char *m = mu_nl_parse_extack(nlh);
				int e = 0;

				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&e, nlmsg_data(nlh), sizeof(e));
				if (e < 0)
					return nl_err(err, op, -e, m);
				goto done;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = nlmsg_data(nlh);
				const char *m = mu_nl_parse_extack(nlh);

				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return nl_err(err, op, EPROTO, NULL);
				if (!e->error && dump)
					continue;
				if (!e->error)
					goto done;
				snprintf(extack, sizeof(extack), "%s",
					 m ? m : "");
				if (e->error == -ENOENT && !*extack) {
					check_family(nl);
					if (nl->gone)
						return nl_err(err, op,
							      MU_NL_EGONE, NULL);
				}
				return nl_err(err, op, -e->error, extack);
			}
			if (nlh->nlmsg_type != nl->family)
				continue;
			if (each && !result && !bad) {
				ret = each(nl, nlh, ctx, err);
				if (ret == -EPROTO)
					bad = ret;
				else
					result = ret;
			}
			if (!dump)
				goto done_data;
		}
	}
done_data:
	/* A non-dump answer with data is followed by its ack: consume it. */
	for (;;) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;
		ssize_t n = recv_dgram(nl, fd, MSG_DONTWAIT);
		int rem;

		if (n <= 0)
			break;
		rem = (int)n;
		for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_seq == seq &&
			    nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = nlmsg_data(nlh);

				if (e->error)
					return nl_err(err, op, -e->error,
						      mu_nl_parse_extack(nlh));
				goto done;
			}
		}
	}
done:
	return bad ? bad : result;
}

/* ---- the requests ---- */

int mu_nl_set_advert(struct mu_nl *nl, uint64_t mesh_time_ms,
		     uint8_t clock_quality, const struct mu_nl_entry *entries,
		     int n_entries, char *err)
{
	struct nl_msg *msg;
	struct nlattr *list, *one;
	int i;

	if (n_entries > MESHUP_BEACON_MAX_ENTRIES ||
	    n_entries < MU_NL_ENTRIES_UNCHANGED)
		return mu_errf(err, "SET_ADVERT: %d entries (at most %d)",
			       n_entries, MESHUP_BEACON_MAX_ENTRIES), -EINVAL;
	msg = new_msg(nl, MESHUP_CMD_SET_ADVERT, 0, 0);
	if (!msg)
		return nl_err(err, "SET_ADVERT", ENOMEM, NULL);
	if (nla_put_u64(msg, MESHUP_A_MESH_TIME, mesh_time_ms) < 0 ||
	    nla_put_u8(msg, MESHUP_A_CLOCK_QUALITY, clock_quality) < 0)
		goto nomem;
	if (n_entries >= 0) {
		list = nla_nest_start(msg, MESHUP_A_ENTRIES);
		if (!list)
			goto nomem;
		for (i = 0; i < n_entries; i++) {
			one = nla_nest_start(msg, 0);
			if (!one ||
			    nla_put(msg, MESHUP_ENTRY_A_KEY, MESHUP_KEY_LEN,
				    entries[i].key) < 0 ||
			    nla_put_u32(msg, MESHUP_ENTRY_A_BLOCKS_HELD,
					entries[i].blocks_held) < 0)
				goto nomem;
			nla_nest_end(msg, one);
		}
		nla_nest_end(msg, list);
	}
	return req_request(nl, msg, "SET_ADVERT", NULL, NULL, err);
nomem:
	nlmsg_free(msg);
	return nl_err(err, "SET_ADVERT", ENOMEM, NULL);
}

int mu_nl_send(struct mu_nl *nl, uint32_t ifindex,
	       const uint8_t peer[MU_NL_ETH_ALEN], uint8_t type,
	       const void *body, size_t len, char *err)
{
	struct nl_msg *msg;

	if (!len || len > MESHUP_MAX_BODY)
		return mu_errf(err, "SEND: body of %zu bytes (1..%d)", len,
			       MESHUP_MAX_BODY), -EINVAL;
	msg = new_msg(nl, MESHUP_CMD_SEND, 0, len + 64);
	if (!msg)
		return nl_err(err, "SEND", ENOMEM, NULL);
	if (nla_put_u32(msg, MESHUP_A_IFINDEX, ifindex) < 0 ||
	    nla_put(msg, MESHUP_A_PEER, MU_NL_ETH_ALEN, peer) < 0 ||
	    nla_put_u8(msg, MESHUP_A_FRAME_TYPE, type) < 0 ||
	    nla_put(msg, MESHUP_A_FRAME_BODY, (int)len, body) < 0) {
		nlmsg_free(msg);
		return nl_err(err, "SEND", ENOMEM, NULL);
	}
	return req_request(nl, msg, "SEND", NULL, NULL, err);
}

static int each_params(struct mu_nl *nl, struct nlmsghdr *nlh, void *ctx,
		       char *err)
{
	return mu_nl_parse_params(nlh, ctx, err);
}

int mu_nl_get_params(struct mu_nl *nl, struct mu_nl_params *p, char *err)
{
	struct nl_msg *msg = new_msg(nl, MESHUP_CMD_GET_PARAMS, 0, 0);
	int ret;

	memset(p, 0, sizeof(*p));
	if (!msg)
		return nl_err(err, "GET_PARAMS", ENOMEM, NULL);
	ret = req_request(nl, msg, "GET_PARAMS", each_params, p, err);
	if (!ret && !p->present)
		return mu_errf(err, "GET_PARAMS: the module sent no "
			       "parameters"), -EPROTO;
	return ret;
}

int mu_nl_set_params(struct mu_nl *nl, const struct mu_nl_params *p,
		     char *err)
{
	static const int u32s[] = {
		MESHUP_PARAM_A_IMIN_MS, MESHUP_PARAM_A_IMAX_DOUBLINGS,
		MESHUP_PARAM_A_K, MESHUP_PARAM_A_REQ_RATE,
		MESHUP_PARAM_A_REQ_BURST, MESHUP_PARAM_A_NEIGH_MAX,
		MESHUP_PARAM_A_NEIGH_TIMEOUT_MS, MESHUP_PARAM_A_IF_FILTER,
	};
	const uint32_t vals[] = {
		p->imin_ms, p->imax_doublings, p->k, p->req_rate, p->req_burst,
		p->neigh_max, p->neigh_timeout_ms, p->if_filter,
	};
	struct nl_msg *msg;
	struct nlattr *nest, *list;
	unsigned int i;

	if (p->n_if > MESHUP_IF_LIST_MAX)
		return mu_errf(err, "SET_PARAMS: %u interface names (at most "
			       "%d)", p->n_if, MESHUP_IF_LIST_MAX), -EINVAL;
	msg = new_msg(nl, MESHUP_CMD_SET_PARAMS, 0, 0);
	if (!msg)
		return nl_err(err, "SET_PARAMS", ENOMEM, NULL);
	nest = nla_nest_start(msg, MESHUP_A_PARAMS);
	if (!nest)
		goto nomem;
	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++)
		if ((p->present & MU_NL_PARAM(u32s[i])) &&
		    nla_put_u32(msg, u32s[i], vals[i]) < 0)
			goto nomem;
	if (p->present & MU_NL_PARAM(MESHUP_PARAM_A_IF_LIST)) {
		list = nla_nest_start(msg, MESHUP_PARAM_A_IF_LIST);
		if (!list)
			goto nomem;
		for (i = 0; i < p->n_if; i++) {
			size_t l = strnlen(p->if_list[i], IF_NAMESIZE);

			if (!l || l >= IF_NAMESIZE) {
				nlmsg_free(msg);
				return mu_errf(err, "SET_PARAMS: interface name "
					       "%u empty or too long", i),
				       -EINVAL;
			}
			if (nla_put_string(msg, 0, p->if_list[i]) < 0)
				goto nomem;
		}
		nla_nest_end(msg, list);
	}
	nla_nest_end(msg, nest);
	return req_request(nl, msg, "SET_PARAMS", NULL, NULL, err);
nomem:
	nlmsg_free(msg);
	return nl_err(err, "SET_PARAMS", ENOMEM, NULL);
}

struct dump_ctx {
	int (*neigh_cb)(const struct mu_nl_neigh *n, void *arg);
	int (*iface_cb)(const struct mu_nl_iface *i, void *arg);
	void *arg;
};

static int each_neigh(struct mu_nl *nl, struct nlmsghdr *nlh, void *ctx,
		      char *err)
{
	struct dump_ctx *d = ctx;
	struct mu_nl_neigh n;

	if (mu_nl_parse_neigh(nlh, &n, err))
		return -EPROTO;
	return d->neigh_cb(&n, d->arg);
}

static int each_iface(struct mu_nl *nl, struct nlmsghdr *nlh, void *ctx,
		      char *err)
{
	struct dump_ctx *d = ctx;
	struct mu_nl_iface i;

	if (mu_nl_parse_iface(nlh, &i, err))
		return -EPROTO;
	return d->iface_cb(&i, d->arg);
}

int mu_nl_get_neighbors(struct mu_nl *nl,
			int (*cb)(const struct mu_nl_neigh *n, void *arg),
			void *arg, char *err)
{
	struct dump_ctx d = { .neigh_cb = cb, .arg = arg };
	struct nl_msg *msg = new_msg(nl, MESHUP_CMD_GET_NEIGHBORS, NLM_F_DUMP,
				     0);

	if (!msg)
		return nl_err(err, "GET_NEIGHBORS", ENOMEM, NULL);
	return req_request(nl, msg, "GET_NEIGHBORS", each_neigh, &d, err);
}

int mu_nl_get_ifaces(struct mu_nl *nl,
		     int (*cb)(const struct mu_nl_iface *i, void *arg),
		     void *arg, char *err)
{
	struct dump_ctx d = { .iface_cb = cb, .arg = arg };
	struct nl_msg *msg = new_msg(nl, MESHUP_CMD_GET_IFACES, NLM_F_DUMP, 0);

	if (!msg)
		return nl_err(err, "GET_IFACES", ENOMEM, NULL);
	return req_request(nl, msg, "GET_IFACES", each_iface, &d, err);
}

/* ---- events and reconnection ---- */

static int join_events(struct mu_nl *nl, char *err)
{
	int grp = 0, ret;

	ret = resolve(&nl->family, &grp, NULL, err);
	if (ret < 0)
		return ret;
	ret = nl_socket_add_membership(nl->rx, grp);
	if (ret < 0) {
		mu_errf(err, "netlink: joining group '%s': %s",
			MESHUP_GENL_MCGRP_EVENTS, nl_geterror(ret));
		return -EIO;
	}
	nl->events_grp = grp;
	return 0;
}

int mu_nl_subscribe_events(struct mu_nl *nl, char *err)
{
	int ret;

	if (nl->gone)
		return nl_err(err, "netlink", MU_NL_EGONE, NULL);
	if (nl->events_grp)
		return 0;
	ret = join_events(nl, err);
	if (ret == 0)
		nl->want_events = true;
	return ret;
}

int mu_nl_reconnect(struct mu_nl *nl, char *err)
{
	int family = 0, ret;

	ret = resolve(&family, NULL, NULL, err);
	if (ret < 0)
		return ret;
	if (nl->events_grp) {
		/* The kernel emptied the old group; leave it all the same. */
		nl_socket_drop_membership(nl->rx, nl->events_grp);
		nl->events_grp = 0;
	}
	if (nl->gone)
		drain_rx(nl);	/* what the old module left */
	nl->family = family;
	nl->gone = false;
	if (nl->want_events)
		return join_events(nl, err);
	return 0;
}
