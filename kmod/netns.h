/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup: per-network-namespace state.
 */
#ifndef _MESHUP_NETNS_H
#define _MESHUP_NETNS_H

#include <linux/hashtable.h>
#include <linux/if.h>
#include <linux/list.h>
#include <linux/meshup.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/**
 * struct meshup_params - per-namespace parameters (MESHUP_PARAM_A_*)
 * @imin_ms: Trickle Imin
 * @imax_doublings: Imax = Imin << this
 * @k: Trickle redundancy constant
 * @req_rate: REQUESTs per second per neighbour (senders not in the table
 *            share one bucket of an eighth of this, and of @req_burst)
 * @req_burst: token bucket depth
 * @neigh_max: neighbour table size
 * @neigh_timeout_ms: neighbour lifetime, 0 = 4 * Imax
 * @if_filter: enum meshup_if_filter
 * @if_count: names in @if_list
 * @if_list: the allow or deny list
 *
 * Written under RTNL; the receive path reads single fields with READ_ONCE().
 */
struct meshup_params {
	u32 imin_ms;
	u32 imax_doublings;
	u32 k;
	u32 req_rate;
	u32 req_burst;
	u32 neigh_max;
	u32 neigh_timeout_ms;
	u32 if_filter;
	u32 if_count;
	char if_list[MESHUP_IF_LIST_MAX][IFNAMSIZ];
};

/**
 * struct meshup_advert - what our beacons carry (set by the helper)
 * @rcu: for kfree_rcu()
 * @time_offset_ms: helper's mesh time minus real time when it was set
 * @time_known: false if the helper's mesh time was 0 (unknown)
 * @quality: enum meshup_clock_quality
 * @count: entries in use
 * @entries: the entries, in wire format
 */
struct meshup_advert {
	struct rcu_head rcu;
	s64 time_offset_ms;
	bool time_known;
	u8 quality;
	u8 count;
	struct meshup_beacon_entry entries[MESHUP_BEACON_MAX_ENTRIES];
};

/**
 * struct meshup_tb - a token bucket, in nanoseconds of credit
 * @tokens: credit, at most burst * NSEC_PER_SEC / rate
 * @last: time of the last update, ns
 */
struct meshup_tb {
	u64 tokens;
	u64 last;
};

#define MESHUP_NEIGH_HASH_BITS	8
#define MESHUP_RL_HASH_BITS	6

/**
 * struct meshup_net - per-namespace state
 * @net: the namespace
 * @ifaces: interfaces meshup runs on (RCU list, writers hold RTNL)
 * @params: parameters
 * @advert: our advert, RCU; NULL until the helper sets one
 * @helper_portid: netlink port of the helper, 0 if none
 * @neigh_lock: protects the neighbour and rate-limit tables
 * @neigh_hash: neighbours by (ifindex, MAC)
 * @neigh_lru: neighbours, least recently heard first
 * @neigh_count: neighbours in the table
 * @probation: neighbours in the table heard only once
 * @rl_hash: REQUEST token buckets by (ifindex, MAC)
 * @rl_lru: token buckets, least recently used first
 * @rl_count: token buckets in the table
 * @admit_tb: admission of new neighbours (BEACONs of unknown senders)
 * @stranger_tb: REQUESTs of senders not in the neighbour table, all together
 * @gc_work: ages neighbours and token buckets
 */
struct meshup_net {
	struct net *net;
	struct list_head ifaces;
	struct meshup_params params;
	struct meshup_advert __rcu *advert;
	u32 helper_portid;
	spinlock_t neigh_lock;	/* see above */
	DECLARE_HASHTABLE(neigh_hash, MESHUP_NEIGH_HASH_BITS);
	struct list_head neigh_lru;
	unsigned int neigh_count;
	unsigned int probation;
	DECLARE_HASHTABLE(rl_hash, MESHUP_RL_HASH_BITS);
	struct list_head rl_lru;
	unsigned int rl_count;
	struct meshup_tb admit_tb;
	struct meshup_tb stranger_tb;
	struct delayed_work gc_work;
};

extern unsigned int meshup_net_id;
extern u16 meshup_ethertype;

/**
 * meshup_net() - the meshup state of a namespace
 * @net: the namespace
 *
 * Return: its struct meshup_net.
 */
static inline struct meshup_net *meshup_net(const struct net *net)
{
	return net_generic(net, meshup_net_id);
}

u64 meshup_neigh_timeout_ms(const struct meshup_net *mn);
int meshup_netns_init(void);
void meshup_netns_exit(void);

#endif /* _MESHUP_NETNS_H */
