/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup: interfaces, their Trickle timers and counters.
 */
#ifndef _MESHUP_IFACE_H
#define _MESHUP_IFACE_H

#include <linux/atomic.h>
#include <linux/netdevice.h>
#include <linux/ratelimit.h>
#include <linux/timer.h>

#include "netns.h"
#include "trickle.h"

/**
 * struct meshup_iface - an interface meshup runs on
 * @list: entry in meshup_net.ifaces
 * @rcu: for call_rcu()
 * @mn: the namespace state
 * @dev: the device (a reference is held)
 * @dev_tracker: tracks that reference
 * @ifindex: cached dev->ifindex
 * @lock: protects @trickle, @timer arming and @dead
 * @trickle: the Trickle state
 * @timer: fires at the next Trickle event
 * @dead: being removed: do not arm @timer again
 * @drop_rs: rate limit of EVT_DROP
 * @stats: counters, indexed by enum meshup_stat_attrs
 */
struct meshup_iface {
	struct list_head list;
	struct rcu_head rcu;
	struct meshup_net *mn;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	int ifindex;
	spinlock_t lock;	/* see above */
	struct meshup_trickle trickle;
	struct timer_list timer;
	bool dead;
	struct ratelimit_state drop_rs;
	atomic64_t stats[__MESHUP_STAT_A_MAX];
};

/**
 * meshup_iface_stat() - count one event on an interface
 * @ifc: the interface
 * @attr: enum meshup_stat_attrs
 */
static inline void meshup_iface_stat(struct meshup_iface *ifc, int attr)
{
	atomic64_inc(&ifc->stats[attr]);
}

struct meshup_iface *meshup_iface_find_rcu(struct meshup_net *mn,
					   const struct net_device *dev);
void meshup_iface_drop(struct meshup_iface *ifc, enum meshup_drop_reason why,
		       const u8 *src);
bool meshup_iface_heard(struct meshup_iface *ifc,
			struct meshup_trickle_peer *peer, bool consistent,
			u32 hash);
u32 meshup_iface_interval_ms(struct meshup_iface *ifc);
void meshup_iface_reset_all(struct meshup_net *mn);
void meshup_iface_restart_all(struct meshup_net *mn);
void meshup_iface_reevaluate(struct meshup_net *mn);
void meshup_iface_remove_all(struct meshup_net *mn);
struct sk_buff *meshup_frame_alloc(struct net_device *dev, u8 type,
				   unsigned int body_len, gfp_t gfp);
int meshup_frame_xmit(struct meshup_iface *ifc, struct sk_buff *skb,
		      const u8 *dest, u8 type);
int meshup_iface_init(void);
void meshup_iface_exit(void);

#endif /* _MESHUP_IFACE_H */
