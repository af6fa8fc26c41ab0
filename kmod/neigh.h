/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup: the neighbour table and per-sender REQUEST rate limits.
 */
#ifndef _MESHUP_NEIGH_H
#define _MESHUP_NEIGH_H

#include <linux/if_ether.h>
#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/types.h>

#include "netns.h"
#include "trickle.h"

struct meshup_iface;

/**
 * struct meshup_neigh - a node heard by its BEACONs
 * @hnode: entry in meshup_net.neigh_hash
 * @lru: entry in meshup_net.neigh_lru
 * @ifindex: interface it is heard on
 * @addr: its MAC
 * @heard: jiffies of its last beacon
 * @beacons: beacons heard from it, saturating; 1 means on probation
 * @mesh_time: mesh time of its last beacon
 * @offset_ms: @mesh_time minus our real-time clock at reception
 * @quality: clock quality of its last beacon
 * @count: entries in its last beacon
 * @tp: its Trickle bookkeeping (three-reset rule)
 * @entries: entries of its last beacon
 */
struct meshup_neigh {
	struct hlist_node hnode;
	struct list_head lru;
	int ifindex;
	u8 addr[ETH_ALEN];
	unsigned long heard;
	u32 beacons;
	u64 mesh_time;
	s64 offset_ms;
	u8 quality;
	u8 count;
	struct meshup_trickle_peer tp;
	struct meshup_beacon_entry entries[MESHUP_BEACON_MAX_ENTRIES];
};

/* The hash of a (interface, MAC) key in both tables. */
static inline u32 meshup_addr_hash(int ifindex, const u8 *addr)
{
	return jhash(addr, ETH_ALEN, ifindex);
}

bool meshup_tb_take(struct meshup_tb *tb, u64 now, u32 rate, u32 burst);
int meshup_neigh_beacon(struct meshup_net *mn, struct meshup_iface *ifc,
			const u8 *src, const struct meshup_beacon *b);
bool meshup_neigh_request_ok(struct meshup_net *mn, int ifindex,
			     const u8 *src, u64 now);
void meshup_neigh_flush_iface(struct meshup_net *mn, int ifindex);
void meshup_neigh_flush(struct meshup_net *mn);
void meshup_neigh_gc(struct work_struct *work);
int meshup_neigh_dump(struct meshup_net *mn, struct sk_buff *skb,
		      struct netlink_callback *cb);

#endif /* _MESHUP_NEIGH_H */
