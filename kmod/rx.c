// SPDX-License-Identifier: GPL-2.0
/*
 * meshup: the receive path.
 *
 * One packet_type for the ethertype, in every namespace.  A frame is
 * unshared, its common header pulled and checked, its padding trimmed, and
 * the whole frame validated by meshup_validate() before anything looks at
 * it.  Then it goes to its type's handler: BEACONs feed the neighbour table
 * and Trickle (and reach the helper when new or changed; unknown senders
 * only at the neighbour admission rate), REQUESTs pass the sender's token
 * bucket, and REQUEST, MANIFEST and BLOCK are unicast to the
 * helper.  Every drop is counted by reason on the interface.
 */
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <asm/unaligned.h>

#include "iface.h"
#include "neigh.h"
#include "netlink.h"
#include "rx.h"
#include "wire.h"

static void meshup_rx_deliver(struct meshup_iface *ifc, const u8 *src,
			      const struct meshup_frame_info *fi,
			      const u8 *body)
{
	int err;

	err = meshup_nl_deliver(ifc->mn, ifc->ifindex, src, fi, body);
	if (err == -ENOTCONN)
		meshup_iface_drop(ifc, MESHUP_DROP_NO_HELPER, src);
	else if (err)
		meshup_iface_drop(ifc, MESHUP_DROP_DELIVERY, src);
	else
		meshup_iface_stat(ifc, MESHUP_STAT_A_DELIVERED);
}

static enum meshup_drop_reason
meshup_rx_beacon(struct meshup_iface *ifc, struct sk_buff *skb,
		 const struct meshup_frame_info *fi, const u8 *src)
{
	const u8 *body = skb->data + sizeof(struct meshup_hdr);
	int ret;

	ret = meshup_neigh_beacon(ifc->mn, ifc, src,
				  (const struct meshup_beacon *)body);
	if (ret < 0)
		return MESHUP_DROP_RATE_LIMITED;	/* not admitted */
	meshup_iface_stat(ifc, MESHUP_STAT_A_RX_BEACON);
	if (ret)
		meshup_rx_deliver(ifc, src, fi, body);
	return MESHUP_DROP_NONE;
}

static enum meshup_drop_reason
meshup_rx_unicast(struct meshup_iface *ifc, struct sk_buff *skb,
		  const struct meshup_frame_info *fi, const u8 *src)
{
	if (skb->pkt_type != PACKET_HOST)
		return MESHUP_DROP_NOT_FOR_US;
	if (fi->type == MESHUP_T_REQUEST &&
	    !meshup_neigh_request_ok(ifc->mn, ifc->ifindex, src,
				     ktime_get_ns()))
		return MESHUP_DROP_RATE_LIMITED;
	meshup_iface_stat(ifc, MESHUP_STAT_A_RX_BEACON + fi->type -
			  MESHUP_T_BEACON);
	meshup_rx_deliver(ifc, src, fi, skb->data + sizeof(struct meshup_hdr));
	return MESHUP_DROP_NONE;
}

/* Per-type handlers; meshup_validate() guarantees a known type. */
static enum meshup_drop_reason
(* const meshup_rx_handlers[])(struct meshup_iface *ifc, struct sk_buff *skb,
			       const struct meshup_frame_info *fi,
			       const u8 *src) = {
	[MESHUP_T_BEACON] = meshup_rx_beacon,
	[MESHUP_T_REQUEST] = meshup_rx_unicast,
	[MESHUP_T_MANIFEST] = meshup_rx_unicast,
	[MESHUP_T_BLOCK] = meshup_rx_unicast,
};

static int meshup_rcv(struct sk_buff *skb, struct net_device *dev,
		      struct packet_type *pt, struct net_device *orig_dev)
{
	enum meshup_drop_reason why = MESHUP_DROP_NONE;
	struct meshup_frame_info fi = {};
	struct meshup_iface *ifc;
	u8 src[ETH_ALEN];
	unsigned int len;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return NET_RX_DROP;

	ifc = meshup_iface_find_rcu(meshup_net(dev_net(dev)), dev);
	if (!ifc)
		goto free;	/* not an interface meshup runs on */
	ether_addr_copy(src, eth_hdr(skb)->h_source);

	if (!pskb_may_pull(skb, sizeof(struct meshup_hdr))) {
		why = MESHUP_DROP_SHORT;
		goto drop;
	}
	/* Ignore padding past 8 + body_len, then make the frame linear.  If
	 * body_len claims more than arrived, meshup_validate() says so.
	 */
	len = get_unaligned_be16(&((struct meshup_hdr *)skb->data)->body_len);
	len = min_t(unsigned int, skb->len, sizeof(struct meshup_hdr) + len);
	if (pskb_trim_rcsum(skb, len) || !pskb_may_pull(skb, len)) {
		why = MESHUP_DROP_DELIVERY;	/* out of memory */
		goto drop;
	}
	why = meshup_validate(skb->data, skb->len, &fi);
	if (why)
		goto drop;
	if (is_multicast_ether_addr(src)) {
		why = MESHUP_DROP_BAD_FIELD;
		goto drop;
	}
	why = meshup_rx_handlers[fi.type](ifc, skb, &fi, src);
	if (why)
		goto drop;
	consume_skb(skb);
	return NET_RX_SUCCESS;

drop:
	meshup_iface_drop(ifc, why, src);
free:
	kfree_skb(skb);
	return NET_RX_DROP;
}

static struct packet_type meshup_packet_type __read_mostly = {
	.func = meshup_rcv,
};

/**
 * meshup_rx_init() - start taking frames of the ethertype
 */
void meshup_rx_init(void)
{
	meshup_packet_type.type = htons(meshup_ethertype);
	dev_add_pack(&meshup_packet_type);
}

/**
 * meshup_rx_exit() - stop taking frames; waits for running receivers
 */
void meshup_rx_exit(void)
{
	dev_remove_pack(&meshup_packet_type);
}
