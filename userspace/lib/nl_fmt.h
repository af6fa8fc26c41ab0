/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup userspace library: human and JSON renderings of what the module
 * reports over netlink (nl.h structs), for meshupctl neighbors/stats/monitor
 * and the daemon's logs.  Pure functions: no I/O, no netlink.
 *
 * The interface name is passed in by the caller (it resolves ifindex in its
 * own namespace); NULL prints "if<ifindex>".
 *
 * JSON field names (stable, documented here as the contract of --json):
 *   entry:  {"channel_id": "0a1b2c3d", "version": "1.0.1",
 *            "digest_prefix": "0011223344556677", "blocks_held": 3}
 *   neigh:  {"ifindex", "ifname", "mac", "age_ms", "clock_quality" (0..2),
 *            "clock" ("unsynced"|"neighbours"|"synced"), "mesh_time_ms",
 *            "offset_ms" (number, or null when unknown), "entries": [entry]}
 *   iface:  {"ifindex", "ifname", "trickle_interval_ms",
 *            "counters": {"rx_beacon": n, ..., "tx_errors": n},
 *            "drops": {"short": n, ..., "not_for_us": n}}
 *   event:  {"time": "2026-11-22T11:20:03.123", "time_ms": unix ms,
 *            "event": "neigh-new"|..., "ifindex", "ifname", and
 *            neigh-new/-changed: the neigh fields; neigh-lost: "mac";
 *            drop: "mac" (null if unknown), "reason" (name), "reason_code"}
 *   the monitor's own lines: "event": "overrun" (messages were lost),
 *            "module-unloaded", "module-loaded".
 */
#ifndef MESHUP_NL_FMT_H
#define MESHUP_NL_FMT_H

#include <json-c/json.h>

#include "nl.h"

#define MU_NL_MAC_STRLEN	18	/* "aa:bb:cc:dd:ee:ff" + NUL */
#define MU_NL_TIME_STRLEN	32	/* "2026-11-22T11:20:03.123" + NUL */

/** mu_nl_fmt_mac() - "aa:bb:cc:dd:ee:ff" into @out; returns @out. */
char *mu_nl_fmt_mac(const uint8_t mac[MU_NL_ETH_ALEN],
		    char out[MU_NL_MAC_STRLEN]);

/** mu_nl_fmt_time() - local time of Unix ms @ms, ISO 8601 with ms. */
char *mu_nl_fmt_time(uint64_t ms, char out[MU_NL_TIME_STRLEN]);

/**
 * mu_nl_fmt_entry() - "0a1b2c3d 1.0.1 0011223344556677 blocks 3" (channel
 * id, version, digest prefix, blocks held) into @out of @len bytes.
 */
char *mu_nl_fmt_entry(const struct mu_nl_entry *e, char *out, size_t len);

/**
 * mu_nl_fmt_event() - one human line (no time stamp, no newline), e.g.
 * "neigh-new veth0 aa:bb:cc:dd:ee:ff quality 2 offset +12 ms entries 1:
 * 0a1b2c3d 1.0.1 0011223344556677 blocks 3".  Returns @out.
 */
char *mu_nl_fmt_event(const struct mu_nl_event *e, const char *ifname,
		      char *out, size_t len);

/** mu_nl_json_entry() - a new JSON object for @e (NULL on no memory). */
struct json_object *mu_nl_json_entry(const struct mu_nl_entry *e);
/** mu_nl_json_neigh() - a new JSON object for @n. */
struct json_object *mu_nl_json_neigh(const struct mu_nl_neigh *n,
				     const char *ifname);
/** mu_nl_json_iface() - a new JSON object for @i. */
struct json_object *mu_nl_json_iface(const struct mu_nl_iface *i);
/** mu_nl_json_event() - a new JSON object for @e received at @ms. */
struct json_object *mu_nl_json_event(const struct mu_nl_event *e,
				     const char *ifname, uint64_t ms);

#endif
