/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup userspace library: parsing of the module's generic netlink
 * messages into the plain structs of nl.h.  Internal to nl*.c; exposed so
 * that unit tests can feed hand-built messages.
 *
 * Each parser takes a whole netlink message (struct nlmsghdr followed by the
 * genetlink header and the attributes), checks every attribute the header
 * (include/uapi/linux/meshup.h) promises, ignores attributes it does not
 * know (a newer module may append some), and returns 0 or -EPROTO with one
 * line in @err naming the message and the attribute.
 */
#ifndef MESHUP_NL_PARSE_H
#define MESHUP_NL_PARSE_H

#include <linux/netlink.h>

#include "nl.h"

int mu_nl_parse_frame(const struct nlmsghdr *nlh, struct mu_nl_frame *f,
		      char *err);
int mu_nl_parse_neigh(const struct nlmsghdr *nlh, struct mu_nl_neigh *n,
		      char *err);
int mu_nl_parse_iface(const struct nlmsghdr *nlh, struct mu_nl_iface *i,
		      char *err);
int mu_nl_parse_params(const struct nlmsghdr *nlh, struct mu_nl_params *p,
		       char *err);
/* Any MESHUP_CMD_EVT_* message (the genetlink cmd says which). */
int mu_nl_parse_event(const struct nlmsghdr *nlh, struct mu_nl_event *e,
		      char *err);

/*
 * mu_nl_parse_extack() - the extack message of an NLMSG_ERROR message
 * (NULL if none); points into @nlh.  @nlh->nlmsg_len must be trusted.
 */
const char *mu_nl_parse_extack(const struct nlmsghdr *nlh);

#endif
