/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * meshup: signed updates that spread through a mesh at the link layer.
 *
 * Documentation
 * =============
 *
 * This header is the whole interface between the meshup kernel module, the
 * helper daemon (meshupd) and monitoring tools (meshupctl).  It holds two
 * things:
 *
 *  1. the wire format of section 3 of PROTOCOL.md (constants and packed
 *     structures; all multi-byte fields big-endian), and
 *  2. the generic netlink API: family MESHUP_GENL_NAME, version
 *     MESHUP_GENL_VERSION, multicast group MESHUP_GENL_MCGRP_EVENTS.
 *
 * The family is network-namespace aware: every command acts on the namespace
 * of the socket that sends it.  Commands marked (admin) need CAP_NET_ADMIN in
 * the user namespace that owns that network namespace (GENL_UNS_ADMIN_PERM);
 * others get -EPERM.  Every rejection carries an extack message.
 *
 * MESHUP_CMD_REGISTER (admin)
 * ---------------------------
 * Makes the sending socket the helper of its namespace.  There is at most one
 * helper per namespace: a second registration from another socket gets
 * -EBUSY.  The registration is released when the socket closes (or its
 * process dies).  No attributes.  From then on the module unicasts
 * MESHUP_CMD_FRAME messages to that socket.
 *
 * MESHUP_CMD_UNREGISTER (admin)
 * -----------------------------
 * Releases the registration held by the sending socket.  No attributes.
 *
 * MESHUP_CMD_SET_ADVERT (admin)
 * -----------------------------
 * Sets what this node's BEACONs carry, on every interface of the namespace.
 * A change of entries resets every interface's Trickle timer to Imin.
 *
 *    MESHUP_A_MESH_TIME: NLA_U64, Unix milliseconds, 0 = unknown
 *    MESHUP_A_CLOCK_QUALITY: NLA_U8, enum meshup_clock_quality
 *    MESHUP_A_ENTRIES: NLA_NESTED, at most MESHUP_BEACON_MAX_ENTRIES
 *        0: NLA_NESTED (the index is ignored)
 *            MESHUP_ENTRY_A_KEY: NLA_BINARY, exactly MESHUP_KEY_LEN
 *            MESHUP_ENTRY_A_BLOCKS_HELD: NLA_U32
 *        0: NLA_NESTED
 *            ...
 *
 * An absent MESHUP_A_ENTRIES leaves the entries unchanged (so the time can be
 * refreshed alone); an empty one clears them.
 *
 * MESHUP_CMD_SEND (admin)
 * -----------------------
 * Sends one frame.  The module writes the Ethernet and common headers; the
 * body is validated exactly like a received one (section 3).
 *
 *    MESHUP_A_IFINDEX: NLA_U32, the interface to send on
 *    MESHUP_A_PEER: NLA_BINARY, exactly ETH_ALEN, the destination
 *    MESHUP_A_FRAME_TYPE: NLA_U8, MESHUP_T_REQUEST, _MANIFEST or _BLOCK
 *    MESHUP_A_FRAME_BODY: NLA_BINARY, at most MESHUP_MAX_BODY
 *
 * MESHUP_CMD_FRAME (kernel to helper, unicast)
 * --------------------------------------------
 * A received REQUEST, MANIFEST or BLOCK, or a BEACON whose content differs
 * from the previous one of that neighbour (new neighbour or changed advert):
 *
 *    MESHUP_A_IFINDEX: NLA_U32, the interface it arrived on
 *    MESHUP_A_PEER: NLA_BINARY, ETH_ALEN, the sender's MAC
 *    MESHUP_A_FRAME_TYPE: NLA_U8
 *    MESHUP_A_FRAME_VERSION: NLA_U8, the sender's protocol version
 *    MESHUP_A_FRAME_BODY: NLA_BINARY, the body (body_len bytes, no padding)
 *
 * MESHUP_CMD_GET_PARAMS, MESHUP_CMD_SET_PARAMS (set: admin)
 * ---------------------------------------------------------
 * Per-namespace parameters.  GET replies with all of them; SET takes any
 * subset and applies all or none:
 *
 *    MESHUP_A_PARAMS: NLA_NESTED
 *        MESHUP_PARAM_A_IMIN_MS: NLA_U32, Trickle Imin, 10..60000
 *        MESHUP_PARAM_A_IMAX_DOUBLINGS: NLA_U32, Trickle Imax = Imin << this, 0..20
 *        MESHUP_PARAM_A_K: NLA_U32, Trickle redundancy constant, 1..255
 *        MESHUP_PARAM_A_REQ_RATE: NLA_U32, REQUESTs/s per neighbour; strangers share 1/8
 *        MESHUP_PARAM_A_REQ_BURST: NLA_U32, burst of the same token bucket
 *        MESHUP_PARAM_A_NEIGH_MAX: NLA_U32, neighbour table size, 1..4096
 *        MESHUP_PARAM_A_NEIGH_TIMEOUT_MS: NLA_U32, neighbour lifetime
 *        MESHUP_PARAM_A_IF_FILTER: NLA_U32, enum meshup_if_filter
 *        MESHUP_PARAM_A_IF_LIST: NLA_NESTED, at most MESHUP_IF_LIST_MAX
 *            0: NLA_NUL_STRING, an interface name (IFNAMSIZ - 1 at most)
 *            ...
 *
 * MESHUP_CMD_GET_NEIGHBORS (dump)
 * -------------------------------
 * One message per neighbour:
 *
 *    MESHUP_A_IFINDEX: NLA_U32
 *    MESHUP_A_PEER: NLA_BINARY, ETH_ALEN
 *    MESHUP_A_NEIGH_AGE_MS: NLA_U32, since its last beacon
 *    MESHUP_A_NEIGH_OFFSET_MS: NLA_S64, its mesh time minus our real-time
 *                              clock when its last beacon arrived (present
 *                              only when its mesh time was not 0)
 *    MESHUP_A_CLOCK_QUALITY: NLA_U8, from its last beacon
 *    MESHUP_A_MESH_TIME: NLA_U64, from its last beacon
 *    MESHUP_A_ENTRIES: NLA_NESTED, from its last beacon, as in SET_ADVERT
 *
 * MESHUP_CMD_GET_IFACES (dump)
 * ----------------------------
 * One message per interface meshup runs on:
 *
 *    MESHUP_A_IFINDEX: NLA_U32
 *    MESHUP_A_IFNAME: NLA_NUL_STRING
 *    MESHUP_A_TRICKLE_INTERVAL_MS: NLA_U32, the current interval I
 *    MESHUP_A_STATS: NLA_NESTED
 *        MESHUP_STAT_A_*: NLA_U64 each, see enum meshup_stat_attrs
 *
 * Events (multicast group MESHUP_GENL_MCGRP_EVENTS)
 * -------------------------------------------------
 * MESHUP_CMD_EVT_NEIGH_NEW, _NEIGH_CHANGED: as one GET_NEIGHBORS message.
 * MESHUP_CMD_EVT_NEIGH_LOST: MESHUP_A_IFINDEX, MESHUP_A_PEER.
 * MESHUP_CMD_EVT_IFACE_ADDED, _IFACE_REMOVED: MESHUP_A_IFINDEX, MESHUP_A_IFNAME.
 * MESHUP_CMD_EVT_DROP: MESHUP_A_IFINDEX, MESHUP_A_PEER, MESHUP_A_DROP_REASON
 *     (enum meshup_drop_reason), rate-limited; the counters are exact.
 */

#ifndef _UAPI_LINUX_MESHUP_H
#define _UAPI_LINUX_MESHUP_H

#include <linux/types.h>

/* ---- wire format (PROTOCOL.md section 3, frozen) ---- */

/** MESHUP_ETH_P - default ethertype, IEEE local experimental 1 */
#define MESHUP_ETH_P			0x88B5
/** MESHUP_MAGIC - first two bytes of the common header, "MU" */
#define MESHUP_MAGIC			0x4D55
/** MESHUP_PROTO_VERSION - protocol version this implementation speaks */
#define MESHUP_PROTO_VERSION		1
/** MESHUP_KEY_LEN - object key: channel id (4), version (8), digest prefix (8) */
#define MESHUP_KEY_LEN			20
/** MESHUP_BLOCK_MAX - largest block */
#define MESHUP_BLOCK_MAX		1024
/** MESHUP_MANIFEST_MAX - largest manifest */
#define MESHUP_MANIFEST_MAX		1024
/** MESHUP_BEACON_MAX_ENTRIES - entries one BEACON may carry */
#define MESHUP_BEACON_MAX_ENTRIES	16
/** MESHUP_MAX_BODY - largest body of any v1 frame (a full BLOCK) */
#define MESHUP_MAX_BODY			(MESHUP_KEY_LEN + 4 + MESHUP_BLOCK_MAX)
/** MESHUP_MIN_DATA_MTU - below this MTU an interface carries BEACONs only */
#define MESHUP_MIN_DATA_MTU		(8 + MESHUP_KEY_LEN + 4 + MESHUP_BLOCK_MAX)

/**
 * enum meshup_frame_type - the type byte of the common header
 * @MESHUP_T_BEACON: broadcast, what the sender holds
 * @MESHUP_T_REQUEST: unicast, asks for a manifest or blocks
 * @MESHUP_T_MANIFEST: unicast, a manifest
 * @MESHUP_T_BLOCK: unicast, one block
 */
enum meshup_frame_type {
	MESHUP_T_BEACON = 1,
	MESHUP_T_REQUEST = 2,
	MESHUP_T_MANIFEST = 3,
	MESHUP_T_BLOCK = 4,
};

/**
 * enum meshup_clock_quality - how a node knows the time
 * @MESHUP_CLOCK_UNSYNCED: the system clock, not synchronised
 * @MESHUP_CLOCK_NEIGHBOURS: derived from neighbours' beacons
 * @MESHUP_CLOCK_SYNCED: NTP, GPS or an RTC
 */
enum meshup_clock_quality {
	MESHUP_CLOCK_UNSYNCED = 0,
	MESHUP_CLOCK_NEIGHBOURS = 1,
	MESHUP_CLOCK_SYNCED = 2,
};

/**
 * struct meshup_hdr - common header after the Ethernet header
 * @magic: MESHUP_MAGIC
 * @version: protocol version of the sender
 * @type: enum meshup_frame_type
 * @body_len: bytes of body after this header
 * @reserved: send 0, ignore
 */
struct meshup_hdr {
	__be16 magic;
	__u8 version;
	__u8 type;
	__be16 body_len;
	__be16 reserved;
} __attribute__((packed));

/**
 * struct meshup_key - identifies a bundle on the wire
 * @channel_id: first 4 bytes of SHA256(channel name)
 * @version: bundle version
 * @digest_prefix: first 8 bytes of the manifest digest
 */
struct meshup_key {
	__u8 channel_id[4];
	__be64 version;
	__u8 digest_prefix[8];
} __attribute__((packed));

/**
 * struct meshup_beacon_entry - one advertised bundle
 * @key: the bundle
 * @blocks_held: verified blocks held from block 0 on without a gap
 */
struct meshup_beacon_entry {
	struct meshup_key key;
	__be32 blocks_held;
} __attribute__((packed));

/**
 * struct meshup_beacon - BEACON body, followed by @count entries
 * @mesh_time_ms: sender's mesh time, Unix milliseconds, 0 = unknown
 * @clock_quality: enum meshup_clock_quality
 * @flags: reserved
 * @count: number of entries, 0..MESHUP_BEACON_MAX_ENTRIES
 * @entries: the entries
 */
struct meshup_beacon {
	__be64 mesh_time_ms;
	__u8 clock_quality;
	__u8 flags;
	__u8 count;
	struct meshup_beacon_entry entries[];
} __attribute__((packed));

/**
 * enum meshup_request_what - what a REQUEST asks for
 * @MESHUP_REQ_MANIFEST: the manifest
 * @MESHUP_REQ_BLOCKS: the blocks named by first and bitmap
 */
enum meshup_request_what {
	MESHUP_REQ_MANIFEST = 0,
	MESHUP_REQ_BLOCKS = 1,
};

/**
 * struct meshup_request - REQUEST body
 * @key: the bundle
 * @what: enum meshup_request_what
 * @reserved: send 0, ignore
 * @first: first block index the bitmap speaks of
 * @bitmap: bit i (MSB of byte 0 first) asks for block first + i
 */
struct meshup_request {
	struct meshup_key key;
	__u8 what;
	__u8 reserved[3];
	__be32 first;
	__u8 bitmap[8];
} __attribute__((packed));

/**
 * struct meshup_manifest_hdr - MANIFEST body, followed by 1..1024 bytes
 * @key: the bundle
 * @manifest: the manifest bytes
 */
struct meshup_manifest_hdr {
	struct meshup_key key;
	__u8 manifest[];
} __attribute__((packed));

/**
 * struct meshup_block_hdr - BLOCK body, followed by 1..1024 bytes
 * @key: the bundle
 * @index: block index
 * @data: the block bytes
 */
struct meshup_block_hdr {
	struct meshup_key key;
	__be32 index;
	__u8 data[];
} __attribute__((packed));

/* ---- generic netlink API ---- */

#define MESHUP_GENL_NAME		"meshup"
#define MESHUP_GENL_VERSION		1
#define MESHUP_GENL_MCGRP_EVENTS	"events"
/** MESHUP_IF_LIST_MAX - names in an allow or deny list */
#define MESHUP_IF_LIST_MAX		32

/**
 * enum meshup_cmd - generic netlink commands (see the top comment)
 * @MESHUP_CMD_UNSPEC: unused
 * @MESHUP_CMD_REGISTER: become the namespace's helper (admin)
 * @MESHUP_CMD_UNREGISTER: stop being the helper (admin)
 * @MESHUP_CMD_SET_ADVERT: set beacon content (admin)
 * @MESHUP_CMD_SEND: send one frame (admin)
 * @MESHUP_CMD_FRAME: kernel to helper: a received frame
 * @MESHUP_CMD_GET_PARAMS: read parameters
 * @MESHUP_CMD_SET_PARAMS: change parameters (admin)
 * @MESHUP_CMD_GET_NEIGHBORS: dump the neighbour table
 * @MESHUP_CMD_GET_IFACES: dump interfaces and their counters
 * @MESHUP_CMD_EVT_NEIGH_NEW: event: neighbour heard for the first time
 * @MESHUP_CMD_EVT_NEIGH_CHANGED: event: neighbour's advert changed
 * @MESHUP_CMD_EVT_NEIGH_LOST: event: neighbour timed out or its link went
 * @MESHUP_CMD_EVT_IFACE_ADDED: event: meshup now runs on an interface
 * @MESHUP_CMD_EVT_IFACE_REMOVED: event: meshup stopped on an interface
 * @MESHUP_CMD_EVT_DROP: event: a frame was dropped (rate-limited)
 * @__MESHUP_CMD_MAX: internal
 */
enum meshup_cmd {
	MESHUP_CMD_UNSPEC,
	MESHUP_CMD_REGISTER,
	MESHUP_CMD_UNREGISTER,
	MESHUP_CMD_SET_ADVERT,
	MESHUP_CMD_SEND,
	MESHUP_CMD_FRAME,
	MESHUP_CMD_GET_PARAMS,
	MESHUP_CMD_SET_PARAMS,
	MESHUP_CMD_GET_NEIGHBORS,
	MESHUP_CMD_GET_IFACES,
	MESHUP_CMD_EVT_NEIGH_NEW,
	MESHUP_CMD_EVT_NEIGH_CHANGED,
	MESHUP_CMD_EVT_NEIGH_LOST,
	MESHUP_CMD_EVT_IFACE_ADDED,
	MESHUP_CMD_EVT_IFACE_REMOVED,
	MESHUP_CMD_EVT_DROP,
	__MESHUP_CMD_MAX
};

#define MESHUP_CMD_MAX (__MESHUP_CMD_MAX - 1)

/**
 * enum meshup_attrs - top-level attributes
 * @MESHUP_A_UNSPEC: unused
 * @MESHUP_A_IFINDEX: u32, interface index
 * @MESHUP_A_IFNAME: string, interface name
 * @MESHUP_A_PEER: binary ETH_ALEN, a neighbour's MAC
 * @MESHUP_A_FRAME_TYPE: u8, enum meshup_frame_type
 * @MESHUP_A_FRAME_VERSION: u8, protocol version of a received frame
 * @MESHUP_A_FRAME_BODY: binary, a frame body without the common header
 * @MESHUP_A_MESH_TIME: u64, Unix milliseconds
 * @MESHUP_A_CLOCK_QUALITY: u8, enum meshup_clock_quality
 * @MESHUP_A_ENTRIES: nested list of nested enum meshup_entry_attrs
 * @MESHUP_A_PARAMS: nested enum meshup_param_attrs
 * @MESHUP_A_NEIGH_AGE_MS: u32, time since a neighbour's last beacon
 * @MESHUP_A_NEIGH_OFFSET_MS: s64, a neighbour's clock offset
 * @MESHUP_A_TRICKLE_INTERVAL_MS: u32, current Trickle interval
 * @MESHUP_A_STATS: nested enum meshup_stat_attrs
 * @MESHUP_A_DROP_REASON: u32, enum meshup_drop_reason
 * @MESHUP_A_PAD: padding for 64-bit attributes
 * @__MESHUP_A_MAX: internal
 */
enum meshup_attrs {
	MESHUP_A_UNSPEC,
	MESHUP_A_IFINDEX,
	MESHUP_A_IFNAME,
	MESHUP_A_PEER,
	MESHUP_A_FRAME_TYPE,
	MESHUP_A_FRAME_VERSION,
	MESHUP_A_FRAME_BODY,
	MESHUP_A_MESH_TIME,
	MESHUP_A_CLOCK_QUALITY,
	MESHUP_A_ENTRIES,
	MESHUP_A_PARAMS,
	MESHUP_A_NEIGH_AGE_MS,
	MESHUP_A_NEIGH_OFFSET_MS,
	MESHUP_A_TRICKLE_INTERVAL_MS,
	MESHUP_A_STATS,
	MESHUP_A_DROP_REASON,
	MESHUP_A_PAD,
	__MESHUP_A_MAX
};

#define MESHUP_A_MAX (__MESHUP_A_MAX - 1)

/**
 * enum meshup_entry_attrs - one advert entry
 * @MESHUP_ENTRY_A_UNSPEC: unused
 * @MESHUP_ENTRY_A_KEY: binary MESHUP_KEY_LEN, struct meshup_key
 * @MESHUP_ENTRY_A_BLOCKS_HELD: u32
 * @__MESHUP_ENTRY_A_MAX: internal
 */
enum meshup_entry_attrs {
	MESHUP_ENTRY_A_UNSPEC,
	MESHUP_ENTRY_A_KEY,
	MESHUP_ENTRY_A_BLOCKS_HELD,
	__MESHUP_ENTRY_A_MAX
};

#define MESHUP_ENTRY_A_MAX (__MESHUP_ENTRY_A_MAX - 1)

/**
 * enum meshup_if_filter - which eligible interfaces meshup runs on
 * @MESHUP_IF_FILTER_NONE: all of them
 * @MESHUP_IF_FILTER_ALLOW: only those named in MESHUP_PARAM_A_IF_LIST
 * @MESHUP_IF_FILTER_DENY: all but those named in MESHUP_PARAM_A_IF_LIST
 */
enum meshup_if_filter {
	MESHUP_IF_FILTER_NONE,
	MESHUP_IF_FILTER_ALLOW,
	MESHUP_IF_FILTER_DENY,
};

/**
 * enum meshup_param_attrs - per-namespace parameters
 * @MESHUP_PARAM_A_UNSPEC: unused
 * @MESHUP_PARAM_A_IMIN_MS: u32, Trickle Imin in ms (default 100)
 * @MESHUP_PARAM_A_IMAX_DOUBLINGS: u32, Imax = Imin << this (default 13)
 * @MESHUP_PARAM_A_K: u32, Trickle redundancy constant (default 2)
 * @MESHUP_PARAM_A_REQ_RATE: u32, REQUESTs per second per sender in the
 *	neighbour table (default 200); senders not in it share one bucket of
 *	an eighth of this rate and depth (at least 1)
 * @MESHUP_PARAM_A_REQ_BURST: u32, token bucket depth (default 400)
 * @MESHUP_PARAM_A_NEIGH_MAX: u32, neighbour table size (default 256)
 * @MESHUP_PARAM_A_NEIGH_TIMEOUT_MS: u32, a neighbour not heard for this
 *	long is lost; 0 (default) means 4 * Imax, since consistent neighbours
 *	may stay silent for whole intervals
 * @MESHUP_PARAM_A_IF_FILTER: u32, enum meshup_if_filter
 * @MESHUP_PARAM_A_IF_LIST: nested list of interface names
 * @__MESHUP_PARAM_A_MAX: internal
 */
enum meshup_param_attrs {
	MESHUP_PARAM_A_UNSPEC,
	MESHUP_PARAM_A_IMIN_MS,
	MESHUP_PARAM_A_IMAX_DOUBLINGS,
	MESHUP_PARAM_A_K,
	MESHUP_PARAM_A_REQ_RATE,
	MESHUP_PARAM_A_REQ_BURST,
	MESHUP_PARAM_A_NEIGH_MAX,
	MESHUP_PARAM_A_NEIGH_TIMEOUT_MS,
	MESHUP_PARAM_A_IF_FILTER,
	MESHUP_PARAM_A_IF_LIST,
	__MESHUP_PARAM_A_MAX
};

#define MESHUP_PARAM_A_MAX (__MESHUP_PARAM_A_MAX - 1)

/**
 * enum meshup_drop_reason - why a received frame was dropped
 * @MESHUP_DROP_NONE: not dropped
 * @MESHUP_DROP_SHORT: shorter than the common header or the type's fixed part
 * @MESHUP_DROP_BAD_MAGIC: magic is not MESHUP_MAGIC
 * @MESHUP_DROP_BAD_VERSION: protocol version 0
 * @MESHUP_DROP_BAD_LENGTH: body_len exceeds what arrived, or a length field
 *	inside the body disagrees with body_len
 * @MESHUP_DROP_UNKNOWN_TYPE: type is not one of enum meshup_frame_type
 * @MESHUP_DROP_BAD_FIELD: a field out of range (entry count, request what)
 * @MESHUP_DROP_RATE_LIMITED: the sender exceeded its REQUEST rate
 * @MESHUP_DROP_NO_HELPER: no helper registered in this namespace
 * @MESHUP_DROP_DELIVERY: the helper could not take it (socket full, no memory)
 * @MESHUP_DROP_NOT_FOR_US: unicast to another station
 * @__MESHUP_DROP_MAX: internal
 */
enum meshup_drop_reason {
	MESHUP_DROP_NONE,
	MESHUP_DROP_SHORT,
	MESHUP_DROP_BAD_MAGIC,
	MESHUP_DROP_BAD_VERSION,
	MESHUP_DROP_BAD_LENGTH,
	MESHUP_DROP_UNKNOWN_TYPE,
	MESHUP_DROP_BAD_FIELD,
	MESHUP_DROP_RATE_LIMITED,
	MESHUP_DROP_NO_HELPER,
	MESHUP_DROP_DELIVERY,
	MESHUP_DROP_NOT_FOR_US,
	__MESHUP_DROP_MAX
};

#define MESHUP_DROP_MAX (__MESHUP_DROP_MAX - 1)

/**
 * enum meshup_stat_attrs - per-interface counters, u64 each
 * @MESHUP_STAT_A_UNSPEC: unused
 * @MESHUP_STAT_A_RX_BEACON: BEACONs accepted
 * @MESHUP_STAT_A_RX_REQUEST: REQUESTs accepted
 * @MESHUP_STAT_A_RX_MANIFEST: MANIFESTs accepted
 * @MESHUP_STAT_A_RX_BLOCK: BLOCKs accepted
 * @MESHUP_STAT_A_TX_BEACON: BEACONs sent
 * @MESHUP_STAT_A_TX_REQUEST: REQUESTs sent
 * @MESHUP_STAT_A_TX_MANIFEST: MANIFESTs sent
 * @MESHUP_STAT_A_TX_BLOCK: BLOCKs sent
 * @MESHUP_STAT_A_BEACON_SUPPRESSED: beacons not sent (counter c >= k)
 * @MESHUP_STAT_A_TRICKLE_RESETS: resets of the Trickle interval to Imin
 * @MESHUP_STAT_A_DELIVERED: frames handed to the helper
 * @MESHUP_STAT_A_DROP_SHORT: dropped, MESHUP_DROP_SHORT
 * @MESHUP_STAT_A_DROP_BAD_MAGIC: dropped, MESHUP_DROP_BAD_MAGIC
 * @MESHUP_STAT_A_DROP_BAD_VERSION: dropped, MESHUP_DROP_BAD_VERSION
 * @MESHUP_STAT_A_DROP_BAD_LENGTH: dropped, MESHUP_DROP_BAD_LENGTH
 * @MESHUP_STAT_A_DROP_UNKNOWN_TYPE: dropped, MESHUP_DROP_UNKNOWN_TYPE
 * @MESHUP_STAT_A_DROP_BAD_FIELD: dropped, MESHUP_DROP_BAD_FIELD
 * @MESHUP_STAT_A_DROP_RATE_LIMITED: dropped, MESHUP_DROP_RATE_LIMITED
 * @MESHUP_STAT_A_DROP_NO_HELPER: dropped, MESHUP_DROP_NO_HELPER
 * @MESHUP_STAT_A_DROP_DELIVERY: dropped, MESHUP_DROP_DELIVERY
 * @MESHUP_STAT_A_DROP_NOT_FOR_US: dropped, MESHUP_DROP_NOT_FOR_US
 * @MESHUP_STAT_A_TX_ERRORS: frames the module failed to send
 * @MESHUP_STAT_A_PAD: padding for 64-bit attributes
 * @__MESHUP_STAT_A_MAX: internal
 */
enum meshup_stat_attrs {
	MESHUP_STAT_A_UNSPEC,
	MESHUP_STAT_A_RX_BEACON,
	MESHUP_STAT_A_RX_REQUEST,
	MESHUP_STAT_A_RX_MANIFEST,
	MESHUP_STAT_A_RX_BLOCK,
	MESHUP_STAT_A_TX_BEACON,
	MESHUP_STAT_A_TX_REQUEST,
	MESHUP_STAT_A_TX_MANIFEST,
	MESHUP_STAT_A_TX_BLOCK,
	MESHUP_STAT_A_BEACON_SUPPRESSED,
	MESHUP_STAT_A_TRICKLE_RESETS,
	MESHUP_STAT_A_DELIVERED,
	MESHUP_STAT_A_DROP_SHORT,
	MESHUP_STAT_A_DROP_BAD_MAGIC,
	MESHUP_STAT_A_DROP_BAD_VERSION,
	MESHUP_STAT_A_DROP_BAD_LENGTH,
	MESHUP_STAT_A_DROP_UNKNOWN_TYPE,
	MESHUP_STAT_A_DROP_BAD_FIELD,
	MESHUP_STAT_A_DROP_RATE_LIMITED,
	MESHUP_STAT_A_DROP_NO_HELPER,
	MESHUP_STAT_A_DROP_DELIVERY,
	MESHUP_STAT_A_DROP_NOT_FOR_US,
	MESHUP_STAT_A_TX_ERRORS,
	MESHUP_STAT_A_PAD,
	__MESHUP_STAT_A_MAX
};

#define MESHUP_STAT_A_MAX (__MESHUP_STAT_A_MAX - 1)

#endif /* _UAPI_LINUX_MESHUP_H */
