/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup userspace library: the generic netlink client of the meshup kernel
 * module (include/uapi/linux/meshup.h), built on libnl-genl-3.
 *
 * One struct mu_nl is one client.  It holds two netlink sockets:
 *  - the receive socket, whose fd (mu_nl_fd()) goes into the caller's
 *    poll()/epoll loop.  It is the one that registers as the helper, so the
 *    module unicasts MESHUP_CMD_FRAME to it; it also carries the "events"
 *    multicast group (mu_nl_subscribe_events()) and the nlctrl "notify"
 *    group, through which the client learns that the module went away.
 *    mu_nl_recv() reads it without blocking and calls the callbacks;
 *  - a request socket for everything that waits for an answer (SEND,
 *    SET_ADVERT, GET/SET_PARAMS, the dumps).  The module handles a request
 *    while the sender is still inside sendmsg(), so each of these calls
 *    returns its result at once, without blocking on the receive socket and
 *    without ever calling a callback.  The callbacks can therefore use every
 *    function here except mu_nl_register()/mu_nl_unregister()/mu_nl_recv().
 *
 * Error convention: unlike the rest of the library (util.h), functions here
 * return 0 (or a count) on success and a NEGATIVE ERRNO on failure, because
 * the caller must tell these apart:
 *   -ENOENT   (mu_nl_open(), mu_nl_reconnect()) the family "meshup" does
 *             not exist: the module is not loaded.
 *   -EIDRM    (MU_NL_EGONE, any call) the module was unloaded since the
 *             family was resolved.  Everything fails with it until
 *             mu_nl_reconnect() succeeds (retry it on a timer, e.g. every
 *             second), then register and set the advert again (see
 *             mu_nl_reconnect()).
 *   -ENOBUFS  (mu_nl_recv()) the receive socket overflowed: FRAMEs or
 *             events were lost.  (mu_nl_send()) the module could not queue
 *             the frame now: back off.  -EAGAIN likewise.
 *   -EPROTO   a message from the kernel did not match the header (missing
 *             or malformed attribute); it was skipped.
 *   others    what the kernel answered (e.g. -EPERM, -EINVAL, -EBUSY).
 * Where a function takes "char *err" (MU_ERR_LEN bytes, may be NULL), it
 * writes one line naming the operation and the reason; when the kernel
 * attached an extack message, that message is in it, e.g.
 *   "SET_PARAMS: imin_ms out of range (Invalid argument)".
 *
 * Not thread-safe: use one client per thread.
 */
#ifndef MESHUP_NL_H
#define MESHUP_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <net/if.h>		/* IF_NAMESIZE */
#include <linux/meshup.h>

#include "util.h"		/* MU_ERR_LEN */

#define MU_NL_ETH_ALEN		6
/** MU_NL_EGONE - errno (negated in returns): the module was unloaded */
#define MU_NL_EGONE		EIDRM
/** MU_NL_NOMOD_MSG - the text mu_nl_open() gives when the family is absent */
#define MU_NL_NOMOD_MSG \
	"meshup kernel module not loaded (no generic netlink family 'meshup')"

struct mu_nl;

/**
 * struct mu_nl_entry - one advertised bundle (SET_ADVERT, beacons)
 * @key: the object key as on the wire (struct meshup_key, big-endian)
 * @blocks_held: verified blocks held from block 0 on without a gap
 */
struct mu_nl_entry {
	uint8_t key[MESHUP_KEY_LEN];
	uint32_t blocks_held;
};

/**
 * struct mu_nl_frame - a MESHUP_CMD_FRAME from the module
 * @ifindex: the interface it arrived on
 * @peer: the sender's MAC
 * @type: enum meshup_frame_type
 * @version: the sender's protocol version
 * @body: the body (no common header); valid only during the callback
 * @body_len: bytes at @body
 */
struct mu_nl_frame {
	uint32_t ifindex;
	uint8_t peer[MU_NL_ETH_ALEN];
	uint8_t type;
	uint8_t version;
	const uint8_t *body;
	size_t body_len;
};

/**
 * struct mu_nl_neigh - one neighbour (GET_NEIGHBORS, EVT_NEIGH_NEW/CHANGED)
 * @ifindex: interface it is heard on
 * @peer: its MAC
 * @age_ms: time since its last beacon
 * @offset_ms: its mesh time minus our clock; valid if @has_offset
 * @has_offset: its last beacon carried a mesh time (not 0)
 * @clock_quality: enum meshup_clock_quality from its last beacon
 * @mesh_time_ms: mesh time from its last beacon (0 = unknown)
 * @n_entries: entries in @entries
 * @entries: its advert
 */
struct mu_nl_neigh {
	uint32_t ifindex;
	uint8_t peer[MU_NL_ETH_ALEN];
	uint32_t age_ms;
	int64_t offset_ms;
	bool has_offset;
	uint8_t clock_quality;
	uint64_t mesh_time_ms;
	unsigned int n_entries;
	struct mu_nl_entry entries[MESHUP_BEACON_MAX_ENTRIES];
};

/**
 * struct mu_nl_iface - one interface (GET_IFACES)
 * @ifindex: interface index
 * @name: interface name
 * @trickle_interval_ms: current Trickle interval I
 * @stats: counters indexed by enum meshup_stat_attrs (MESHUP_STAT_A_*);
 *	a counter the kernel did not send reads 0
 * @stats_present: bit (1ULL << MESHUP_STAT_A_x) set if the kernel sent it
 */
struct mu_nl_iface {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
	uint32_t trickle_interval_ms;
	uint64_t stats[MESHUP_STAT_A_MAX + 1];
	uint64_t stats_present;
};

/** MU_NL_PARAM() - the bit of MESHUP_PARAM_A_x in struct mu_nl_params.present */
#define MU_NL_PARAM(attr)	(1u << (attr))

/**
 * struct mu_nl_params - per-namespace parameters (GET/SET_PARAMS)
 * @present: MU_NL_PARAM(MESHUP_PARAM_A_x) for each field that is set;
 *	GET sets the bits of what the kernel sent, SET sends only these
 * @imin_ms: Trickle Imin
 * @imax_doublings: Imax = Imin << this
 * @k: Trickle redundancy constant
 * @req_rate: REQUESTs per second per sender
 * @req_burst: token bucket depth
 * @neigh_max: neighbour table size
 * @neigh_timeout_ms: neighbour lifetime (0 = 4 * Imax)
 * @if_filter: enum meshup_if_filter
 * @n_if: names in @if_list (sent with MESHUP_PARAM_A_IF_LIST)
 * @if_list: interface names
 */
struct mu_nl_params {
	uint32_t present;
	uint32_t imin_ms;
	uint32_t imax_doublings;
	uint32_t k;
	uint32_t req_rate;
	uint32_t req_burst;
	uint32_t neigh_max;
	uint32_t neigh_timeout_ms;
	uint32_t if_filter;
	unsigned int n_if;
	char if_list[MESHUP_IF_LIST_MAX][IF_NAMESIZE];
};

/**
 * struct mu_nl_event - one message of the "events" multicast group
 * @cmd: MESHUP_CMD_EVT_*
 * @ifindex: the interface (every event)
 * @ifname: IFACE_ADDED/REMOVED: its name; "" otherwise
 * @peer: NEIGH_* and DROP: the neighbour's MAC; zero otherwise
 * @has_peer: @peer is set (always for NEIGH_*; a DROP may come without it
 *	when the sender is unknown, e.g. a runt frame)
 * @drop_reason: DROP: enum meshup_drop_reason; 0 otherwise
 * @neigh: NEIGH_NEW/CHANGED: the whole neighbour as in GET_NEIGHBORS;
 *	NEIGH_LOST: only ifindex and peer set
 */
struct mu_nl_event {
	uint8_t cmd;
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t peer[MU_NL_ETH_ALEN];
	bool has_peer;
	uint32_t drop_reason;
	struct mu_nl_neigh neigh;
};

/**
 * struct mu_nl_ops - what mu_nl_recv() calls; any may be NULL (ignored)
 * @frame: a MESHUP_CMD_FRAME arrived (only while registered)
 * @event: an event arrived (only after mu_nl_subscribe_events())
 */
struct mu_nl_ops {
	void (*frame)(const struct mu_nl_frame *f, void *arg);
	void (*event)(const struct mu_nl_event *e, void *arg);
};

/**
 * mu_nl_open() - connect to the module's generic netlink family
 * @out: the new client
 * @ops: callbacks for mu_nl_recv() (copied; may be NULL)
 * @arg: passed to the callbacks
 * @err: message buffer (MU_ERR_LEN) or NULL
 *
 * Return: 0; -ENOENT with MU_NL_NOMOD_MSG in @err if the module is not
 * loaded; another negative errno.
 */
int mu_nl_open(struct mu_nl **out, const struct mu_nl_ops *ops, void *arg,
	       char *err);

/** mu_nl_close() - close the client (releases a registration); NULL ok */
void mu_nl_close(struct mu_nl *nl);

/**
 * mu_nl_fd() - the fd to poll for POLLIN; call mu_nl_recv() when readable.
 * Non-blocking.  Stays the same for the life of the client (also across
 * mu_nl_reconnect()).
 */
int mu_nl_fd(const struct mu_nl *nl);

/**
 * mu_nl_recv() - read what is pending on mu_nl_fd() without blocking and
 * dispatch it to the callbacks
 * @nl: the client
 * @err: message buffer or NULL
 *
 * Reads at most a bounded batch per call (so a flood cannot starve the
 * caller's other work): use level-triggered poll/epoll.
 *
 * Return: number of messages dispatched (0: nothing pending); -ENOBUFS when
 * the socket overflowed and messages were lost (the next call goes on
 * reading); -MU_NL_EGONE when the module was unloaded (call
 * mu_nl_reconnect()); -EPROTO when a malformed message was skipped (the
 * others were dispatched); another negative errno.
 */
int mu_nl_recv(struct mu_nl *nl, char *err);

/**
 * mu_nl_gone() - true once the client learnt that the module was unloaded
 * (every call then fails with -MU_NL_EGONE until mu_nl_reconnect()).
 */
bool mu_nl_gone(const struct mu_nl *nl);

/**
 * mu_nl_reconnect() - resolve the family again after -MU_NL_EGONE
 * @nl: the client
 * @err: message buffer or NULL
 *
 * Keeps the sockets (mu_nl_fd() does not change) and drops whatever is
 * still queued from the old module.  Renews the event subscription if there
 * was one.  The helper registration and the advert died with the old
 * module: the caller calls mu_nl_register() and mu_nl_set_advert() again.
 * Harmless when the client is not gone (it re-resolves, renews the event
 * subscription, drops nothing queued and returns 0).
 *
 * Return: 0; -ENOENT (MU_NL_NOMOD_MSG) while the module is not loaded: retry
 * later; another negative errno.
 */
int mu_nl_reconnect(struct mu_nl *nl, char *err);

/**
 * mu_nl_register() - become the helper of this network namespace
 * (MESHUP_CMD_REGISTER).  Blocks for the answer (briefly) and may dispatch
 * messages that arrive meanwhile: never call it from a callback.
 * Return: 0; -EBUSY if another socket is the helper; -EPERM; ...
 */
int mu_nl_register(struct mu_nl *nl, char *err);

/** mu_nl_unregister() - stop being the helper (as mu_nl_register()). */
int mu_nl_unregister(struct mu_nl *nl, char *err);

/** MU_NL_ENTRIES_UNCHANGED - n_entries for mu_nl_set_advert(): keep them */
#define MU_NL_ENTRIES_UNCHANGED	(-1)

/**
 * mu_nl_set_advert() - set what this node's beacons carry (SET_ADVERT)
 * @nl: the client
 * @mesh_time_ms: Unix milliseconds, 0 = unknown
 * @clock_quality: enum meshup_clock_quality
 * @entries: the entries (may be NULL when @n_entries <= 0)
 * @n_entries: 0..MESHUP_BEACON_MAX_ENTRIES (0 clears them), or
 *	MU_NL_ENTRIES_UNCHANGED to refresh only the time and quality
 * @err: message buffer or NULL
 * Return: 0 or a negative errno.
 */
int mu_nl_set_advert(struct mu_nl *nl, uint64_t mesh_time_ms,
		     uint8_t clock_quality, const struct mu_nl_entry *entries,
		     int n_entries, char *err);

/**
 * mu_nl_send() - have the module send one frame (SEND); never blocks
 * @nl: the client
 * @ifindex: interface to send on
 * @peer: destination MAC
 * @type: MESHUP_T_REQUEST, MESHUP_T_MANIFEST or MESHUP_T_BLOCK
 * @body: the body without the common header
 * @len: 1..MESHUP_MAX_BODY
 * @err: message buffer or NULL (only written on failure)
 *
 * Two system calls (send + reading the kernel's answer) and one small
 * allocation.
 * Return: 0; -ENOBUFS or -EAGAIN when the module or the socket cannot take
 * it now (back off and retry later); another negative errno (-EINVAL for a
 * body the module rejects, -ENODEV no such interface, -ENETDOWN meshup
 * does not run on it, -EMSGSIZE its MTU carries BEACONs only).
 */
int mu_nl_send(struct mu_nl *nl, uint32_t ifindex,
	       const uint8_t peer[MU_NL_ETH_ALEN], uint8_t type,
	       const void *body, size_t len, char *err);

/** mu_nl_get_params() - read the namespace's parameters into @p. */
int mu_nl_get_params(struct mu_nl *nl, struct mu_nl_params *p, char *err);

/** mu_nl_set_params() - set the fields of @p marked in @p->present. */
int mu_nl_set_params(struct mu_nl *nl, const struct mu_nl_params *p,
		     char *err);

/**
 * mu_nl_get_neighbors() - dump the neighbour table
 * @nl: the client
 * @cb: called once per neighbour; a non-zero return stops the calls (the
 *	dump is still drained) and becomes the return value
 * @arg: for @cb
 * @err: message buffer or NULL
 * Return: 0, @cb's non-zero value, or a negative errno.
 */
int mu_nl_get_neighbors(struct mu_nl *nl,
			int (*cb)(const struct mu_nl_neigh *n, void *arg),
			void *arg, char *err);

/** mu_nl_get_ifaces() - dump the interfaces, as mu_nl_get_neighbors(). */
int mu_nl_get_ifaces(struct mu_nl *nl,
		     int (*cb)(const struct mu_nl_iface *i, void *arg),
		     void *arg, char *err);

/**
 * mu_nl_subscribe_events() - join the "events" multicast group; events then
 * reach ops->event from mu_nl_recv().  Return: 0 or a negative errno.
 */
int mu_nl_subscribe_events(struct mu_nl *nl, char *err);

/* ---- names for printing (static strings; NULL for an unknown value) ---- */

/** mu_nl_event_name() - "neigh-new", "neigh-changed", "neigh-lost",
 * "iface-added", "iface-removed", "drop" */
const char *mu_nl_event_name(unsigned int cmd);
/** mu_nl_stat_name() - "rx_beacon", ..., "drop_short", ..., "tx_errors" */
const char *mu_nl_stat_name(unsigned int stat_attr);
/** mu_nl_drop_name() - "short", "bad_magic", ..., "not_for_us" */
const char *mu_nl_drop_name(unsigned int reason);
/** mu_nl_frame_type_name() - "beacon", "request", "manifest", "block" */
const char *mu_nl_frame_type_name(unsigned int type);
/** mu_nl_clock_name() - "unsynced", "neighbours", "synced" */
const char *mu_nl_clock_name(unsigned int quality);

/**
 * mu_nl_stat_drop_reason() - the drop reason a MESHUP_STAT_A_DROP_* counter
 * counts, or MESHUP_DROP_NONE for other counters.
 */
unsigned int mu_nl_stat_drop_reason(unsigned int stat_attr);

#endif
