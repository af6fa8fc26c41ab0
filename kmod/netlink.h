/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup: the generic netlink family.
 */
#ifndef _MESHUP_NETLINK_H
#define _MESHUP_NETLINK_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "netns.h"
#include "wire.h"

struct meshup_neigh;

int meshup_nl_deliver(struct meshup_net *mn, int ifindex, const u8 *src,
		      const struct meshup_frame_info *fi, const u8 *body);
int meshup_nl_fill_neigh(struct sk_buff *skb, const struct meshup_neigh *n,
			 u32 portid, u32 seq, int flags, u8 cmd);
struct sk_buff *meshup_nl_neigh_msg(struct meshup_net *mn,
				    const struct meshup_neigh *n, u8 cmd,
				    gfp_t gfp);
struct sk_buff *meshup_nl_neigh_lost_msg(struct meshup_net *mn, int ifindex,
					 const u8 *addr, gfp_t gfp);
void meshup_nl_multicast(struct meshup_net *mn, struct sk_buff *msg);
void meshup_nl_iface_event(struct meshup_net *mn, struct net_device *dev,
			   u8 cmd);
void meshup_nl_drop_event(struct meshup_net *mn, int ifindex, const u8 *src,
			  enum meshup_drop_reason why);
int meshup_nl_init(void);
void meshup_nl_exit(void);

#endif /* _MESHUP_NETLINK_H */
