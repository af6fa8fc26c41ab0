// SPDX-License-Identifier: GPL-2.0
/*
 * meshup userspace library: parsing of the module's generic netlink messages
 * (see nl_parse.h) and the names used to print them.
 */
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nl_parse.h"
#include "util.h"

static struct nla_policy top_policy[MESHUP_A_MAX + 1] = {
	[MESHUP_A_IFINDEX] = { .type = NLA_U32 },
	[MESHUP_A_IFNAME] = { .type = NLA_STRING, .maxlen = IF_NAMESIZE },
	[MESHUP_A_PEER] = { .type = NLA_UNSPEC, .minlen = MU_NL_ETH_ALEN },
	[MESHUP_A_FRAME_TYPE] = { .type = NLA_U8 },
	[MESHUP_A_FRAME_VERSION] = { .type = NLA_U8 },
	[MESHUP_A_FRAME_BODY] = { .type = NLA_UNSPEC },
	[MESHUP_A_MESH_TIME] = { .type = NLA_U64 },
	[MESHUP_A_CLOCK_QUALITY] = { .type = NLA_U8 },
	[MESHUP_A_ENTRIES] = { .type = NLA_NESTED },
	[MESHUP_A_PARAMS] = { .type = NLA_NESTED },
	[MESHUP_A_NEIGH_AGE_MS] = { .type = NLA_U32 },
	[MESHUP_A_NEIGH_OFFSET_MS] = { .type = NLA_U64 },
	[MESHUP_A_TRICKLE_INTERVAL_MS] = { .type = NLA_U32 },
	[MESHUP_A_STATS] = { .type = NLA_NESTED },
	[MESHUP_A_DROP_REASON] = { .type = NLA_U32 },
};

static struct nla_policy entry_policy[MESHUP_ENTRY_A_MAX + 1] = {
	[MESHUP_ENTRY_A_KEY] = { .type = NLA_UNSPEC, .minlen = MESHUP_KEY_LEN },
	[MESHUP_ENTRY_A_BLOCKS_HELD] = { .type = NLA_U32 },
};

static struct nla_policy param_policy[MESHUP_PARAM_A_MAX + 1] = {
	[MESHUP_PARAM_A_IMIN_MS] = { .type = NLA_U32 },
	[MESHUP_PARAM_A_IMAX_DOUBLINGS] = { .type = NLA_U32 },
	[MESHUP_PARAM_A_K] = { .type = NLA_U32 },
	[MESHUP_PARAM_A_REQ_RATE] = { .type = NLA_U32 },
	[MESHUP_PARAM_A_REQ_BURST] = { .type = NLA_U32 },
	[MESHUP_PARAM_A_NEIGH_MAX] = { .type = NLA_U32 },
	[MESHUP_PARAM_A_NEIGH_TIMEOUT_MS] = { .type = NLA_U32 },
	[MESHUP_PARAM_A_IF_FILTER] = { .type = NLA_U32 },
	[MESHUP_PARAM_A_IF_LIST] = { .type = NLA_NESTED },
};

static const char *const top_names[MESHUP_A_MAX + 1] = {
	[MESHUP_A_IFINDEX] = "IFINDEX",
	[MESHUP_A_IFNAME] = "IFNAME",
	[MESHUP_A_PEER] = "PEER",
	[MESHUP_A_FRAME_TYPE] = "FRAME_TYPE",
	[MESHUP_A_FRAME_VERSION] = "FRAME_VERSION",
	[MESHUP_A_FRAME_BODY] = "FRAME_BODY",
	[MESHUP_A_MESH_TIME] = "MESH_TIME",
	[MESHUP_A_CLOCK_QUALITY] = "CLOCK_QUALITY",
	[MESHUP_A_ENTRIES] = "ENTRIES",
	[MESHUP_A_PARAMS] = "PARAMS",
	[MESHUP_A_NEIGH_AGE_MS] = "NEIGH_AGE_MS",
	[MESHUP_A_NEIGH_OFFSET_MS] = "NEIGH_OFFSET_MS",
	[MESHUP_A_TRICKLE_INTERVAL_MS] = "TRICKLE_INTERVAL_MS",
	[MESHUP_A_STATS] = "STATS",
	[MESHUP_A_DROP_REASON] = "DROP_REASON",
};

static const char *const cmd_names[MESHUP_CMD_MAX + 1] = {
	[MESHUP_CMD_FRAME] = "FRAME",
	[MESHUP_CMD_GET_PARAMS] = "GET_PARAMS",
	[MESHUP_CMD_GET_NEIGHBORS] = "GET_NEIGHBORS",
	[MESHUP_CMD_GET_IFACES] = "GET_IFACES",
	[MESHUP_CMD_EVT_NEIGH_NEW] = "EVT_NEIGH_NEW",
	[MESHUP_CMD_EVT_NEIGH_CHANGED] = "EVT_NEIGH_CHANGED",
	[MESHUP_CMD_EVT_NEIGH_LOST] = "EVT_NEIGH_LOST",
	[MESHUP_CMD_EVT_IFACE_ADDED] = "EVT_IFACE_ADDED",
	[MESHUP_CMD_EVT_IFACE_REMOVED] = "EVT_IFACE_REMOVED",
	[MESHUP_CMD_EVT_DROP] = "EVT_DROP",
};

static const char *cmd_name(unsigned int cmd)
{
	if (cmd <= MESHUP_CMD_MAX && cmd_names[cmd])
		return cmd_names[cmd];
	return "unknown";
}

static int parse_top(const struct nlmsghdr *nlh, struct nlattr **tb,
		     uint8_t *cmd, char *err)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	int ret;

	if (!genlmsg_valid_hdr(h, 0))
		return mu_errf(err, "netlink: message too short for a "
			       "genetlink header"), -EPROTO;
	*cmd = ((struct genlmsghdr *)nlmsg_data(h))->cmd;
	ret = genlmsg_parse(h, 0, tb, MESHUP_A_MAX, top_policy);
	if (ret < 0)
		return mu_errf(err, "netlink: %s message: malformed attribute",
			       cmd_name(*cmd)), -EPROTO;
	return 0;
}

static int missing(uint8_t cmd, int attr, char *err)
{
	mu_errf(err, "netlink: %s message: attribute %s missing or malformed",
		cmd_name(cmd), top_names[attr] ? top_names[attr] : "?");
	return -EPROTO;
}

static int get_peer(struct nlattr **tb, uint8_t cmd, uint8_t *peer,
		    char *err)
{
	if (!tb[MESHUP_A_PEER] || nla_len(tb[MESHUP_A_PEER]) != MU_NL_ETH_ALEN)
		return missing(cmd, MESHUP_A_PEER, err);
	memcpy(peer, nla_data(tb[MESHUP_A_PEER]), MU_NL_ETH_ALEN);
	return 0;
}

static int get_ifname(struct nlattr **tb, uint8_t cmd, char *name, char *err)
{
	struct nlattr *a = tb[MESHUP_A_IFNAME];

	if (!a || nla_len(a) < 2 || nla_len(a) > IF_NAMESIZE ||
	    strnlen(nla_data(a), nla_len(a)) != (size_t)nla_len(a) - 1)
		return missing(cmd, MESHUP_A_IFNAME, err);
	memcpy(name, nla_data(a), nla_len(a));
	return 0;
}

static int parse_entries(struct nlattr *list, uint8_t cmd,
			 struct mu_nl_entry *e, unsigned int *n, char *err)
{
	struct nlattr *etb[MESHUP_ENTRY_A_MAX + 1];
	struct nlattr *it;
	int rem;

	*n = 0;
	nla_for_each_nested(it, list, rem) {
		if (*n >= MESHUP_BEACON_MAX_ENTRIES)
			return mu_errf(err, "netlink: %s message: more than %d "
				       "entries", cmd_name(cmd),
				       MESHUP_BEACON_MAX_ENTRIES), -EPROTO;
		if (nla_parse_nested(etb, MESHUP_ENTRY_A_MAX, it,
				     entry_policy) < 0 ||
		    !etb[MESHUP_ENTRY_A_KEY] ||
		    nla_len(etb[MESHUP_ENTRY_A_KEY]) != MESHUP_KEY_LEN ||
		    !etb[MESHUP_ENTRY_A_BLOCKS_HELD])
			return mu_errf(err, "netlink: %s message: entry %u "
				       "malformed (needs KEY of %d bytes and "
				       "BLOCKS_HELD)", cmd_name(cmd), *n,
				       MESHUP_KEY_LEN), -EPROTO;
		memcpy(e[*n].key, nla_data(etb[MESHUP_ENTRY_A_KEY]),
		       MESHUP_KEY_LEN);
		e[*n].blocks_held = nla_get_u32(etb[MESHUP_ENTRY_A_BLOCKS_HELD]);
		(*n)++;
	}
	return 0;
}

/* The body of a GET_NEIGHBORS message, also EVT_NEIGH_NEW/CHANGED. */
static int neigh_from_tb(struct nlattr **tb, uint8_t cmd,
			 struct mu_nl_neigh *n, char *err)
{
	memset(n, 0, sizeof(*n));
	if (!tb[MESHUP_A_IFINDEX])
		return missing(cmd, MESHUP_A_IFINDEX, err);
	n->ifindex = nla_get_u32(tb[MESHUP_A_IFINDEX]);
	if (get_peer(tb, cmd, n->peer, err))
		return -EPROTO;
	if (!tb[MESHUP_A_NEIGH_AGE_MS])
		return missing(cmd, MESHUP_A_NEIGH_AGE_MS, err);
	n->age_ms = nla_get_u32(tb[MESHUP_A_NEIGH_AGE_MS]);
	if (tb[MESHUP_A_NEIGH_OFFSET_MS]) {
		n->offset_ms = (int64_t)nla_get_u64(tb[MESHUP_A_NEIGH_OFFSET_MS]);
		n->has_offset = true;
	}
	if (!tb[MESHUP_A_CLOCK_QUALITY])
		return missing(cmd, MESHUP_A_CLOCK_QUALITY, err);
	n->clock_quality = nla_get_u8(tb[MESHUP_A_CLOCK_QUALITY]);
	if (!tb[MESHUP_A_MESH_TIME])
		return missing(cmd, MESHUP_A_MESH_TIME, err);
	n->mesh_time_ms = nla_get_u64(tb[MESHUP_A_MESH_TIME]);
	/* A beacon without entries may come without the nest. */
	if (tb[MESHUP_A_ENTRIES])
		return parse_entries(tb[MESHUP_A_ENTRIES], cmd, n->entries,
				     &n->n_entries, err);
	return 0;
}

int mu_nl_parse_frame(const struct nlmsghdr *nlh, struct mu_nl_frame *f,
		      char *err)
{
	struct nlattr *tb[MESHUP_A_MAX + 1];
	uint8_t cmd;

	if (parse_top(nlh, tb, &cmd, err))
		return -EPROTO;
	memset(f, 0, sizeof(*f));
	if (!tb[MESHUP_A_IFINDEX])
		return missing(cmd, MESHUP_A_IFINDEX, err);
	f->ifindex = nla_get_u32(tb[MESHUP_A_IFINDEX]);
	if (get_peer(tb, cmd, f->peer, err))
		return -EPROTO;
	if (!tb[MESHUP_A_FRAME_TYPE])
		return missing(cmd, MESHUP_A_FRAME_TYPE, err);
	f->type = nla_get_u8(tb[MESHUP_A_FRAME_TYPE]);
	if (!tb[MESHUP_A_FRAME_VERSION])
		return missing(cmd, MESHUP_A_FRAME_VERSION, err);
	f->version = nla_get_u8(tb[MESHUP_A_FRAME_VERSION]);
	if (!tb[MESHUP_A_FRAME_BODY])
		return missing(cmd, MESHUP_A_FRAME_BODY, err);
	f->body = nla_data(tb[MESHUP_A_FRAME_BODY]);
	f->body_len = (size_t)nla_len(tb[MESHUP_A_FRAME_BODY]);
	return 0;
}

int mu_nl_parse_neigh(const struct nlmsghdr *nlh, struct mu_nl_neigh *n,
		      char *err)
{
	struct nlattr *tb[MESHUP_A_MAX + 1];
	uint8_t cmd;

	if (parse_top(nlh, tb, &cmd, err))
		return -EPROTO;
	return neigh_from_tb(tb, cmd, n, err);
}

int mu_nl_parse_iface(const struct nlmsghdr *nlh, struct mu_nl_iface *i,
		      char *err)
{
	struct nlattr *tb[MESHUP_A_MAX + 1];
	struct nlattr *it;
	uint8_t cmd;
	int rem;

	if (parse_top(nlh, tb, &cmd, err))
		return -EPROTO;
	memset(i, 0, sizeof(*i));
	if (!tb[MESHUP_A_IFINDEX])
		return missing(cmd, MESHUP_A_IFINDEX, err);
	i->ifindex = nla_get_u32(tb[MESHUP_A_IFINDEX]);
	if (get_ifname(tb, cmd, i->name, err))
		return -EPROTO;
	if (!tb[MESHUP_A_TRICKLE_INTERVAL_MS])
		return missing(cmd, MESHUP_A_TRICKLE_INTERVAL_MS, err);
	i->trickle_interval_ms = nla_get_u32(tb[MESHUP_A_TRICKLE_INTERVAL_MS]);
	if (!tb[MESHUP_A_STATS])
		return missing(cmd, MESHUP_A_STATS, err);
	nla_for_each_nested(it, tb[MESHUP_A_STATS], rem) {
		int t = nla_type(it);

		/* Counters a newer module adds are skipped. */
		if (t <= MESHUP_STAT_A_UNSPEC || t > MESHUP_STAT_A_MAX ||
		    t == MESHUP_STAT_A_PAD)
			continue;
		if (nla_len(it) != 8)
			return mu_errf(err, "netlink: %s message: counter %s "
				       "is not a u64", cmd_name(cmd),
				       mu_nl_stat_name((unsigned int)t)),
			       -EPROTO;
		i->stats[t] = nla_get_u64(it);
		i->stats_present |= 1ULL << t;
	}
	return 0;
}

int mu_nl_parse_params(const struct nlmsghdr *nlh, struct mu_nl_params *p,
		       char *err)
{
	static const size_t off[MESHUP_PARAM_A_MAX + 1] = {
		[MESHUP_PARAM_A_IMIN_MS] = offsetof(struct mu_nl_params, imin_ms),
		[MESHUP_PARAM_A_IMAX_DOUBLINGS] =
			offsetof(struct mu_nl_params, imax_doublings),
		[MESHUP_PARAM_A_K] = offsetof(struct mu_nl_params, k),
		[MESHUP_PARAM_A_REQ_RATE] = offsetof(struct mu_nl_params, req_rate),
		[MESHUP_PARAM_A_REQ_BURST] =
			offsetof(struct mu_nl_params, req_burst),
		[MESHUP_PARAM_A_NEIGH_MAX] =
			offsetof(struct mu_nl_params, neigh_max),
		[MESHUP_PARAM_A_NEIGH_TIMEOUT_MS] =
			offsetof(struct mu_nl_params, neigh_timeout_ms),
		[MESHUP_PARAM_A_IF_FILTER] =
			offsetof(struct mu_nl_params, if_filter),
	};
	struct nlattr *tb[MESHUP_A_MAX + 1];
	struct nlattr *ptb[MESHUP_PARAM_A_MAX + 1];
	struct nlattr *it;
	uint8_t cmd;
	int a, rem;

	if (parse_top(nlh, tb, &cmd, err))
		return -EPROTO;
	memset(p, 0, sizeof(*p));
	if (!tb[MESHUP_A_PARAMS])
		return missing(cmd, MESHUP_A_PARAMS, err);
	if (nla_parse_nested(ptb, MESHUP_PARAM_A_MAX, tb[MESHUP_A_PARAMS],
			     param_policy) < 0)
		return mu_errf(err, "netlink: %s message: malformed PARAMS",
			       cmd_name(cmd)), -EPROTO;
	for (a = MESHUP_PARAM_A_IMIN_MS; a <= MESHUP_PARAM_A_IF_FILTER; a++) {
		if (!ptb[a])
			continue;
		*(uint32_t *)((char *)p + off[a]) = nla_get_u32(ptb[a]);
		p->present |= MU_NL_PARAM(a);
	}
	if (ptb[MESHUP_PARAM_A_IF_LIST]) {
		p->present |= MU_NL_PARAM(MESHUP_PARAM_A_IF_LIST);
		nla_for_each_nested(it, ptb[MESHUP_PARAM_A_IF_LIST], rem) {
			size_t len = (size_t)nla_len(it);

			if (p->n_if >= MESHUP_IF_LIST_MAX || len < 2 ||
			    len > IF_NAMESIZE ||
			    strnlen(nla_data(it), len) != len - 1)
				return mu_errf(err, "netlink: %s message: "
					       "malformed IF_LIST", cmd_name(cmd)),
				       -EPROTO;
			memcpy(p->if_list[p->n_if++], nla_data(it), len);
		}
	}
	return 0;
}

int mu_nl_parse_event(const struct nlmsghdr *nlh, struct mu_nl_event *e,
		      char *err)
{
	struct nlattr *tb[MESHUP_A_MAX + 1];
	uint8_t cmd;

	if (parse_top(nlh, tb, &cmd, err))
		return -EPROTO;
	memset(e, 0, sizeof(*e));
	e->cmd = cmd;
	if (!tb[MESHUP_A_IFINDEX])
		return missing(cmd, MESHUP_A_IFINDEX, err);
	e->ifindex = nla_get_u32(tb[MESHUP_A_IFINDEX]);
	switch (cmd) {
	case MESHUP_CMD_EVT_NEIGH_NEW:
	case MESHUP_CMD_EVT_NEIGH_CHANGED:
		if (neigh_from_tb(tb, cmd, &e->neigh, err))
			return -EPROTO;
		memcpy(e->peer, e->neigh.peer, MU_NL_ETH_ALEN);
		e->has_peer = true;
		return 0;
	case MESHUP_CMD_EVT_NEIGH_LOST:
		if (get_peer(tb, cmd, e->peer, err))
			return -EPROTO;
		e->has_peer = true;
		e->neigh.ifindex = e->ifindex;
		memcpy(e->neigh.peer, e->peer, MU_NL_ETH_ALEN);
		return 0;
	case MESHUP_CMD_EVT_IFACE_ADDED:
	case MESHUP_CMD_EVT_IFACE_REMOVED:
		return get_ifname(tb, cmd, e->ifname, err) ? -EPROTO : 0;
	case MESHUP_CMD_EVT_DROP:
		/* No PEER when the sender is unknown. */
		if (tb[MESHUP_A_PEER]) {
			if (get_peer(tb, cmd, e->peer, err))
				return -EPROTO;
			e->has_peer = true;
		}
		if (!tb[MESHUP_A_DROP_REASON])
			return missing(cmd, MESHUP_A_DROP_REASON, err);
		e->drop_reason = nla_get_u32(tb[MESHUP_A_DROP_REASON]);
		return 0;
	default:
		return mu_errf(err, "netlink: unknown event command %u", cmd),
		       -EPROTO;
	}
}

const char *mu_nl_parse_extack(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off;

	if (nlh->nlmsg_type != NLMSG_ERROR || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return NULL;
	e = NLMSG_DATA(nlh);
	off = NLMSG_LENGTH(sizeof(*e));
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (off >= nlh->nlmsg_len)
		return NULL;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      (int)(nlh->nlmsg_len - off), NULL) < 0)
		return NULL;
	if (!tb[NLMSGERR_ATTR_MSG] || nla_len(tb[NLMSGERR_ATTR_MSG]) < 2)
		return NULL;
	if (((char *)nla_data(tb[NLMSGERR_ATTR_MSG]))
	    [nla_len(tb[NLMSGERR_ATTR_MSG]) - 1] != '\0')
		return NULL;
	return nla_data(tb[NLMSGERR_ATTR_MSG]);
}

/* ---- names ---- */

const char *mu_nl_event_name(unsigned int cmd)
{
	switch (cmd) {
	case MESHUP_CMD_EVT_NEIGH_NEW: return "neigh-new";
	case MESHUP_CMD_EVT_NEIGH_CHANGED: return "neigh-changed";
	case MESHUP_CMD_EVT_NEIGH_LOST: return "neigh-lost";
	case MESHUP_CMD_EVT_IFACE_ADDED: return "iface-added";
	case MESHUP_CMD_EVT_IFACE_REMOVED: return "iface-removed";
	case MESHUP_CMD_EVT_DROP: return "drop";
	default: return NULL;
	}
}

static const char *const stat_names[MESHUP_STAT_A_MAX + 1] = {
	[MESHUP_STAT_A_RX_BEACON] = "rx_beacon",
	[MESHUP_STAT_A_RX_REQUEST] = "rx_request",
	[MESHUP_STAT_A_RX_MANIFEST] = "rx_manifest",
	[MESHUP_STAT_A_RX_BLOCK] = "rx_block",
	[MESHUP_STAT_A_TX_BEACON] = "tx_beacon",
	[MESHUP_STAT_A_TX_REQUEST] = "tx_request",
	[MESHUP_STAT_A_TX_MANIFEST] = "tx_manifest",
	[MESHUP_STAT_A_TX_BLOCK] = "tx_block",
	[MESHUP_STAT_A_BEACON_SUPPRESSED] = "beacon_suppressed",
	[MESHUP_STAT_A_TRICKLE_RESETS] = "trickle_resets",
	[MESHUP_STAT_A_DELIVERED] = "delivered",
	[MESHUP_STAT_A_DROP_SHORT] = "drop_short",
	[MESHUP_STAT_A_DROP_BAD_MAGIC] = "drop_bad_magic",
	[MESHUP_STAT_A_DROP_BAD_VERSION] = "drop_bad_version",
	[MESHUP_STAT_A_DROP_BAD_LENGTH] = "drop_bad_length",
	[MESHUP_STAT_A_DROP_UNKNOWN_TYPE] = "drop_unknown_type",
	[MESHUP_STAT_A_DROP_BAD_FIELD] = "drop_bad_field",
	[MESHUP_STAT_A_DROP_RATE_LIMITED] = "drop_rate_limited",
	[MESHUP_STAT_A_DROP_NO_HELPER] = "drop_no_helper",
	[MESHUP_STAT_A_DROP_DELIVERY] = "drop_delivery",
	[MESHUP_STAT_A_DROP_NOT_FOR_US] = "drop_not_for_us",
	[MESHUP_STAT_A_TX_ERRORS] = "tx_errors",
};

const char *mu_nl_stat_name(unsigned int stat_attr)
{
	return stat_attr <= MESHUP_STAT_A_MAX ? stat_names[stat_attr] : NULL;
}

static const char *const drop_names[MESHUP_DROP_MAX + 1] = {
	[MESHUP_DROP_NONE] = "none",
	[MESHUP_DROP_SHORT] = "short",
	[MESHUP_DROP_BAD_MAGIC] = "bad_magic",
	[MESHUP_DROP_BAD_VERSION] = "bad_version",
	[MESHUP_DROP_BAD_LENGTH] = "bad_length",
	[MESHUP_DROP_UNKNOWN_TYPE] = "unknown_type",
	[MESHUP_DROP_BAD_FIELD] = "bad_field",
	[MESHUP_DROP_RATE_LIMITED] = "rate_limited",
	[MESHUP_DROP_NO_HELPER] = "no_helper",
	[MESHUP_DROP_DELIVERY] = "delivery",
	[MESHUP_DROP_NOT_FOR_US] = "not_for_us",
};

const char *mu_nl_drop_name(unsigned int reason)
{
	return reason <= MESHUP_DROP_MAX ? drop_names[reason] : NULL;
}

unsigned int mu_nl_stat_drop_reason(unsigned int stat_attr)
{
	if (stat_attr >= MESHUP_STAT_A_DROP_SHORT &&
	    stat_attr <= MESHUP_STAT_A_DROP_NOT_FOR_US)
		return stat_attr - MESHUP_STAT_A_DROP_SHORT + MESHUP_DROP_SHORT;
	return MESHUP_DROP_NONE;
}

const char *mu_nl_frame_type_name(unsigned int type)
{
	switch (type) {
	case MESHUP_T_BEACON: return "beacon";
	case MESHUP_T_REQUEST: return "request";
	case MESHUP_T_MANIFEST: return "manifest";
	case MESHUP_T_BLOCK: return "block";
	default: return NULL;
	}
}

const char *mu_nl_clock_name(unsigned int quality)
{
	switch (quality) {
	case MESHUP_CLOCK_UNSYNCED: return "unsynced";
	case MESHUP_CLOCK_NEIGHBOURS: return "neighbours";
	case MESHUP_CLOCK_SYNCED: return "synced";
	default: return NULL;
	}
}
