// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the meshup kselftests (see helper.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "helper.h"

long mu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void mu_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void mu_parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int v[ETH_ALEN] = { 0 };
	int i;

	sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]);
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = v[i];
}

int mu_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc == -1)
		return -1;
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

/* Moves the calling thread into a named namespace (ip netns). */
int mu_netns_enter(const char *ns)
{
	char path[256];
	int fd, rc;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return rc;
}

/* Runs fn inside ns and comes back; sockets fn opens stay in ns. */
int mu_in_netns(const char *ns, int (*fn)(void *), void *arg)
{
	int self, rc;

	if (!ns)
		return fn(arg);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	rc = mu_netns_enter(ns);
	if (!rc)
		rc = fn(arg);
	if (setns(self, CLONE_NEWNET))
		rc = -errno;
	close(self);
	return rc;
}

/* ---- generic netlink */

static int nl_open_here(void *arg)
{
	struct mu_nl *nl = arg;
	int rc;

	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	rc = genl_connect(nl->sk);
	if (rc < 0)
		goto err;
	nl->family = genl_ctrl_resolve(nl->sk, MESHUP_GENL_NAME);
	if (nl->family < 0) {
		rc = -ENOENT;
		goto err;
	}
	nl->events_grp = genl_ctrl_resolve_grp(nl->sk, MESHUP_GENL_NAME,
					       MESHUP_GENL_MCGRP_EVENTS);
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	return 0;
err:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return rc < 0 ? rc : -EIO;
}

int mu_nl_open(struct mu_nl *nl, const char *ns)
{
	memset(nl, 0, sizeof(*nl));
	return mu_in_netns(ns, nl_open_here, nl);
}

int mu_nl_open_events(struct mu_nl *nl, const char *ns)
{
	int rc = mu_nl_open(nl, ns);

	if (rc)
		return rc;
	if (nl->events_grp < 0 ||
	    nl_socket_add_membership(nl->sk, nl->events_grp) < 0) {
		mu_nl_close(nl);
		return -ENOENT;
	}
	nl_socket_disable_seq_check(nl->sk);
	/* Room for event bursts beyond net.core.rmem_max (we are root). */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVBUFFORCE,
		   &(int){ 8 << 20 }, sizeof(int));
	return 0;
}

void mu_nl_close(struct mu_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct req_state {
	int err;	/* 1 while waiting, then 0 or -errno */
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
};

static int cb_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct req_state *st = arg;

	st->err = e->error;
	return NL_STOP;
}

static int cb_finish(struct nl_msg *msg, void *arg)
{
	((struct req_state *)arg)->err = 0;
	return NL_SKIP;
}

static int cb_ack(struct nl_msg *msg, void *arg)
{
	((struct req_state *)arg)->err = 0;
	return NL_STOP;
}

static int cb_valid(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;
	struct nlattr *tb[MESHUP_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MESHUP_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (st->parse)
		st->parse(tb, st->arg);
	return NL_OK;
}

static struct nl_msg *mu_msg(struct mu_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(4096);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags, cmd, MESHUP_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int mu_transact(struct mu_nl *nl, struct nl_msg *msg,
		       int (*parse)(struct nlattr **, void *), void *arg)
{
	struct req_state st = { .err = 1, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int rc;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, cb_error, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, cb_finish, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, cb_ack, &st);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cb_valid, &st);
	rc = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (rc < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (st.err > 0) {
		rc = nl_recvmsgs(nl->sk, cb);
		if (rc == -NLE_AGAIN) {	/* a socket mu_nl_next() made non-blocking */
			struct pollfd pfd = { nl_socket_get_fd(nl->sk), POLLIN, 0 };

			if (poll(&pfd, 1, 30000) <= 0) {
				st.err = -ETIMEDOUT;
				break;
			}
			continue;
		}
		if (rc < 0 && st.err > 0) {
			st.err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return st.err;
}

int mu_simple_cmd(struct mu_nl *nl, int cmd)
{
	struct nl_msg *msg = mu_msg(nl, cmd, NLM_F_ACK);

	return msg ? mu_transact(nl, msg, NULL, NULL) : -ENOMEM;
}

int mu_set_params(struct mu_nl *nl, const struct mu_params *p)
{
	struct nl_msg *msg = mu_msg(nl, MESHUP_CMD_SET_PARAMS, NLM_F_ACK);
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, MESHUP_A_PARAMS);
	if (p->imin_ms)
		nla_put_u32(msg, MESHUP_PARAM_A_IMIN_MS, p->imin_ms);
	if (p->imax_doublings || p->set_doublings)
		nla_put_u32(msg, MESHUP_PARAM_A_IMAX_DOUBLINGS, p->imax_doublings);
	if (p->k)
		nla_put_u32(msg, MESHUP_PARAM_A_K, p->k);
	if (p->neigh_timeout_ms)
		nla_put_u32(msg, MESHUP_PARAM_A_NEIGH_TIMEOUT_MS, p->neigh_timeout_ms);
	nla_nest_end(msg, nest);
	return mu_transact(nl, msg, NULL, NULL);
}

static int parse_params(struct nlattr **tb, void *arg)
{
	struct nlattr *p[MESHUP_PARAM_A_MAX + 1];

	if (tb[MESHUP_A_PARAMS] &&
	    !nla_parse_nested(p, MESHUP_PARAM_A_MAX, tb[MESHUP_A_PARAMS], NULL) &&
	    p[MESHUP_PARAM_A_IMIN_MS])
		*(uint32_t *)arg = nla_get_u32(p[MESHUP_PARAM_A_IMIN_MS]);
	return 0;
}

int mu_get_params(struct mu_nl *nl, uint32_t *imin_ms)
{
	struct nl_msg *msg = mu_msg(nl, MESHUP_CMD_GET_PARAMS, NLM_F_ACK);

	*imin_ms = 0;
	return msg ? mu_transact(nl, msg, parse_params, imin_ms) : -ENOMEM;
}

int mu_set_advert(struct mu_nl *nl, uint64_t mesh_time, int n,
		  const struct meshup_beacon_entry *entries)
{
	struct nl_msg *msg = mu_msg(nl, MESHUP_CMD_SET_ADVERT, NLM_F_ACK);
	struct nlattr *list, *e;
	int i;

	if (!msg)
		return -ENOMEM;
	nla_put_u64(msg, MESHUP_A_MESH_TIME, mesh_time);
	nla_put_u8(msg, MESHUP_A_CLOCK_QUALITY, MESHUP_CLOCK_UNSYNCED);
	list = nla_nest_start(msg, MESHUP_A_ENTRIES);
	for (i = 0; i < n; i++) {
		e = nla_nest_start(msg, 0);
		nla_put(msg, MESHUP_ENTRY_A_KEY, MESHUP_KEY_LEN, &entries[i].key);
		nla_put_u32(msg, MESHUP_ENTRY_A_BLOCKS_HELD,
			    ntohl(entries[i].blocks_held));
		nla_nest_end(msg, e);
	}
	nla_nest_end(msg, list);
	return mu_transact(nl, msg, NULL, NULL);
}

int mu_send_frame(struct mu_nl *nl, int ifindex, const uint8_t *peer,
		  int type, const void *body, size_t len)
{
	struct nl_msg *msg = mu_msg(nl, MESHUP_CMD_SEND, NLM_F_ACK);

	if (!msg)
		return -ENOMEM;
	nla_put_u32(msg, MESHUP_A_IFINDEX, ifindex);
	nla_put(msg, MESHUP_A_PEER, ETH_ALEN, peer);
	nla_put_u8(msg, MESHUP_A_FRAME_TYPE, type);
	nla_put(msg, MESHUP_A_FRAME_BODY, len, body);
	return mu_transact(nl, msg, NULL, NULL);
}

struct list_state {
	void *out;
	int n, max;
};

static int parse_iface(struct nlattr **tb, void *arg)
{
	struct list_state *ls = arg;
	struct mu_iface *ifc;
	struct nlattr *s[MESHUP_STAT_A_MAX + 1];
	int i;

	if (ls->n >= ls->max)
		return 0;
	ifc = (struct mu_iface *)ls->out + ls->n++;
	memset(ifc, 0, sizeof(*ifc));
	if (tb[MESHUP_A_IFINDEX])
		ifc->ifindex = nla_get_u32(tb[MESHUP_A_IFINDEX]);
	if (tb[MESHUP_A_IFNAME])
		snprintf(ifc->name, sizeof(ifc->name), "%s",
			 nla_get_string(tb[MESHUP_A_IFNAME]));
	if (tb[MESHUP_A_TRICKLE_INTERVAL_MS])
		ifc->interval_ms = nla_get_u32(tb[MESHUP_A_TRICKLE_INTERVAL_MS]);
	if (tb[MESHUP_A_STATS] &&
	    !nla_parse_nested(s, MESHUP_STAT_A_MAX, tb[MESHUP_A_STATS], NULL))
		for (i = 1; i <= MESHUP_STAT_A_MAX; i++)
			if (s[i] && nla_len(s[i]) == 8)
				ifc->stats[i] = nla_get_u64(s[i]);
	return 0;
}

int mu_get_ifaces(struct mu_nl *nl, struct mu_iface *out, int max)
{
	struct nl_msg *msg = mu_msg(nl, MESHUP_CMD_GET_IFACES, NLM_F_DUMP);
	struct list_state ls = { out, 0, max };
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = mu_transact(nl, msg, parse_iface, &ls);
	return rc < 0 ? rc : ls.n;
}

const struct mu_iface *mu_find_iface(const struct mu_iface *v, int n,
				     int ifindex)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i].ifindex == ifindex)
			return &v[i];
	return NULL;
}

static int parse_neigh(struct nlattr **tb, void *arg)
{
	struct list_state *ls = arg;
	struct mu_neigh *ne;
	struct nlattr *e;
	int rem;

	if (ls->n >= ls->max)
		return 0;
	ne = (struct mu_neigh *)ls->out + ls->n++;
	memset(ne, 0, sizeof(*ne));
	if (tb[MESHUP_A_IFINDEX])
		ne->ifindex = nla_get_u32(tb[MESHUP_A_IFINDEX]);
	if (tb[MESHUP_A_PEER] && nla_len(tb[MESHUP_A_PEER]) == ETH_ALEN)
		memcpy(ne->mac, nla_data(tb[MESHUP_A_PEER]), ETH_ALEN);
	if (tb[MESHUP_A_ENTRIES])
		nla_for_each_nested(e, tb[MESHUP_A_ENTRIES], rem)
			ne->n_entries++;
	return 0;
}

int mu_get_neighbors(struct mu_nl *nl, struct mu_neigh *out, int max)
{
	struct nl_msg *msg = mu_msg(nl, MESHUP_CMD_GET_NEIGHBORS, NLM_F_DUMP);
	struct list_state ls = { out, 0, max };
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = mu_transact(nl, msg, parse_neigh, &ls);
	return rc < 0 ? rc : ls.n;
}

struct next_state {
	struct mu_event *ev;
	int got;
};

static int cb_event(struct nl_msg *msg, void *arg)
{
	struct next_state *ns = arg;
	struct nlattr *tb[MESHUP_A_MAX + 1];
	struct mu_event *ev = ns->ev;

	if (ns->got)
		return NL_SKIP;
	memset(ev, 0, sizeof(*ev));
	ev->cmd = genlmsg_hdr(nlmsg_hdr(msg))->cmd;
	ev->frame_type = -1;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MESHUP_A_MAX, NULL) >= 0) {
		if (tb[MESHUP_A_IFINDEX])
			ev->ifindex = nla_get_u32(tb[MESHUP_A_IFINDEX]);
		if (tb[MESHUP_A_IFNAME])
			snprintf(ev->ifname, sizeof(ev->ifname), "%s",
				 nla_get_string(tb[MESHUP_A_IFNAME]));
		if (tb[MESHUP_A_PEER] && nla_len(tb[MESHUP_A_PEER]) == ETH_ALEN) {
			memcpy(ev->peer, nla_data(tb[MESHUP_A_PEER]), ETH_ALEN);
			ev->has_peer = true;
		}
		if (tb[MESHUP_A_FRAME_TYPE])
			ev->frame_type = nla_get_u8(tb[MESHUP_A_FRAME_TYPE]);
	}
	ns->got = 1;
	return NL_OK;
}

static int cb_seq_any(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

/*
 * One message at a time: the socket is read with MSG_PEEK-free recv of one
 * datagram, which libnl's nl_recvmsgs does for a non-blocking socket.
 */
int mu_nl_next(struct mu_nl *nl, int timeout_ms, struct mu_event *ev)
{
	struct next_state ns = { ev, 0 };
	struct pollfd pfd = { nl_socket_get_fd(nl->sk), POLLIN, 0 };
	long deadline = mu_now_ms() + timeout_ms;
	struct nl_cb *cb;
	int rc = 0;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cb_event, &ns);
	/* Unsolicited messages (events, FRAME) carry sequence number 0. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, cb_seq_any, NULL);
	nl_socket_set_nonblocking(nl->sk);
	while (!ns.got) {
		long left = deadline - mu_now_ms();

		if (left <= 0)
			break;
		rc = poll(&pfd, 1, left);
		if (rc < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (rc > 0) {
			rc = nl_recvmsgs(nl->sk, cb);
			if (rc < 0 && rc != -NLE_AGAIN) {
				rc = rc == -NLE_NOMEM ? -ENOBUFS : -EIO;
				break;
			}
		}
		rc = 0;
	}
	nl_cb_put(cb);
	if (rc < 0)
		return rc;
	return ns.got;
}

int mu_nl_count(struct mu_nl *nl, int timeout_ms, int cmd,
		const uint8_t *peer, const char *ifname)
{
	long deadline = mu_now_ms() + timeout_ms;
	struct mu_event ev;
	int n = 0, rc;

	for (;;) {
		long left = deadline - mu_now_ms();

		if (left <= 0)
			break;
		rc = mu_nl_next(nl, left, &ev);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		if (ev.cmd != cmd)
			continue;
		if (peer && (!ev.has_peer || memcmp(ev.peer, peer, ETH_ALEN)))
			continue;
		if (ifname && strcmp(ev.ifname, ifname))
			continue;
		n++;
	}
	return n;
}

/* ---- raw frames */

struct pkt_arg {
	const char *ifname;
	int fd;
	int ifindex;
	uint8_t *mac;
};

static int packet_open_here(void *arg)
{
	struct pkt_arg *a = arg;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(MESHUP_ETH_P) };

	a->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(MESHUP_ETH_P));
	if (a->fd < 0)
		return -errno;
	if (a->ifname) {
		sll.sll_ifindex = if_nametoindex(a->ifname);
		if (!sll.sll_ifindex ||
		    bind(a->fd, (struct sockaddr *)&sll, sizeof(sll))) {
			close(a->fd);
			return -ENODEV;
		}
	}
	return 0;
}

int mu_packet_open(const char *ns, const char *ifname)
{
	struct pkt_arg a = { .ifname = ifname };
	int rc = mu_in_netns(ns, packet_open_here, &a);

	return rc ? rc : a.fd;
}

static int ifindex_here(void *arg)
{
	struct pkt_arg *a = arg;
	struct ifreq ifr = { 0 };
	int fd;

	a->ifindex = if_nametoindex(a->ifname);
	if (!a->ifindex)
		return -ENODEV;
	if (!a->mac)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", a->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		close(fd);
		return -errno;
	}
	close(fd);
	memcpy(a->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

int mu_ifindex(const char *ns, const char *ifname)
{
	struct pkt_arg a = { .ifname = ifname };
	int rc = mu_in_netns(ns, ifindex_here, &a);

	return rc ? rc : a.ifindex;
}

int mu_mac(const char *ns, const char *ifname, uint8_t mac[ETH_ALEN])
{
	struct pkt_arg a = { .ifname = ifname, .mac = mac };

	return mu_in_netns(ns, ifindex_here, &a);
}

size_t mu_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src,
		uint16_t magic, uint8_t version, uint8_t type,
		uint16_t body_len, const void *body, size_t body_bytes)
{
	struct ether_header *eh = (struct ether_header *)buf;
	struct meshup_hdr *h = (struct meshup_hdr *)(buf + sizeof(*eh));

	memcpy(eh->ether_dhost, dst, ETH_ALEN);
	memcpy(eh->ether_shost, src, ETH_ALEN);
	eh->ether_type = htons(MESHUP_ETH_P);
	h->magic = htons(magic);
	h->version = version;
	h->type = type;
	h->body_len = htons(body_len);
	h->reserved = 0;
	if (body_bytes)
		memcpy(h + 1, body, body_bytes);
	return sizeof(*eh) + sizeof(*h) + body_bytes;
}

int mu_packet_send(int fd, int ifindex, const void *frame, size_t len)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_ifindex = ifindex,
				   .sll_halen = ETH_ALEN };

	memcpy(sll.sll_addr, frame, ETH_ALEN);
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

void mu_drain(int fd)
{
	uint8_t buf[2048];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int mu_count_beacons(int fd, const uint8_t *src, int ms)
{
	long deadline;
	uint8_t buf[2048];
	int n = 0;

	mu_drain(fd);
	deadline = mu_now_ms() + ms;
	for (;;) {
		long left = deadline - mu_now_ms();
		struct pollfd pfd = { fd, POLLIN, 0 };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t len;

		if (left <= 0)
			break;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			       (struct sockaddr *)&from, &fl);
		if (len < (ssize_t)(ETH_HLEN + sizeof(struct meshup_hdr)))
			continue;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (memcmp(buf + ETH_ALEN, src, ETH_ALEN))
			continue;
		if (buf[ETH_HLEN + 3] == MESHUP_T_BEACON)
			n++;
	}
	return n;
}

size_t mu_beacon_body(uint8_t *buf, int n, const uint8_t ch[4], uint64_t ver)
{
	struct meshup_beacon *b = (struct meshup_beacon *)buf;
	int i;

	memset(b, 0, sizeof(*b) + n * sizeof(b->entries[0]));
	b->count = n;
	for (i = 0; i < n; i++) {
		memcpy(b->entries[i].key.channel_id, ch, 4);
		b->entries[i].key.channel_id[3] += i;
		b->entries[i].key.version = htobe64(ver);
		b->entries[i].blocks_held = htonl(1);
	}
	return sizeof(*b) + n * sizeof(b->entries[0]);
}

/*
 * A child that floods valid beacons (from 16 forged senders) out of every
 * interface of ns whose name starts with prefix, re-reading the interface
 * list as links come and go, until it is killed.
 */
pid_t mu_flood_start(const char *ns, const char *prefix)
{
	uint8_t frame[128], body[64], src[ETH_ALEN], bcast[ETH_ALEN];
	const uint8_t ch[4] = { 0xf1, 0xf2, 0xf3, 0xf4 };
	unsigned int seq = 0;
	pid_t pid = fork();
	size_t blen, len;
	int fd;

	if (pid)
		return pid;
	if (mu_netns_enter(ns))
		_exit(1);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		_exit(1);
	memset(bcast, 0xff, ETH_ALEN);
	mu_parse_mac("02:00:00:00:fe:00", src);
	blen = mu_beacon_body(body, 1, ch, 1);
	for (;;) {
		struct if_nameindex *ifs = if_nameindex(), *i;
		int round;

		for (round = 0; ifs && round < 20; round++, seq++) {
			src[5] = seq % 16;
			len = mu_frame(frame, bcast, src, MESHUP_MAGIC, 1,
				       MESHUP_T_BEACON, blen, body, blen);
			for (i = ifs; i->if_index; i++)
				if (!strncmp(i->if_name, prefix, strlen(prefix)))
					mu_packet_send(fd, i->if_index, frame, len);
			if (round % 4 == 3)
				mu_sleep_ms(1);
		}
		if (ifs)
			if_freenameindex(ifs);
		mu_sleep_ms(2);
	}
}

int mu_module_loaded(void)
{
	return access("/sys/module/meshup", F_OK) == 0;
}
