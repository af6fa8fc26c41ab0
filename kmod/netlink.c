// SPDX-License-Identifier: GPL-2.0
/*
 * meshup: the generic netlink family (see include/uapi/linux/meshup.h).
 *
 * Commands act on the namespace of the sending socket.  Configuration
 * (parameters, advert, the interface set) changes under RTNL; the helper's
 * port id is swapped with cmpxchg() so that the receive path can read it
 * locklessly.
 */
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "iface.h"
#include "neigh.h"
#include "netlink.h"

static struct genl_family meshup_family;

static struct netlink_range_validation meshup_imin_range = {
	.min = 10,
	.max = 60000,
};

static struct netlink_range_validation meshup_rate_range = {
	.min = 1,
	.max = 1000000,
};

static struct netlink_range_validation meshup_neigh_max_range = {
	.min = 1,
	.max = 4096,
};

static const struct nla_policy meshup_entry_policy[MESHUP_ENTRY_A_MAX + 1] = {
	[MESHUP_ENTRY_A_KEY] = NLA_POLICY_EXACT_LEN(MESHUP_KEY_LEN),
	[MESHUP_ENTRY_A_BLOCKS_HELD] = { .type = NLA_U32 },
};

static const struct nla_policy meshup_param_policy[MESHUP_PARAM_A_MAX + 1] = {
	[MESHUP_PARAM_A_IMIN_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &meshup_imin_range),
	[MESHUP_PARAM_A_IMAX_DOUBLINGS] = NLA_POLICY_MAX(NLA_U32, 20),
	[MESHUP_PARAM_A_K] = NLA_POLICY_RANGE(NLA_U32, 1, 255),
	[MESHUP_PARAM_A_REQ_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &meshup_rate_range),
	[MESHUP_PARAM_A_REQ_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &meshup_rate_range),
	[MESHUP_PARAM_A_NEIGH_MAX] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &meshup_neigh_max_range),
	[MESHUP_PARAM_A_NEIGH_TIMEOUT_MS] = { .type = NLA_U32 },
	[MESHUP_PARAM_A_IF_FILTER] = NLA_POLICY_MAX(NLA_U32,
						    MESHUP_IF_FILTER_DENY),
	[MESHUP_PARAM_A_IF_LIST] = { .type = NLA_NESTED },
};

static const struct nla_policy meshup_policy[MESHUP_A_MAX + 1] = {
	[MESHUP_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[MESHUP_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MESHUP_A_PEER] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[MESHUP_A_FRAME_TYPE] = NLA_POLICY_RANGE(NLA_U8, MESHUP_T_REQUEST,
						 MESHUP_T_BLOCK),
	[MESHUP_A_FRAME_VERSION] = { .type = NLA_U8 },
	[MESHUP_A_FRAME_BODY] = { .type = NLA_BINARY, .len = MESHUP_MAX_BODY },
	[MESHUP_A_MESH_TIME] = { .type = NLA_U64 },
	[MESHUP_A_CLOCK_QUALITY] = NLA_POLICY_MAX(NLA_U8, MESHUP_CLOCK_SYNCED),
	[MESHUP_A_ENTRIES] = NLA_POLICY_NESTED_ARRAY(meshup_entry_policy),
	[MESHUP_A_PARAMS] = NLA_POLICY_NESTED(meshup_param_policy),
};

/* ---- kernel to user ---- */

/* Size of one neighbour message with @count entries (events are sized to
 * fit, so that a monitor's socket buffer holds as many as it can).
 */
static size_t meshup_nl_neigh_size(unsigned int count)
{
	return nla_total_size(sizeof(u32)) +		/* IFINDEX */
	       nla_total_size(ETH_ALEN) +		/* PEER */
	       nla_total_size(sizeof(u32)) +		/* NEIGH_AGE_MS */
	       nla_total_size_64bit(sizeof(s64)) +	/* NEIGH_OFFSET_MS */
	       nla_total_size(sizeof(u8)) +		/* CLOCK_QUALITY */
	       nla_total_size_64bit(sizeof(u64)) +	/* MESH_TIME */
	       nla_total_size(0) +			/* ENTRIES */
	       count *
	       (nla_total_size(0) + nla_total_size(MESHUP_KEY_LEN) +
		nla_total_size(sizeof(u32)));
}

static int meshup_nl_put_entries(struct sk_buff *skb,
				 const struct meshup_beacon_entry *e,
				 unsigned int count)
{
	struct nlattr *list, *one;
	unsigned int i;

	list = nla_nest_start(skb, MESHUP_A_ENTRIES);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < count; i++) {
		one = nla_nest_start(skb, 0);
		if (!one ||
		    nla_put(skb, MESHUP_ENTRY_A_KEY, MESHUP_KEY_LEN, &e[i].key) ||
		    nla_put_u32(skb, MESHUP_ENTRY_A_BLOCKS_HELD,
				be32_to_cpu(e[i].blocks_held)))
			return -EMSGSIZE;
		nla_nest_end(skb, one);
	}
	nla_nest_end(skb, list);
	return 0;
}

/**
 * meshup_nl_fill_neigh() - one neighbour as a GET_NEIGHBORS-style message
 * @skb: the buffer
 * @n: the neighbour
 * @portid: destination port id (0 for events)
 * @seq: sequence number
 * @flags: netlink flags
 * @cmd: MESHUP_CMD_GET_NEIGHBORS or an EVT_NEIGH_* command
 *
 * Return: 0 or -EMSGSIZE (nothing left in @skb).
 */
int meshup_nl_fill_neigh(struct sk_buff *skb, const struct meshup_neigh *n,
			 u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &meshup_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MESHUP_A_IFINDEX, n->ifindex) ||
	    nla_put(skb, MESHUP_A_PEER, ETH_ALEN, n->addr) ||
	    nla_put_u32(skb, MESHUP_A_NEIGH_AGE_MS,
			jiffies_to_msecs(jiffies - n->heard)) ||
	    (n->mesh_time &&
	     nla_put_s64(skb, MESHUP_A_NEIGH_OFFSET_MS, n->offset_ms,
			 MESHUP_A_PAD)) ||
	    nla_put_u8(skb, MESHUP_A_CLOCK_QUALITY, n->quality) ||
	    nla_put_u64_64bit(skb, MESHUP_A_MESH_TIME, n->mesh_time,
			      MESHUP_A_PAD) ||
	    meshup_nl_put_entries(skb, n->entries, n->count)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static bool meshup_nl_listeners(struct meshup_net *mn)
{
	return genl_has_listeners(&meshup_family, mn->net, 0);
}

/**
 * meshup_nl_neigh_msg() - an EVT_NEIGH_NEW/CHANGED message, if anyone listens
 * @mn: the namespace state
 * @n: the neighbour
 * @cmd: the event
 * @gfp: allocation flags
 *
 * Return: the message for meshup_nl_multicast(), or NULL.
 */
struct sk_buff *meshup_nl_neigh_msg(struct meshup_net *mn,
				    const struct meshup_neigh *n, u8 cmd,
				    gfp_t gfp)
{
	struct sk_buff *msg;

	if (!meshup_nl_listeners(mn))
		return NULL;
	msg = genlmsg_new(meshup_nl_neigh_size(n->count), gfp);
	if (!msg)
		return NULL;
	if (meshup_nl_fill_neigh(msg, n, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct sk_buff *meshup_nl_event_start(struct meshup_net *mn, u8 cmd,
					     size_t size, gfp_t gfp,
					     void **hdr)
{
	struct sk_buff *msg;

	if (!meshup_nl_listeners(mn))
		return NULL;
	msg = genlmsg_new(size, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &meshup_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * meshup_nl_neigh_lost_msg() - an EVT_NEIGH_LOST message, if anyone listens
 * @mn: the namespace state
 * @ifindex: interface of the neighbour
 * @addr: its MAC
 * @gfp: allocation flags
 *
 * Return: the message for meshup_nl_multicast(), or NULL.
 */
struct sk_buff *meshup_nl_neigh_lost_msg(struct meshup_net *mn, int ifindex,
					 const u8 *addr, gfp_t gfp)
{
	struct sk_buff *msg;
	void *hdr;

	msg = meshup_nl_event_start(mn, MESHUP_CMD_EVT_NEIGH_LOST,
				    nla_total_size(sizeof(u32)) +
				    nla_total_size(ETH_ALEN), gfp, &hdr);
	if (!msg)
		return NULL;
	if (nla_put_u32(msg, MESHUP_A_IFINDEX, ifindex) ||
	    nla_put(msg, MESHUP_A_PEER, ETH_ALEN, addr)) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/**
 * meshup_nl_multicast() - send an event to the "events" group
 * @mn: the namespace state
 * @msg: the message, consumed
 */
void meshup_nl_multicast(struct meshup_net *mn, struct sk_buff *msg)
{
	genlmsg_multicast_netns(&meshup_family, mn->net, msg, 0, 0,
				GFP_ATOMIC);
}

/**
 * meshup_nl_iface_event() - EVT_IFACE_ADDED or EVT_IFACE_REMOVED
 * @mn: the namespace state
 * @dev: the device
 * @cmd: the event
 *
 * Context: process, RTNL held.
 */
void meshup_nl_iface_event(struct meshup_net *mn, struct net_device *dev,
			   u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;

	msg = meshup_nl_event_start(mn, cmd, nla_total_size(sizeof(u32)) +
				    nla_total_size(IFNAMSIZ), GFP_KERNEL, &hdr);
	if (!msg)
		return;
	if (nla_put_u32(msg, MESHUP_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(msg, MESHUP_A_IFNAME, dev->name)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&meshup_family, mn->net, msg, 0, 0,
				GFP_KERNEL);
}

/**
 * meshup_nl_drop_event() - EVT_DROP (the caller rate-limits)
 * @mn: the namespace state
 * @ifindex: the interface
 * @src: the sender's MAC, or NULL
 * @why: the reason
 */
void meshup_nl_drop_event(struct meshup_net *mn, int ifindex, const u8 *src,
			  enum meshup_drop_reason why)
{
	struct sk_buff *msg;
	void *hdr;

	msg = meshup_nl_event_start(mn, MESHUP_CMD_EVT_DROP,
				    2 * nla_total_size(sizeof(u32)) +
				    nla_total_size(ETH_ALEN), GFP_ATOMIC, &hdr);
	if (!msg)
		return;
	if (nla_put_u32(msg, MESHUP_A_IFINDEX, ifindex) ||
	    (src && nla_put(msg, MESHUP_A_PEER, ETH_ALEN, src)) ||
	    nla_put_u32(msg, MESHUP_A_DROP_REASON, why)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	meshup_nl_multicast(mn, msg);
}

/**
 * meshup_nl_deliver() - unicast a received frame to the helper
 * @mn: the namespace state
 * @ifindex: interface it arrived on
 * @src: the sender's MAC
 * @fi: type, version and body length
 * @body: the body
 *
 * Context: softirq.
 * Return: 0, -ENOTCONN if no helper is registered, or another error if the
 *	helper could not take it.
 */
int meshup_nl_deliver(struct meshup_net *mn, int ifindex, const u8 *src,
		      const struct meshup_frame_info *fi, const u8 *body)
{
	u32 portid = READ_ONCE(mn->helper_portid);
	struct sk_buff *msg;
	void *hdr;

	if (!portid)
		return -ENOTCONN;
	msg = genlmsg_new(nla_total_size(sizeof(u32)) +
			  nla_total_size(ETH_ALEN) +
			  2 * nla_total_size(sizeof(u8)) +
			  nla_total_size(fi->body_len), GFP_ATOMIC);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &meshup_family, 0, MESHUP_CMD_FRAME);
	if (!hdr ||
	    nla_put_u32(msg, MESHUP_A_IFINDEX, ifindex) ||
	    nla_put(msg, MESHUP_A_PEER, ETH_ALEN, src) ||
	    nla_put_u8(msg, MESHUP_A_FRAME_TYPE, fi->type) ||
	    nla_put_u8(msg, MESHUP_A_FRAME_VERSION, fi->version) ||
	    nla_put(msg, MESHUP_A_FRAME_BODY, fi->body_len, body)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_unicast(mn->net, msg, portid);
}

/* ---- commands ---- */

static struct meshup_net *meshup_nl_mn(struct genl_info *info)
{
	return meshup_net(genl_info_net(info));
}

static int meshup_nl_register(struct sk_buff *skb, struct genl_info *info)
{
	struct meshup_net *mn = meshup_nl_mn(info);
	u32 old;

	old = cmpxchg(&mn->helper_portid, 0, info->snd_portid);
	if (old && old != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack,
			       "another helper is registered in this namespace");
		return -EBUSY;
	}
	return 0;
}

static int meshup_nl_unregister(struct sk_buff *skb, struct genl_info *info)
{
	struct meshup_net *mn = meshup_nl_mn(info);

	if (cmpxchg(&mn->helper_portid, info->snd_portid, 0) !=
	    info->snd_portid) {
		NL_SET_ERR_MSG(info->extack,
			       "this socket is not the registered helper");
		return -ENOENT;
	}
	return 0;
}

static int meshup_nl_parse_entries(struct genl_info *info,
				   struct meshup_advert *adv)
{
	struct nlattr *tb[MESHUP_ENTRY_A_MAX + 1];
	struct nlattr *list = info->attrs[MESHUP_A_ENTRIES];
	struct nlattr *e;
	unsigned int n = 0;
	int rem, err;

	nla_for_each_nested(e, list, rem) {
		if (n >= MESHUP_BEACON_MAX_ENTRIES) {
			NL_SET_ERR_MSG_ATTR(info->extack, e,
					    "more than 16 entries");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, MESHUP_ENTRY_A_MAX, e,
				       meshup_entry_policy, info->extack);
		if (err)
			return err;
		if (!tb[MESHUP_ENTRY_A_KEY]) {
			NL_SET_ERR_ATTR_MISS(info->extack, e,
					     MESHUP_ENTRY_A_KEY);
			NL_SET_ERR_MSG(info->extack, "entry without a key");
			return -EINVAL;
		}
		if (!tb[MESHUP_ENTRY_A_BLOCKS_HELD]) {
			NL_SET_ERR_ATTR_MISS(info->extack, e,
					     MESHUP_ENTRY_A_BLOCKS_HELD);
			NL_SET_ERR_MSG(info->extack,
				       "entry without blocks_held");
			return -EINVAL;
		}
		memcpy(&adv->entries[n].key, nla_data(tb[MESHUP_ENTRY_A_KEY]),
		       MESHUP_KEY_LEN);
		adv->entries[n].blocks_held =
			cpu_to_be32(nla_get_u32(tb[MESHUP_ENTRY_A_BLOCKS_HELD]));
		n++;
	}
	adv->count = n;
	return 0;
}

static int meshup_nl_set_advert(struct sk_buff *skb, struct genl_info *info)
{
	struct meshup_net *mn = meshup_nl_mn(info);
	struct meshup_advert *adv, *old;
	bool changed = false;
	int err;

	adv = kzalloc(sizeof(*adv), GFP_KERNEL);
	if (!adv)
		return -ENOMEM;
	if (info->attrs[MESHUP_A_ENTRIES]) {
		err = meshup_nl_parse_entries(info, adv);
		if (err) {
			kfree(adv);
			return err;
		}
	}

	rtnl_lock();
	old = rtnl_dereference(mn->advert);
	if (!info->attrs[MESHUP_A_ENTRIES]) {
		if (old) {
			adv->count = old->count;
			memcpy(adv->entries, old->entries, sizeof(adv->entries));
		}
	} else {
		changed = old ? old->count != adv->count ||
				memcmp(old->entries, adv->entries,
				       adv->count * sizeof(adv->entries[0])) :
				adv->count != 0;
	}
	if (info->attrs[MESHUP_A_MESH_TIME]) {
		u64 t = nla_get_u64(info->attrs[MESHUP_A_MESH_TIME]);

		adv->time_known = t != 0;
		adv->time_offset_ms = t ? (s64)t - ktime_to_ms(ktime_get_real())
					: 0;
	} else if (old) {
		adv->time_known = old->time_known;
		adv->time_offset_ms = old->time_offset_ms;
	}
	if (info->attrs[MESHUP_A_CLOCK_QUALITY])
		adv->quality = nla_get_u8(info->attrs[MESHUP_A_CLOCK_QUALITY]);
	else if (old)
		adv->quality = old->quality;
	rcu_assign_pointer(mn->advert, adv);
	if (changed)
		meshup_iface_reset_all(mn);
	rtnl_unlock();
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

static int meshup_nl_send(struct sk_buff *skb, struct genl_info *info)
{
	struct meshup_net *mn = meshup_nl_mn(info);
	enum meshup_drop_reason why;
	struct meshup_iface *ifc;
	struct net_device *dev;
	struct sk_buff *frame;
	const u8 *peer;
	u32 body_len;
	u8 type;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MESHUP_A_IFINDEX) ||
	    GENL_REQ_ATTR_CHECK(info, MESHUP_A_PEER) ||
	    GENL_REQ_ATTR_CHECK(info, MESHUP_A_FRAME_TYPE) ||
	    GENL_REQ_ATTR_CHECK(info, MESHUP_A_FRAME_BODY))
		return -EINVAL;
	peer = nla_data(info->attrs[MESHUP_A_PEER]);
	if (!is_valid_ether_addr(peer)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MESHUP_A_PEER],
				    "destination must be a unicast MAC");
		return -EINVAL;
	}
	type = nla_get_u8(info->attrs[MESHUP_A_FRAME_TYPE]);
	body_len = nla_len(info->attrs[MESHUP_A_FRAME_BODY]);

	dev = dev_get_by_index(genl_info_net(info),
			       nla_get_u32(info->attrs[MESHUP_A_IFINDEX]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MESHUP_A_IFINDEX],
				    "no such interface");
		return -ENODEV;
	}
	if (READ_ONCE(dev->mtu) < MESHUP_MIN_DATA_MTU) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MESHUP_A_IFINDEX],
				    "interface MTU below 1056 carries BEACONs only");
		err = -EMSGSIZE;
		goto out_put;
	}
	frame = meshup_frame_alloc(dev, type, body_len, GFP_KERNEL);
	if (!frame) {
		err = -ENOMEM;
		goto out_put;
	}
	memcpy(frame->data + sizeof(struct meshup_hdr),
	       nla_data(info->attrs[MESHUP_A_FRAME_BODY]), body_len);
	why = meshup_validate(frame->data, frame->len, NULL);
	if (why) {
		/* The same words as the receive side would count it under. */
		if (info->extack)
			info->extack->_msg = meshup_drop_reason_str(why);
		NL_SET_BAD_ATTR(info->extack, info->attrs[MESHUP_A_FRAME_BODY]);
		kfree_skb(frame);
		err = -EINVAL;
		goto out_put;
	}

	rcu_read_lock();
	ifc = meshup_iface_find_rcu(mn, dev);
	if (!ifc) {
		rcu_read_unlock();
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MESHUP_A_IFINDEX],
				    "meshup does not run on this interface");
		kfree_skb(frame);
		err = -ENETDOWN;
		goto out_put;
	}
	err = meshup_frame_xmit(ifc, frame, peer, type);
	rcu_read_unlock();
	if (err)
		NL_SET_ERR_MSG(info->extack, "the interface did not take it");
out_put:
	dev_put(dev);
	return err;
}

static int meshup_nl_put_params(struct sk_buff *msg,
				const struct meshup_params *p)
{
	struct nlattr *nest, *list;
	u32 i;

	nest = nla_nest_start(msg, MESHUP_A_PARAMS);
	if (!nest ||
	    nla_put_u32(msg, MESHUP_PARAM_A_IMIN_MS, p->imin_ms) ||
	    nla_put_u32(msg, MESHUP_PARAM_A_IMAX_DOUBLINGS, p->imax_doublings) ||
	    nla_put_u32(msg, MESHUP_PARAM_A_K, p->k) ||
	    nla_put_u32(msg, MESHUP_PARAM_A_REQ_RATE, p->req_rate) ||
	    nla_put_u32(msg, MESHUP_PARAM_A_REQ_BURST, p->req_burst) ||
	    nla_put_u32(msg, MESHUP_PARAM_A_NEIGH_MAX, p->neigh_max) ||
	    nla_put_u32(msg, MESHUP_PARAM_A_NEIGH_TIMEOUT_MS,
			p->neigh_timeout_ms) ||
	    nla_put_u32(msg, MESHUP_PARAM_A_IF_FILTER, p->if_filter))
		return -EMSGSIZE;
	list = nla_nest_start(msg, MESHUP_PARAM_A_IF_LIST);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < p->if_count; i++)
		if (nla_put_string(msg, 0, p->if_list[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, list);
	nla_nest_end(msg, nest);
	return 0;
}

static int meshup_nl_get_params(struct sk_buff *skb, struct genl_info *info)
{
	struct meshup_net *mn = meshup_nl_mn(info);
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &meshup_family, 0,
				MESHUP_CMD_GET_PARAMS);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	rtnl_lock();
	err = meshup_nl_put_params(msg, &mn->params);
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int meshup_nl_parse_if_list(struct genl_info *info,
				   const struct nlattr *list,
				   struct meshup_params *p)
{
	const struct nlattr *a;
	int rem, len;

	p->if_count = 0;
	nla_for_each_nested(a, list, rem) {
		len = nla_len(a);
		if (p->if_count >= MESHUP_IF_LIST_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "more than 32 interface names");
			return -E2BIG;
		}
		if (len < 2 || len > IFNAMSIZ ||
		    strnlen(nla_data(a), len) != len - 1) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "interface name must be a NUL-terminated string of 1..15 bytes");
			return -EINVAL;
		}
		memcpy(p->if_list[p->if_count], nla_data(a), len);
		p->if_count++;
	}
	if (rem) {
		NL_SET_ERR_MSG_ATTR(info->extack, list,
				    "malformed interface list");
		return -EINVAL;
	}
	return 0;
}

static int meshup_nl_set_params(struct sk_buff *skb, struct genl_info *info)
{
	struct meshup_net *mn = meshup_nl_mn(info);
	struct nlattr *tb[MESHUP_PARAM_A_MAX + 1];
	bool trickle, filter;
	struct meshup_params *p, *cur = &mn->params;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MESHUP_A_PARAMS))
		return -EINVAL;
	err = nla_parse_nested(tb, MESHUP_PARAM_A_MAX,
			       info->attrs[MESHUP_A_PARAMS],
			       meshup_param_policy, info->extack);
	if (err)
		return err;
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;

	rtnl_lock();
	*p = *cur;
	if (tb[MESHUP_PARAM_A_IMIN_MS])
		p->imin_ms = nla_get_u32(tb[MESHUP_PARAM_A_IMIN_MS]);
	if (tb[MESHUP_PARAM_A_IMAX_DOUBLINGS])
		p->imax_doublings = nla_get_u32(tb[MESHUP_PARAM_A_IMAX_DOUBLINGS]);
	if (tb[MESHUP_PARAM_A_K])
		p->k = nla_get_u32(tb[MESHUP_PARAM_A_K]);
	if (tb[MESHUP_PARAM_A_REQ_RATE])
		p->req_rate = nla_get_u32(tb[MESHUP_PARAM_A_REQ_RATE]);
	if (tb[MESHUP_PARAM_A_REQ_BURST])
		p->req_burst = nla_get_u32(tb[MESHUP_PARAM_A_REQ_BURST]);
	if (tb[MESHUP_PARAM_A_NEIGH_MAX])
		p->neigh_max = nla_get_u32(tb[MESHUP_PARAM_A_NEIGH_MAX]);
	if (tb[MESHUP_PARAM_A_NEIGH_TIMEOUT_MS])
		p->neigh_timeout_ms =
			nla_get_u32(tb[MESHUP_PARAM_A_NEIGH_TIMEOUT_MS]);
	if (tb[MESHUP_PARAM_A_IF_FILTER])
		p->if_filter = nla_get_u32(tb[MESHUP_PARAM_A_IF_FILTER]);
	if (tb[MESHUP_PARAM_A_IF_LIST]) {
		memset(p->if_list, 0, sizeof(p->if_list));
		err = meshup_nl_parse_if_list(info, tb[MESHUP_PARAM_A_IF_LIST],
					      p);
		if (err)
			goto out;
	}

	/* Everything checked: apply all of it. */
	trickle = p->imin_ms != cur->imin_ms ||
		  p->imax_doublings != cur->imax_doublings || p->k != cur->k;
	filter = p->if_filter != cur->if_filter ||
		 p->if_count != cur->if_count ||
		 memcmp(p->if_list, cur->if_list, sizeof(p->if_list));
	cur->imin_ms = p->imin_ms;
	cur->imax_doublings = p->imax_doublings;
	cur->k = p->k;
	WRITE_ONCE(cur->req_rate, p->req_rate);
	WRITE_ONCE(cur->req_burst, p->req_burst);
	WRITE_ONCE(cur->neigh_max, p->neigh_max);
	WRITE_ONCE(cur->neigh_timeout_ms, p->neigh_timeout_ms);
	cur->if_filter = p->if_filter;
	cur->if_count = p->if_count;
	memcpy(cur->if_list, p->if_list, sizeof(cur->if_list));
	if (trickle)
		meshup_iface_restart_all(mn);
	if (filter)
		meshup_iface_reevaluate(mn);
out:
	rtnl_unlock();
	kfree(p);
	return err;
}

static int meshup_nl_get_neighbors(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	return meshup_neigh_dump(meshup_net(sock_net(skb->sk)), skb, cb);
}

static int meshup_nl_fill_iface(struct sk_buff *skb, struct meshup_iface *ifc,
				struct netlink_callback *cb)
{
	struct nlattr *stats;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &meshup_family, NLM_F_MULTI, MESHUP_CMD_GET_IFACES);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MESHUP_A_IFINDEX, ifc->ifindex) ||
	    nla_put_string(skb, MESHUP_A_IFNAME, ifc->dev->name) ||
	    nla_put_u32(skb, MESHUP_A_TRICKLE_INTERVAL_MS,
			meshup_iface_interval_ms(ifc)))
		goto cancel;
	stats = nla_nest_start(skb, MESHUP_A_STATS);
	if (!stats)
		goto cancel;
	for (i = MESHUP_STAT_A_RX_BEACON; i <= MESHUP_STAT_A_TX_ERRORS; i++)
		if (nla_put_u64_64bit(skb, i, atomic64_read(&ifc->stats[i]),
				      MESHUP_STAT_A_PAD))
			goto cancel;
	nla_nest_end(skb, stats);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int meshup_nl_get_ifaces(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct meshup_net *mn = meshup_net(sock_net(skb->sk));
	long skip = cb->args[0], idx = 0;
	struct meshup_iface *ifc;

	rcu_read_lock();
	list_for_each_entry_rcu(ifc, &mn->ifaces, list) {
		if (idx++ < skip)
			continue;
		if (meshup_nl_fill_iface(skb, ifc, cb)) {
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

static const struct genl_ops meshup_ops[] = {
	{
		.cmd = MESHUP_CMD_REGISTER,
		.doit = meshup_nl_register,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MESHUP_CMD_UNREGISTER,
		.doit = meshup_nl_unregister,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MESHUP_CMD_SET_ADVERT,
		.doit = meshup_nl_set_advert,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MESHUP_CMD_SEND,
		.doit = meshup_nl_send,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MESHUP_CMD_GET_PARAMS,
		.doit = meshup_nl_get_params,
	},
	{
		.cmd = MESHUP_CMD_SET_PARAMS,
		.doit = meshup_nl_set_params,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MESHUP_CMD_GET_NEIGHBORS,
		.dumpit = meshup_nl_get_neighbors,
	},
	{
		.cmd = MESHUP_CMD_GET_IFACES,
		.dumpit = meshup_nl_get_ifaces,
	},
};

static const struct genl_multicast_group meshup_mcgrps[] = {
	{ .name = MESHUP_GENL_MCGRP_EVENTS, },
};

static struct genl_family meshup_family __ro_after_init = {
	.name = MESHUP_GENL_NAME,
	.version = MESHUP_GENL_VERSION,
	.maxattr = MESHUP_A_MAX,
	.policy = meshup_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = meshup_ops,
	.n_ops = ARRAY_SIZE(meshup_ops),
	.mcgrps = meshup_mcgrps,
	.n_mcgrps = ARRAY_SIZE(meshup_mcgrps),
};

/* Release the registration when the helper's socket closes. */
static int meshup_nl_notify(struct notifier_block *nb, unsigned long state,
			    void *ptr)
{
	struct netlink_notify *n = ptr;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	cmpxchg(&meshup_net(n->net)->helper_portid, n->portid, 0);
	return NOTIFY_DONE;
}

static struct notifier_block meshup_nl_notifier = {
	.notifier_call = meshup_nl_notify,
};

/**
 * meshup_nl_init() - register the family and the socket-release notifier
 *
 * Return: 0 or a negative error.
 */
int meshup_nl_init(void)
{
	int err;

	err = genl_register_family(&meshup_family);
	if (err)
		return err;
	err = netlink_register_notifier(&meshup_nl_notifier);
	if (err)
		genl_unregister_family(&meshup_family);
	return err;
}

/**
 * meshup_nl_exit() - undo meshup_nl_init()
 */
void meshup_nl_exit(void)
{
	netlink_unregister_notifier(&meshup_nl_notifier);
	genl_unregister_family(&meshup_family);
}
