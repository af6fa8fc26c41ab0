/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers of the meshup kselftests: a generic netlink client for the
 * meshup family (libnl-genl-3), network namespaces and veth links (ip(8)),
 * and raw frames over AF_PACKET.  Independent of the project's userspace.
 */
#ifndef MESHUP_SELFTEST_HELPER_H
#define MESHUP_SELFTEST_HELPER_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <net/ethernet.h>
#include <linux/meshup.h>

struct nl_sock;

/** struct mu_nl - a generic netlink socket bound to the meshup family */
struct mu_nl {
	struct nl_sock *sk;
	int family;
	int events_grp;
};

/** struct mu_iface - one GET_IFACES message */
struct mu_iface {
	int ifindex;
	char name[16];
	uint32_t interval_ms;
	uint64_t stats[MESHUP_STAT_A_MAX + 1];
};

/** struct mu_neigh - one GET_NEIGHBORS message */
struct mu_neigh {
	int ifindex;
	uint8_t mac[ETH_ALEN];
	int n_entries;
};

/** struct mu_params - SET_PARAMS values; 0 leaves a parameter unchanged */
struct mu_params {
	uint32_t imin_ms;
	uint32_t imax_doublings;
	uint32_t k;
	uint32_t neigh_timeout_ms;
	bool set_doublings;	/* send imax_doublings even when 0 */
};

/** struct mu_event - one message read from an event or helper socket */
struct mu_event {
	int cmd;
	int ifindex;
	char ifname[16];
	uint8_t peer[ETH_ALEN];
	bool has_peer;
	int frame_type;
};

/* Namespaces: every test names its own with a unique prefix. */
int mu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int mu_netns_enter(const char *ns);
int mu_in_netns(const char *ns, int (*fn)(void *), void *arg);

/* Generic netlink; each returns 0 or a negative errno. */
int mu_nl_open(struct mu_nl *nl, const char *ns);
int mu_nl_open_events(struct mu_nl *nl, const char *ns);
void mu_nl_close(struct mu_nl *nl);
int mu_simple_cmd(struct mu_nl *nl, int cmd);
int mu_set_params(struct mu_nl *nl, const struct mu_params *p);
int mu_get_params(struct mu_nl *nl, uint32_t *imin_ms);
int mu_set_advert(struct mu_nl *nl, uint64_t mesh_time, int n,
		  const struct meshup_beacon_entry *entries);
int mu_send_frame(struct mu_nl *nl, int ifindex, const uint8_t *peer,
		  int type, const void *body, size_t len);
int mu_get_ifaces(struct mu_nl *nl, struct mu_iface *out, int max);
int mu_get_neighbors(struct mu_nl *nl, struct mu_neigh *out, int max);
const struct mu_iface *mu_find_iface(const struct mu_iface *v, int n,
				     int ifindex);
/* Next message within timeout_ms: 1 and *ev filled, 0 on timeout, <0 error */
int mu_nl_next(struct mu_nl *nl, int timeout_ms, struct mu_event *ev);
/* Counts messages of command cmd (peer/ifname match if not NULL) */
int mu_nl_count(struct mu_nl *nl, int timeout_ms, int cmd,
		const uint8_t *peer, const char *ifname);

/* Raw frames */
int mu_packet_open(const char *ns, const char *ifname);
int mu_ifindex(const char *ns, const char *ifname);
int mu_mac(const char *ns, const char *ifname, uint8_t mac[ETH_ALEN]);
/* Builds Ethernet + meshup header + body into buf; returns its length. */
size_t mu_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src,
		uint16_t magic, uint8_t version, uint8_t type,
		uint16_t body_len, const void *body, size_t body_bytes);
int mu_packet_send(int fd, int ifindex, const void *frame, size_t len);
/* Beacons from src seen on fd within ms (drains the queue first) */
int mu_count_beacons(int fd, const uint8_t *src, int ms);
void mu_drain(int fd);
/* A beacon body with n entries of channel ch (4 bytes), version ver */
size_t mu_beacon_body(uint8_t *buf, int n, const uint8_t ch[4], uint64_t ver);

/* Traffic and the module */
#include <sys/types.h>
pid_t mu_flood_start(const char *ns, const char *prefix);
int mu_module_loaded(void);

long mu_now_ms(void);
void mu_sleep_ms(long ms);
void mu_parse_mac(const char *s, uint8_t mac[ETH_ALEN]);

#endif
