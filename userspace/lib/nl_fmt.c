// SPDX-License-Identifier: GPL-2.0
/*
 * meshup userspace library: human and JSON renderings of netlink reports
 * (see nl_fmt.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nl_fmt.h"
#include "util.h"

char *mu_nl_fmt_mac(const uint8_t mac[MU_NL_ETH_ALEN],
		    char out[MU_NL_MAC_STRLEN])
{
	snprintf(out, MU_NL_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return out;
}

char *mu_nl_fmt_time(uint64_t ms, char out[MU_NL_TIME_STRLEN])
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	char buf[24];

	if (!localtime_r(&s, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(buf, sizeof(buf), "%" PRIu64, ms / 1000);
	snprintf(out, MU_NL_TIME_STRLEN, "%s.%03u", buf,
		 (unsigned int)(ms % 1000));
	return out;
}

struct key_strs {
	char chan[9];
	char ver[MU_VERSION_STRLEN];
	char digest[17];
};

static void key_strs(const uint8_t *key, struct key_strs *k)
{
	mu_hex(key, 4, k->chan);
	mu_version_str(mu_get_be64(key + 4), k->ver);
	mu_hex(key + 12, 8, k->digest);
}

char *mu_nl_fmt_entry(const struct mu_nl_entry *e, char *out, size_t len)
{
	struct key_strs k;

	key_strs(e->key, &k);
	snprintf(out, len, "%s %s %s blocks %" PRIu32, k.chan, k.ver, k.digest,
		 e->blocks_held);
	return out;
}

/* Append to out (len bytes, NUL-terminated, truncating). */
static void append(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void append(char *out, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(out, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(out + used, len - used, fmt, ap);
	va_end(ap);
}

char *mu_nl_fmt_event(const struct mu_nl_event *e, const char *ifname,
		      char *out, size_t len)
{
	const char *name = mu_nl_event_name(e->cmd);
	char mac[MU_NL_MAC_STRLEN], ifbuf[24], ent[96];
	const struct mu_nl_neigh *n = &e->neigh;
	unsigned int i;

	if (!ifname && e->ifname[0])
		ifname = e->ifname;
	if (!ifname) {
		snprintf(ifbuf, sizeof(ifbuf), "if%" PRIu32, e->ifindex);
		ifname = ifbuf;
	}
	if (!len)
		return out;
	out[0] = 0;
	append(out, len, "%s %s", name ? name : "unknown-event", ifname);
	switch (e->cmd) {
	case MESHUP_CMD_EVT_NEIGH_NEW:
	case MESHUP_CMD_EVT_NEIGH_CHANGED:
		append(out, len, " %s quality %u", mu_nl_fmt_mac(e->peer, mac),
		       n->clock_quality);
		if (n->has_offset)
			append(out, len, " offset %+" PRId64 " ms", n->offset_ms);
		append(out, len, " entries %u", n->n_entries);
		for (i = 0; i < n->n_entries; i++)
			append(out, len, "%s %s", i ? "," : ":",
			       mu_nl_fmt_entry(&n->entries[i], ent, sizeof(ent)));
		break;
	case MESHUP_CMD_EVT_NEIGH_LOST:
		append(out, len, " %s", mu_nl_fmt_mac(e->peer, mac));
		break;
	case MESHUP_CMD_EVT_IFACE_ADDED:
	case MESHUP_CMD_EVT_IFACE_REMOVED:
		append(out, len, " ifindex %" PRIu32, e->ifindex);
		break;
	case MESHUP_CMD_EVT_DROP: {
		const char *r = mu_nl_drop_name(e->drop_reason);

		append(out, len, " %s reason ",
		       e->has_peer ? mu_nl_fmt_mac(e->peer, mac) : "-");
		if (r)
			append(out, len, "%s", r);
		else
			append(out, len, "%" PRIu32, e->drop_reason);
		break;
	}
	default:
		break;
	}
	return out;
}

/* json-c helpers that tolerate a NULL value (out of memory). */
static void jadd(struct json_object *o, const char *k, struct json_object *v)
{
	if (o)
		json_object_object_add(o, k, v);
	else
		json_object_put(v);
}

static void jstr(struct json_object *o, const char *k, const char *s)
{
	jadd(o, k, json_object_new_string(s));
}

static void jint(struct json_object *o, const char *k, int64_t v)
{
	jadd(o, k, json_object_new_int64(v));
}

struct json_object *mu_nl_json_entry(const struct mu_nl_entry *e)
{
	struct json_object *o = json_object_new_object();
	struct key_strs k;

	if (!o)
		return NULL;
	key_strs(e->key, &k);
	jstr(o, "channel_id", k.chan);
	jstr(o, "version", k.ver);
	jstr(o, "digest_prefix", k.digest);
	jint(o, "blocks_held", e->blocks_held);
	return o;
}

/* The fields of a neighbour, into an existing object. */
static void neigh_fields(struct json_object *o, const struct mu_nl_neigh *n)
{
	const char *clock = mu_nl_clock_name(n->clock_quality);
	struct json_object *a = json_object_new_array();
	char mac[MU_NL_MAC_STRLEN];
	unsigned int i;

	jstr(o, "mac", mu_nl_fmt_mac(n->peer, mac));
	jint(o, "age_ms", n->age_ms);
	jint(o, "clock_quality", n->clock_quality);
	jstr(o, "clock", clock ? clock : "unknown");
	/* u64 Unix ms fits int64 for the next 292 million years. */
	jint(o, "mesh_time_ms", (int64_t)n->mesh_time_ms);
	jadd(o, "offset_ms",
	     n->has_offset ? json_object_new_int64(n->offset_ms) : NULL);
	for (i = 0; a && i < n->n_entries; i++)
		json_object_array_add(a, mu_nl_json_entry(&n->entries[i]));
	jadd(o, "entries", a);
}

static void if_fields(struct json_object *o, uint32_t ifindex,
		      const char *ifname)
{
	jint(o, "ifindex", ifindex);
	if (ifname)
		jstr(o, "ifname", ifname);
	else
		jadd(o, "ifname", NULL);
}

struct json_object *mu_nl_json_neigh(const struct mu_nl_neigh *n,
				     const char *ifname)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if_fields(o, n->ifindex, ifname);
	neigh_fields(o, n);
	return o;
}

struct json_object *mu_nl_json_iface(const struct mu_nl_iface *i)
{
	struct json_object *o = json_object_new_object();
	struct json_object *c = json_object_new_object();
	struct json_object *d = json_object_new_object();
	unsigned int s;

	if (!o) {
		json_object_put(c);
		json_object_put(d);
		return NULL;
	}
	if_fields(o, i->ifindex, i->name);
	jint(o, "trickle_interval_ms", i->trickle_interval_ms);
	for (s = 1; s <= MESHUP_STAT_A_MAX; s++) {
		unsigned int r = mu_nl_stat_drop_reason(s);

		if (s == MESHUP_STAT_A_PAD)
			continue;
		if (r)
			jint(d, mu_nl_drop_name(r), (int64_t)i->stats[s]);
		else
			jint(c, mu_nl_stat_name(s), (int64_t)i->stats[s]);
	}
	jadd(o, "counters", c);
	jadd(o, "drops", d);
	return o;
}

struct json_object *mu_nl_json_event(const struct mu_nl_event *e,
				     const char *ifname, uint64_t ms)
{
	struct json_object *o = json_object_new_object();
	const char *name = mu_nl_event_name(e->cmd);
	char t[MU_NL_TIME_STRLEN], mac[MU_NL_MAC_STRLEN];

	if (!o)
		return NULL;
	jstr(o, "time", mu_nl_fmt_time(ms, t));
	jint(o, "time_ms", (int64_t)ms);
	jstr(o, "event", name ? name : "unknown");
	if (ifname || e->cmd == MESHUP_CMD_EVT_IFACE_ADDED ||
	    e->cmd == MESHUP_CMD_EVT_IFACE_REMOVED)
		if_fields(o, e->ifindex, ifname ? ifname : e->ifname);
	else
		if_fields(o, e->ifindex, NULL);
	switch (e->cmd) {
	case MESHUP_CMD_EVT_NEIGH_NEW:
	case MESHUP_CMD_EVT_NEIGH_CHANGED:
		neigh_fields(o, &e->neigh);
		break;
	case MESHUP_CMD_EVT_NEIGH_LOST:
		jstr(o, "mac", mu_nl_fmt_mac(e->peer, mac));
		break;
	case MESHUP_CMD_EVT_DROP: {
		const char *r = mu_nl_drop_name(e->drop_reason);

		if (e->has_peer)
			jstr(o, "mac", mu_nl_fmt_mac(e->peer, mac));
		else
			jadd(o, "mac", NULL);
		jstr(o, "reason", r ? r : "unknown");
		jint(o, "reason_code", e->drop_reason);
		break;
	}
	default:
		break;
	}
	return o;
}
