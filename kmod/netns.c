// SPDX-License-Identifier: GPL-2.0
/*
 * meshup: per-network-namespace state.
 *
 * Registered as a pernet subsystem, so a namespace's devices are gone (and
 * with them meshup's interfaces) before meshup_net_exit() runs.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "iface.h"
#include "neigh.h"
#include "netns.h"

unsigned int meshup_net_id __read_mostly;

/**
 * meshup_neigh_timeout_ms() - how long a silent neighbour is kept
 * @mn: the namespace state
 *
 * Return: MESHUP_PARAM_A_NEIGH_TIMEOUT_MS, or 4 * Imax if that is 0.
 */
u64 meshup_neigh_timeout_ms(const struct meshup_net *mn)
{
	u32 t = READ_ONCE(mn->params.neigh_timeout_ms);

	if (t)
		return t;
	return 4 * ((u64)READ_ONCE(mn->params.imin_ms) <<
		    READ_ONCE(mn->params.imax_doublings));
}

static int __net_init meshup_net_init(struct net *net)
{
	struct meshup_net *mn = meshup_net(net);

	mn->net = net;
	INIT_LIST_HEAD(&mn->ifaces);
	mn->params = (struct meshup_params) {
		.imin_ms = 100,
		.imax_doublings = 13,
		.k = 2,
		.req_rate = 200,
		.req_burst = 400,
		.neigh_max = 256,
		.neigh_timeout_ms = 0,
		.if_filter = MESHUP_IF_FILTER_NONE,
	};
	spin_lock_init(&mn->neigh_lock);
	hash_init(mn->neigh_hash);
	INIT_LIST_HEAD(&mn->neigh_lru);
	hash_init(mn->rl_hash);
	INIT_LIST_HEAD(&mn->rl_lru);
	INIT_DELAYED_WORK(&mn->gc_work, meshup_neigh_gc);
	queue_delayed_work(system_power_efficient_wq, &mn->gc_work, HZ);
	return 0;
}

static void __net_exit meshup_net_exit(struct net *net)
{
	struct meshup_net *mn = meshup_net(net);
	struct meshup_advert *adv;

	rtnl_lock();
	meshup_iface_remove_all(mn);	/* normally empty by now */
	adv = rtnl_dereference(mn->advert);
	RCU_INIT_POINTER(mn->advert, NULL);
	rtnl_unlock();
	cancel_delayed_work_sync(&mn->gc_work);
	meshup_neigh_flush(mn);
	mn->helper_portid = 0;
	if (adv)
		kfree_rcu(adv, rcu);
}

static struct pernet_operations meshup_net_ops = {
	.init = meshup_net_init,
	.exit = meshup_net_exit,
	.id = &meshup_net_id,
	.size = sizeof(struct meshup_net),
};

/**
 * meshup_netns_init() - set up every namespace, present and future
 *
 * Return: 0 or a negative error.
 */
int meshup_netns_init(void)
{
	return register_pernet_subsys(&meshup_net_ops);
}

/**
 * meshup_netns_exit() - tear down every namespace's state
 */
void meshup_netns_exit(void)
{
	unregister_pernet_subsys(&meshup_net_ops);
}
