// SPDX-License-Identifier: GPL-2.0
/*
 * meshup: interfaces, their Trickle timers and counters.
 *
 * An interface is eligible when it is up, not a loopback, of type
 * ARPHRD_ETHER and passes the namespace's allow/deny list.  The set of
 * interfaces follows a netdevice notifier; it changes only under RTNL and is
 * read under RCU.  Each interface has one Trickle timer (a timer_list, so the
 * beacon is sent from softirq context).
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/unaligned.h>

#include "iface.h"
#include "neigh.h"
#include "netlink.h"

/* Longest single timer sleep; the timer re-checks Trickle when it wakes. */
#define MESHUP_TIMER_MAX_MS	(3600U * 1000U)

static u64 meshup_now_ms(void)
{
	return ktime_to_ms(ktime_get());
}

/**
 * meshup_iface_find_rcu() - the meshup interface of a device
 * @mn: the namespace state
 * @dev: the device
 *
 * Context: RCU read side or RTNL.
 * Return: the interface, or NULL if meshup does not run on @dev.
 */
struct meshup_iface *meshup_iface_find_rcu(struct meshup_net *mn,
					   const struct net_device *dev)
{
	struct meshup_iface *ifc;

	list_for_each_entry_rcu(ifc, &mn->ifaces, list, lockdep_rtnl_is_held())
		if (ifc->dev == dev)
			return ifc;
	return NULL;
}

/**
 * meshup_iface_drop() - count a dropped frame and tell monitors
 * @ifc: the interface it arrived on (or was to be sent on)
 * @why: the reason
 * @src: the sender's MAC, or NULL
 *
 * Counters are exact; EVT_DROP is rate-limited per interface.
 */
void meshup_iface_drop(struct meshup_iface *ifc, enum meshup_drop_reason why,
		       const u8 *src)
{
	BUILD_BUG_ON(MESHUP_STAT_A_DROP_NOT_FOR_US - MESHUP_STAT_A_DROP_SHORT !=
		     MESHUP_DROP_NOT_FOR_US - MESHUP_DROP_SHORT);

	if (why < MESHUP_DROP_SHORT || why > MESHUP_DROP_MAX)
		return;
	meshup_iface_stat(ifc, MESHUP_STAT_A_DROP_SHORT + why -
			  MESHUP_DROP_SHORT);
	if (__ratelimit(&ifc->drop_rs))
		meshup_nl_drop_event(ifc->mn, ifc->ifindex, src, why);
}

/* Arm the timer for the next Trickle event.  Caller holds ifc->lock. */
static void meshup_iface_arm(struct meshup_iface *ifc, u64 now)
{
	u64 next = meshup_trickle_next(&ifc->trickle);
	u64 delay = next > now ? next - now : 0;

	if (ifc->dead)
		return;
	delay = min_t(u64, delay, MESHUP_TIMER_MAX_MS);
	mod_timer(&ifc->timer, jiffies + msecs_to_jiffies((unsigned int)delay));
}

/* Build and send one BEACON with the current advert. */
static void meshup_beacon_send(struct meshup_iface *ifc)
{
	struct net_device *dev = ifc->dev;
	const struct meshup_advert *adv;
	struct meshup_beacon *b;
	unsigned int count, len;
	struct sk_buff *skb;
	u64 mesh_time = 0;

	rcu_read_lock();
	adv = rcu_dereference(ifc->mn->advert);
	count = adv ? adv->count : 0;
	len = sizeof(*b) + count * sizeof(b->entries[0]);
	if (sizeof(struct meshup_hdr) + len > READ_ONCE(dev->mtu)) {
		rcu_read_unlock();
		meshup_iface_stat(ifc, MESHUP_STAT_A_TX_ERRORS);
		return;
	}
	skb = meshup_frame_alloc(dev, MESHUP_T_BEACON, len, GFP_ATOMIC);
	if (!skb) {
		rcu_read_unlock();
		meshup_iface_stat(ifc, MESHUP_STAT_A_TX_ERRORS);
		return;
	}
	b = (struct meshup_beacon *)(skb->data + sizeof(struct meshup_hdr));
	if (adv && adv->time_known)
		mesh_time = ktime_to_ms(ktime_get_real()) + adv->time_offset_ms;
	put_unaligned_be64(mesh_time, &b->mesh_time_ms);
	b->clock_quality = adv ? adv->quality : MESHUP_CLOCK_UNSYNCED;
	b->flags = 0;
	b->count = count;
	if (count)
		memcpy(b->entries, adv->entries, count * sizeof(b->entries[0]));
	rcu_read_unlock();
	meshup_frame_xmit(ifc, skb, dev->broadcast, MESHUP_T_BEACON);
}

static void meshup_iface_timer(struct timer_list *t)
{
	struct meshup_iface *ifc = from_timer(ifc, t, timer);
	enum meshup_trickle_action a;
	u64 now = meshup_now_ms();
	bool send = false;
	int n;

	spin_lock_bh(&ifc->lock);
	if (ifc->dead) {
		spin_unlock_bh(&ifc->lock);
		return;
	}
	for (n = 0; n < 8; n++) {
		a = meshup_trickle_tick(&ifc->trickle, now, get_random_u32());
		if (a == MESHUP_TRICKLE_NONE)
			break;
		if (a == MESHUP_TRICKLE_TRANSMIT)
			send = true;
		else if (a == MESHUP_TRICKLE_SUPPRESS)
			meshup_iface_stat(ifc, MESHUP_STAT_A_BEACON_SUPPRESSED);
	}
	meshup_iface_arm(ifc, now);
	spin_unlock_bh(&ifc->lock);

	/* ifc stays valid: removal waits for this callback (del_timer_sync) */
	if (send)
		meshup_beacon_send(ifc);
}

/**
 * meshup_iface_heard() - feed a received BEACON to the interface's Trickle
 * @ifc: the interface it arrived on
 * @peer: the sender's Trickle bookkeeping
 * @consistent: whether its advert is consistent with ours
 * @hash: hash of its advert
 *
 * Return: true if the interval was reset.
 */
bool meshup_iface_heard(struct meshup_iface *ifc,
			struct meshup_trickle_peer *peer, bool consistent,
			u32 hash)
{
	u64 now = meshup_now_ms();
	bool reset;

	spin_lock_bh(&ifc->lock);
	reset = meshup_trickle_heard(&ifc->trickle, peer, consistent, hash,
				     now, get_random_u32());
	if (reset) {
		meshup_iface_stat(ifc, MESHUP_STAT_A_TRICKLE_RESETS);
		meshup_iface_arm(ifc, now);
	}
	spin_unlock_bh(&ifc->lock);
	return reset;
}

/**
 * meshup_iface_interval_ms() - the current Trickle interval
 * @ifc: the interface
 *
 * Return: I in milliseconds, saturated to U32_MAX.
 */
u32 meshup_iface_interval_ms(struct meshup_iface *ifc)
{
	u64 i;

	spin_lock_bh(&ifc->lock);
	i = ifc->trickle.i;
	spin_unlock_bh(&ifc->lock);
	return min_t(u64, i, U32_MAX);
}

/**
 * meshup_iface_reset_all() - a local change: reset every Trickle timer
 * @mn: the namespace state
 *
 * Context: RTNL held.
 */
void meshup_iface_reset_all(struct meshup_net *mn)
{
	struct meshup_iface *ifc;
	u64 now = meshup_now_ms();

	ASSERT_RTNL();
	list_for_each_entry(ifc, &mn->ifaces, list) {
		spin_lock_bh(&ifc->lock);
		if (meshup_trickle_reset(&ifc->trickle, now,
					 get_random_u32())) {
			meshup_iface_stat(ifc, MESHUP_STAT_A_TRICKLE_RESETS);
			meshup_iface_arm(ifc, now);
		}
		spin_unlock_bh(&ifc->lock);
	}
}

static void meshup_iface_start(struct meshup_iface *ifc, u64 now)
{
	const struct meshup_params *p = &ifc->mn->params;

	spin_lock_bh(&ifc->lock);
	meshup_trickle_start(&ifc->trickle, p->imin_ms, p->imax_doublings,
			     p->k, now, get_random_u32());
	meshup_iface_arm(ifc, now);
	spin_unlock_bh(&ifc->lock);
}

/**
 * meshup_iface_restart_all() - Trickle parameters changed: restart at Imin
 * @mn: the namespace state
 *
 * Context: RTNL held.
 */
void meshup_iface_restart_all(struct meshup_net *mn)
{
	struct meshup_iface *ifc;
	u64 now = meshup_now_ms();

	ASSERT_RTNL();
	list_for_each_entry(ifc, &mn->ifaces, list)
		meshup_iface_start(ifc, now);
}

static bool meshup_iface_eligible(struct meshup_net *mn,
				  const struct net_device *dev)
{
	const struct meshup_params *p = &mn->params;
	bool listed = false;
	u32 i;

	if (dev->reg_state != NETREG_REGISTERED || !netif_running(dev) ||
	    !(dev->flags & IFF_UP) || (dev->flags & IFF_LOOPBACK) ||
	    dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN)
		return false;
	if (p->if_filter == MESHUP_IF_FILTER_NONE)
		return true;
	for (i = 0; i < p->if_count; i++)
		if (!strncmp(p->if_list[i], dev->name, IFNAMSIZ))
			listed = true;
	return p->if_filter == MESHUP_IF_FILTER_ALLOW ? listed : !listed;
}

static int meshup_iface_add(struct meshup_net *mn, struct net_device *dev)
{
	struct meshup_iface *ifc;

	ifc = kzalloc(sizeof(*ifc), GFP_KERNEL);
	if (!ifc)
		return -ENOMEM;
	ifc->mn = mn;
	ifc->dev = dev;
	netdev_hold(dev, &ifc->dev_tracker, GFP_KERNEL);
	ifc->ifindex = dev->ifindex;
	spin_lock_init(&ifc->lock);
	timer_setup(&ifc->timer, meshup_iface_timer, 0);
	ratelimit_state_init(&ifc->drop_rs, HZ, 10);
	ratelimit_set_flags(&ifc->drop_rs, RATELIMIT_MSG_ON_RELEASE);
	meshup_iface_start(ifc, meshup_now_ms());
	list_add_tail_rcu(&ifc->list, &mn->ifaces);
	meshup_nl_iface_event(mn, dev, MESHUP_CMD_EVT_IFACE_ADDED);
	return 0;
}

static void meshup_iface_free_rcu(struct rcu_head *head)
{
	struct meshup_iface *ifc = container_of(head, struct meshup_iface, rcu);

	netdev_put(ifc->dev, &ifc->dev_tracker);
	kfree(ifc);
}

static void meshup_iface_del(struct meshup_iface *ifc)
{
	struct meshup_net *mn = ifc->mn;

	list_del_rcu(&ifc->list);
	spin_lock_bh(&ifc->lock);
	WRITE_ONCE(ifc->dead, true);
	spin_unlock_bh(&ifc->lock);
	del_timer_sync(&ifc->timer);
	meshup_neigh_flush_iface(mn, ifc->ifindex);
	meshup_nl_iface_event(mn, ifc->dev, MESHUP_CMD_EVT_IFACE_REMOVED);
	call_rcu(&ifc->rcu, meshup_iface_free_rcu);
}

/* Add or remove @dev so that it matches its eligibility. */
static void meshup_iface_update(struct meshup_net *mn, struct net_device *dev,
				bool gone)
{
	struct meshup_iface *ifc = meshup_iface_find_rcu(mn, dev);
	bool want = !gone && meshup_iface_eligible(mn, dev);

	ASSERT_RTNL();
	if (want && !ifc) {
		if (meshup_iface_add(mn, dev))
			netdev_warn(dev, "meshup: out of memory, not running here\n");
	} else if (!want && ifc) {
		meshup_iface_del(ifc);
	}
}

/**
 * meshup_iface_reevaluate() - the allow/deny list changed: re-check devices
 * @mn: the namespace state
 *
 * Context: RTNL held.
 */
void meshup_iface_reevaluate(struct meshup_net *mn)
{
	struct net_device *dev;

	ASSERT_RTNL();
	for_each_netdev(mn->net, dev)
		meshup_iface_update(mn, dev, false);
}

/**
 * meshup_iface_remove_all() - stop on every interface of a namespace
 * @mn: the namespace state
 *
 * Context: RTNL held.
 */
void meshup_iface_remove_all(struct meshup_net *mn)
{
	struct meshup_iface *ifc, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(ifc, tmp, &mn->ifaces, list)
		meshup_iface_del(ifc);
}

/**
 * meshup_frame_alloc() - an skb holding a common header and room for a body
 * @dev: the device it will go out on
 * @type: enum meshup_frame_type
 * @body_len: bytes of body; the caller writes them after the header
 * @gfp: allocation flags
 *
 * Return: the skb (data at the common header), or NULL.
 */
struct sk_buff *meshup_frame_alloc(struct net_device *dev, u8 type,
				   unsigned int body_len, gfp_t gfp)
{
	struct meshup_hdr *hdr;
	struct sk_buff *skb;

	skb = alloc_skb(LL_RESERVED_SPACE(dev) + sizeof(*hdr) + body_len +
			dev->needed_tailroom, gfp);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb_reset_network_header(skb);
	hdr = skb_put(skb, sizeof(*hdr));
	hdr->magic = htons(MESHUP_MAGIC);
	hdr->version = MESHUP_PROTO_VERSION;
	hdr->type = type;
	hdr->body_len = htons(body_len);
	hdr->reserved = 0;
	skb_put(skb, body_len);
	skb->dev = dev;
	skb->protocol = htons(meshup_ethertype);
	return skb;
}

/**
 * meshup_frame_xmit() - add the Ethernet header and queue a frame
 * @ifc: the interface (its device is skb->dev)
 * @skb: from meshup_frame_alloc(), consumed
 * @dest: destination MAC
 * @type: the frame type, for the counters
 *
 * Return: 0 or a negative error; TX_* or TX_ERRORS is counted.
 */
int meshup_frame_xmit(struct meshup_iface *ifc, struct sk_buff *skb,
		      const u8 *dest, u8 type)
{
	struct net_device *dev = skb->dev;
	int err;

	if (dev_hard_header(skb, dev, meshup_ethertype, dest, dev->dev_addr,
			    skb->len) < 0) {
		kfree_skb(skb);
		meshup_iface_stat(ifc, MESHUP_STAT_A_TX_ERRORS);
		return -EINVAL;
	}
	/* net_xmit_eval() evaluates its argument twice: call xmit once. */
	err = dev_queue_xmit(skb);
	err = net_xmit_eval(err);
	if (err) {
		meshup_iface_stat(ifc, MESHUP_STAT_A_TX_ERRORS);
		return err < 0 ? err : -ENOBUFS;
	}
	meshup_iface_stat(ifc, MESHUP_STAT_A_TX_BEACON + type - MESHUP_T_BEACON);
	return 0;
}

static int meshup_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct meshup_net *mn = meshup_net(dev_net(dev));

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGENAME:
	case NETDEV_CHANGE:
		meshup_iface_update(mn, dev, false);
		break;
	case NETDEV_UNREGISTER:
		meshup_iface_update(mn, dev, true);
		break;
	default:
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block meshup_netdev_notifier = {
	.notifier_call = meshup_netdev_event,
};

/**
 * meshup_iface_init() - start following devices in every namespace
 *
 * Return: 0 or a negative error.
 */
int meshup_iface_init(void)
{
	BUILD_BUG_ON(MESHUP_STAT_A_TX_BLOCK - MESHUP_STAT_A_TX_BEACON !=
		     MESHUP_T_BLOCK - MESHUP_T_BEACON);
	return register_netdevice_notifier(&meshup_netdev_notifier);
}

/**
 * meshup_iface_exit() - stop following devices; removes every interface
 */
void meshup_iface_exit(void)
{
	unregister_netdevice_notifier(&meshup_netdev_notifier);
}
