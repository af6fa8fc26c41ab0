// SPDX-License-Identifier: GPL-2.0
/*
 * meshup: signed updates that spread through a mesh at the link layer.
 *
 * Module entry points.  Pieces start in dependency order and stop in the
 * reverse order: per-namespace state, the netlink family, the receive
 * path, and last the netdevice notifier that brings interfaces up.
 */
#include <linux/if_ether.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>

#include "iface.h"
#include "netlink.h"
#include "netns.h"
#include "rx.h"

u16 meshup_ethertype __read_mostly = MESHUP_ETH_P;
module_param_named(ethertype, meshup_ethertype, ushort, 0444);
MODULE_PARM_DESC(ethertype, "Ethertype of meshup frames (default 0x88B5)");

static int __init meshup_init(void)
{
	int err;

	if (meshup_ethertype < ETH_P_802_3_MIN) {
		pr_err("meshup: ethertype 0x%04x is a length, not a type\n",
		       meshup_ethertype);
		return -EINVAL;
	}

	err = meshup_netns_init();
	if (err)
		goto err_netns;
	err = meshup_nl_init();
	if (err)
		goto err_nl;
	meshup_rx_init();
	err = meshup_iface_init();
	if (err)
		goto err_iface;
	pr_info("meshup: ethertype 0x%04x\n", meshup_ethertype);
	return 0;

err_iface:
	meshup_rx_exit();
	meshup_nl_exit();
err_nl:
	meshup_netns_exit();
err_netns:
	return err;
}

static void __exit meshup_exit(void)
{
	meshup_iface_exit();
	meshup_rx_exit();
	meshup_nl_exit();
	meshup_netns_exit();
	rcu_barrier();
}

module_init(meshup_init);
module_exit(meshup_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("meshup: signed updates over a link-layer mesh");
MODULE_ALIAS_GENL_FAMILY(MESHUP_GENL_NAME);
