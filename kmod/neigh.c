// SPDX-License-Identifier: GPL-2.0
/*
 * meshup: the neighbour table and per-sender REQUEST rate limits.
 *
 * Both tables are bounded, keyed by (ifindex, MAC), kept in LRU order and
 * protected by meshup_net.neigh_lock.  A delayed work ages both.
 *
 * Floods from random source MACs must not push real neighbours out nor
 * reach the helper at the flood's rate, so:
 *
 *  - a BEACON from an unknown sender creates an entry only while the
 *    namespace's admission bucket (MESHUP_ADMIT_RATE per second,
 *    MESHUP_ADMIT_BURST deep) has a token; otherwise it is dropped as
 *    rate-limited;
 *  - a neighbour heard once is on probation; at most 1/16 of the table
 *    (MESHUP_PROBATION_DIV) is on probation: beyond that, or when the table
 *    is full, the least recently heard one on probation makes room (only if
 *    there is none does the least recently heard neighbour), so a flood
 *    churns a few entries and leaves real neighbours in place;
 *  - REQUESTs of senders that are not in the neighbour table share one
 *    token bucket of 1/MESHUP_STRANGER_DIV of a neighbour's (req_rate and
 *    req_burst divided, at least 1) instead of getting one each; known
 *    neighbours keep their own.  An honest node has beaconed before it
 *    asks, so only one whose beacons the admission bucket turned away
 *    lands there, and it still progresses, more slowly.
 */
#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/unaligned.h>

#include "iface.h"
#include "neigh.h"
#include "netlink.h"
#include "wire.h"

/* Most token buckets kept per namespace. */
#define MESHUP_RL_MAX		1024
#define MESHUP_GC_PERIOD	HZ
/* New neighbours admitted per second and in a burst, per namespace. */
#define MESHUP_ADMIT_RATE	10
#define MESHUP_ADMIT_BURST	32
#define MESHUP_PROBATION_DIV	16
/* Strangers together get this fraction of one neighbour's REQUEST rate. */
#define MESHUP_STRANGER_DIV	8

/**
 * struct meshup_rl - the REQUEST token bucket of one sender
 * @hnode: entry in meshup_net.rl_hash
 * @lru: entry in meshup_net.rl_lru
 * @ifindex: interface
 * @addr: the sender's MAC
 * @tb: the bucket
 */
struct meshup_rl {
	struct hlist_node hnode;
	struct list_head lru;
	int ifindex;
	u8 addr[ETH_ALEN];
	struct meshup_tb tb;
};

/* Unlink and free a rate-limiter entry; the caller holds mn->neigh_lock. */
static void meshup_rl_free(struct meshup_net *mn, struct meshup_rl *rl)
{
	hash_del(&rl->hnode);
	list_del(&rl->lru);
	mn->rl_count--;
	kfree(rl);
}

static u64 meshup_tb_max(u32 rate, u32 burst)
{
	return (u64)burst * (NSEC_PER_SEC / max_t(u32, rate, 1));
}

/**
 * meshup_tb_take() - take one token from a bucket
 * @tb: the bucket
 * @now: current time, ns
 * @rate: tokens per second (>= 1)
 * @burst: bucket depth in tokens
 *
 * Return: true if a token was available.
 */
bool meshup_tb_take(struct meshup_tb *tb, u64 now, u32 rate, u32 burst)
{
	u64 cost = NSEC_PER_SEC / max_t(u32, rate, 1);
	u64 max = meshup_tb_max(rate, burst);

	if (now > tb->last) {
		tb->tokens = min(tb->tokens + (now - tb->last), max);
		tb->last = now;
	} else {
		tb->tokens = min(tb->tokens, max);
	}
	if (tb->tokens < cost)
		return false;
	tb->tokens -= cost;
	return true;
}

static struct meshup_neigh *meshup_neigh_find(struct meshup_net *mn,
					      int ifindex, const u8 *addr)
{
	struct meshup_neigh *n;

	hash_for_each_possible(mn->neigh_hash, n, hnode,
			       meshup_addr_hash(ifindex, addr))
		if (n->ifindex == ifindex && ether_addr_equal(n->addr, addr))
			return n;
	return NULL;
}

/* Unlink and free @n, queueing EVT_NEIGH_LOST on @events. */
static void meshup_neigh_del(struct meshup_net *mn, struct meshup_neigh *n,
			     struct sk_buff_head *events)
{
	struct sk_buff *msg;

	hash_del(&n->hnode);
	list_del(&n->lru);
	mn->neigh_count--;
	if (n->beacons < 2)
		mn->probation--;
	msg = meshup_nl_neigh_lost_msg(mn, n->ifindex, n->addr, GFP_ATOMIC);
	if (msg)
		__skb_queue_tail(events, msg);
	kfree(n);
}

/* The entry to evict from a full table: the oldest on probation, else the
 * oldest.  The caller holds mn->neigh_lock and the table is not empty.
 */
static struct meshup_neigh *meshup_neigh_victim(struct meshup_net *mn)
{
	struct meshup_neigh *n;

	list_for_each_entry(n, &mn->neigh_lru, lru)
		if (n->beacons < 2)
			return n;
	return list_first_entry(&mn->neigh_lru, struct meshup_neigh, lru);
}

static void meshup_send_events(struct meshup_net *mn,
			       struct sk_buff_head *events)
{
	struct sk_buff *msg;

	while ((msg = __skb_dequeue(events)))
		meshup_nl_multicast(mn, msg);
}

/**
 * meshup_neigh_beacon() - record a valid BEACON and run Trickle on it
 * @mn: the namespace state
 * @ifc: the interface it arrived on
 * @src: the sender's MAC
 * @b: the beacon body, validated
 *
 * Context: softirq, RCU read side.
 * Return: 1 if the sender is new or its content (clock quality or
 *	entries) changed, so the beacon must go to the helper; 0 if not;
 *	-EBUSY if the sender is unknown and no new neighbour may be admitted
 *	now (the beacon is dropped).
 */
int meshup_neigh_beacon(struct meshup_net *mn, struct meshup_iface *ifc,
			const u8 *src, const struct meshup_beacon *b)
{
	size_t elen = b->count * sizeof(b->entries[0]);
	u64 mesh_time = get_unaligned_be64(&b->mesh_time_ms);
	const struct meshup_advert *adv;
	struct sk_buff_head events;
	bool consistent, fresh = false, changed = false;
	struct meshup_neigh *n;
	struct sk_buff *msg;
	int ret = 0;
	u32 limit;

	adv = rcu_dereference(mn->advert);
	consistent = !adv || meshup_entries_consistent(adv->entries, adv->count,
						       b->entries, b->count);
	__skb_queue_head_init(&events);

	spin_lock_bh(&mn->neigh_lock);
	if (READ_ONCE(ifc->dead))
		goto out;
	n = meshup_neigh_find(mn, ifc->ifindex, src);
	if (!n) {
		if (!meshup_tb_take(&mn->admit_tb, ktime_get_ns(),
				    MESHUP_ADMIT_RATE, MESHUP_ADMIT_BURST)) {
			ret = -EBUSY;
			goto out;
		}
		limit = max_t(u32, READ_ONCE(mn->params.neigh_max), 1);
		while (mn->neigh_count >= limit ||
		       mn->probation >= max_t(u32, limit / MESHUP_PROBATION_DIV, 1))
			meshup_neigh_del(mn, meshup_neigh_victim(mn), &events);
		n = kzalloc(sizeof(*n), GFP_ATOMIC);
		if (!n)
			goto out;
		n->ifindex = ifc->ifindex;
		ether_addr_copy(n->addr, src);
		hash_add(mn->neigh_hash, &n->hnode,
			 meshup_addr_hash(n->ifindex, n->addr));
		list_add_tail(&n->lru, &mn->neigh_lru);
		mn->neigh_count++;
		mn->probation++;
		fresh = true;
	} else {
		changed = n->quality != b->clock_quality ||
			  n->count != b->count ||
			  memcmp(n->entries, b->entries, elen);
		list_move_tail(&n->lru, &mn->neigh_lru);
	}
	n->heard = jiffies;
	if (n->beacons == 1)
		mn->probation--;	/* heard again: confirmed */
	if (n->beacons < U32_MAX)
		n->beacons++;
	n->mesh_time = mesh_time;
	n->offset_ms = mesh_time ? (s64)mesh_time -
				   ktime_to_ms(ktime_get_real()) : 0;
	n->quality = b->clock_quality;
	n->count = b->count;
	memcpy(n->entries, b->entries, elen);

	meshup_iface_heard(ifc, &n->tp, consistent,
			   jhash(b->entries, elen, b->count));

	if (fresh || changed) {
		msg = meshup_nl_neigh_msg(mn, n, fresh ?
					  MESHUP_CMD_EVT_NEIGH_NEW :
					  MESHUP_CMD_EVT_NEIGH_CHANGED,
					  GFP_ATOMIC);
		if (msg)
			__skb_queue_tail(&events, msg);
	}
	ret = fresh || changed;
out:
	spin_unlock_bh(&mn->neigh_lock);
	meshup_send_events(mn, &events);
	return ret;
}

/**
 * meshup_neigh_request_ok() - charge a REQUEST to its sender's bucket
 * @mn: the namespace state
 * @ifindex: interface it arrived on
 * @src: the sender's MAC
 * @now: current time, ns (ktime_get_ns())
 *
 * A sender that is not in the neighbour table is charged to the bucket all
 * such senders share, which refills MESHUP_STRANGER_DIV times more slowly
 * than a neighbour's and is that much shallower.
 *
 * Return: false if the sender exceeded its rate.
 */
bool meshup_neigh_request_ok(struct meshup_net *mn, int ifindex,
			     const u8 *src, u64 now)
{
	u32 rate = READ_ONCE(mn->params.req_rate);
	u32 burst = READ_ONCE(mn->params.req_burst);
	struct meshup_rl *rl;
	bool ok = true;

	spin_lock_bh(&mn->neigh_lock);
	if (!meshup_neigh_find(mn, ifindex, src)) {
		ok = meshup_tb_take(&mn->stranger_tb, now,
				    max_t(u32, rate / MESHUP_STRANGER_DIV, 1),
				    max_t(u32, burst / MESHUP_STRANGER_DIV, 1));
		goto out;
	}
	hash_for_each_possible(mn->rl_hash, rl, hnode,
			       meshup_addr_hash(ifindex, src))
		if (rl->ifindex == ifindex && ether_addr_equal(rl->addr, src))
			goto found;
	if (mn->rl_count >= MESHUP_RL_MAX) {
		rl = list_first_entry(&mn->rl_lru, struct meshup_rl, lru);
		meshup_rl_free(mn, rl);
	}
	rl = kzalloc(sizeof(*rl), GFP_ATOMIC);
	if (!rl)
		goto out;	/* no memory: let it through rather than drop */
	rl->ifindex = ifindex;
	ether_addr_copy(rl->addr, src);
	rl->tb.tokens = meshup_tb_max(rate, burst);
	rl->tb.last = now;
	hash_add(mn->rl_hash, &rl->hnode, meshup_addr_hash(ifindex, src));
	list_add_tail(&rl->lru, &mn->rl_lru);
	mn->rl_count++;
found:
	list_move_tail(&rl->lru, &mn->rl_lru);
	ok = meshup_tb_take(&rl->tb, now, rate, burst);
out:
	spin_unlock_bh(&mn->neigh_lock);
	return ok;
}

/**
 * meshup_neigh_flush_iface() - forget the neighbours heard on an interface
 * @mn: the namespace state
 * @ifindex: the interface
 */
void meshup_neigh_flush_iface(struct meshup_net *mn, int ifindex)
{
	struct meshup_neigh *n, *tmp;
	struct meshup_rl *rl, *rtmp;
	struct sk_buff_head events;

	__skb_queue_head_init(&events);
	spin_lock_bh(&mn->neigh_lock);
	list_for_each_entry_safe(n, tmp, &mn->neigh_lru, lru)
		if (n->ifindex == ifindex)
			meshup_neigh_del(mn, n, &events);
	list_for_each_entry_safe(rl, rtmp, &mn->rl_lru, lru) {
		if (rl->ifindex != ifindex)
			continue;
		meshup_rl_free(mn, rl);
	}
	spin_unlock_bh(&mn->neigh_lock);
	meshup_send_events(mn, &events);
}

/**
 * meshup_neigh_flush() - free both tables (namespace exit), no events
 * @mn: the namespace state
 */
void meshup_neigh_flush(struct meshup_net *mn)
{
	struct meshup_neigh *n, *tmp;
	struct meshup_rl *rl, *rtmp;

	spin_lock_bh(&mn->neigh_lock);
	list_for_each_entry_safe(n, tmp, &mn->neigh_lru, lru) {
		hash_del(&n->hnode);
		list_del(&n->lru);
		kfree(n);
	}
	list_for_each_entry_safe(rl, rtmp, &mn->rl_lru, lru) {
		hash_del(&rl->hnode);
		list_del(&rl->lru);
		kfree(rl);
	}
	mn->neigh_count = 0;
	mn->probation = 0;
	mn->rl_count = 0;
	spin_unlock_bh(&mn->neigh_lock);
}

/**
 * meshup_neigh_gc() - age neighbours and token buckets (delayed work)
 * @work: meshup_net.gc_work
 */
void meshup_neigh_gc(struct work_struct *work)
{
	struct meshup_net *mn = container_of(to_delayed_work(work),
					     struct meshup_net, gc_work);
	u64 timeout = min_t(u64, meshup_neigh_timeout_ms(mn), INT_MAX);
	unsigned long tj = msecs_to_jiffies((unsigned int)timeout);
	u32 limit = max_t(u32, READ_ONCE(mn->params.neigh_max), 1);
	u32 rate = READ_ONCE(mn->params.req_rate);
	u32 burst = READ_ONCE(mn->params.req_burst);
	u64 now = ktime_get_ns();
	struct sk_buff_head events;
	struct meshup_neigh *n;
	struct meshup_rl *rl;

	__skb_queue_head_init(&events);
	spin_lock_bh(&mn->neigh_lock);
	while (!list_empty(&mn->neigh_lru)) {
		n = list_first_entry(&mn->neigh_lru, struct meshup_neigh, lru);
		if (mn->neigh_count <= limit &&
		    time_before(jiffies, n->heard + tj))
			break;
		meshup_neigh_del(mn, n, &events);
	}
	while (!list_empty(&mn->rl_lru)) {
		rl = list_first_entry(&mn->rl_lru, struct meshup_rl, lru);
		/* Full again: forgetting it changes nothing. */
		if (now - rl->tb.last + rl->tb.tokens < meshup_tb_max(rate, burst))
			break;
		meshup_rl_free(mn, rl);
	}
	spin_unlock_bh(&mn->neigh_lock);
	meshup_send_events(mn, &events);
	queue_delayed_work(system_power_efficient_wq, &mn->gc_work,
			   round_jiffies_relative(MESHUP_GC_PERIOD));
}

/**
 * meshup_neigh_dump() - one GET_NEIGHBORS dump round
 * @mn: the namespace state
 * @skb: the dump buffer
 * @cb: the dump state; cb->args[0] counts neighbours already sent
 *
 * Return: skb->len, as dumpit wants.
 */
int meshup_neigh_dump(struct meshup_net *mn, struct sk_buff *skb,
		      struct netlink_callback *cb)
{
	long skip = cb->args[0], idx = 0;
	struct meshup_neigh *n;

	spin_lock_bh(&mn->neigh_lock);
	list_for_each_entry(n, &mn->neigh_lru, lru) {
		if (idx++ < skip)
			continue;
		if (meshup_nl_fill_neigh(skb, n, NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI,
					 MESHUP_CMD_GET_NEIGHBORS) < 0) {
			idx--;
			break;
		}
	}
	spin_unlock_bh(&mn->neigh_lock);
	cb->args[0] = idx;
	return skb->len;
}
