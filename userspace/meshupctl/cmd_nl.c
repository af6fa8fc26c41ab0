// SPDX-License-Identifier: GPL-2.0
/*
 * meshupctl neighbors, stats, monitor: what the kernel module reports over
 * generic netlink (userspace/lib/nl.h), as tables or JSON (nl_fmt.h).
 */
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "commands.h"
#include "nl.h"
#include "nl_fmt.h"

/* Parse "[--json]"; returns 0, or 2 after a usage error. */
static int parse_json_opt(int argc, char **argv, bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = false;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j') {
			*json = true;
			continue;
		}
		fprintf(stderr, "meshupctl: %s: unknown option '%s' (usage: "
			"meshupctl %s [--json])\n", argv[0],
			argv[optind - 1], argv[0]);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "meshupctl: %s: unexpected argument '%s' "
			"(usage: meshupctl %s [--json])\n", argv[0],
			argv[optind], argv[0]);
		return 2;
	}
	return 0;
}

static struct mu_nl *open_nl(const struct mu_nl_ops *ops, void *arg)
{
	char err[MU_ERR_LEN];
	struct mu_nl *nl;

	if (mu_nl_open(&nl, ops, arg, err) < 0) {
		fprintf(stderr, "meshupctl: %s\n", err);
		return NULL;
	}
	return nl;
}

static const char *ifname_of(uint32_t ifindex, char buf[IF_NAMESIZE])
{
	return if_indextoname(ifindex, buf);
}

/* Print a JSON document on one line; returns 0 or 1 on a write error. */
static int print_json(struct json_object *o)
{
	const char *s;

	if (!o) {
		fprintf(stderr, "meshupctl: out of memory\n");
		return 1;
	}
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	printf("%s\n", s);
	json_object_put(o);
	if (fflush(stdout)) {
		perror("meshupctl: stdout");
		return 1;
	}
	return 0;
}

/* ---- neighbors, stats: one row per object the module lists ---- */

struct list_out {
	bool json;
	struct json_object *list;	/* rows, with --json */
	unsigned int count;
};

/*
 * Runs one listing command: "[--json]", a dump with @get (which calls back
 * once per row into the command's printer with @o), then either the JSON
 * document {"@key": [rows]} or the table, or @empty when there is no row.
 * @header, if set, is printed before the rows of the table.
 */
static int run_listing(int argc, char **argv, struct list_out *o,
		       int (*get)(struct mu_nl *nl, struct list_out *o,
				  char *err),
		       const char *key, const char *header, const char *empty)
{
	char err[MU_ERR_LEN];
	struct mu_nl *nl;
	int ret;

	ret = parse_json_opt(argc, argv, &o->json);
	if (ret)
		return ret;
	nl = open_nl(NULL, NULL);
	if (!nl)
		return 1;
	if (o->json) {
		o->list = json_object_new_array();
		if (!o->list) {
			mu_nl_close(nl);
			fprintf(stderr, "meshupctl: out of memory\n");
			return 1;
		}
	} else if (header) {
		fputs(header, stdout);
	}
	ret = get(nl, o, err);
	mu_nl_close(nl);
	if (ret < 0) {
		if (ret == -ENOMEM)
			snprintf(err, MU_ERR_LEN, "out of memory");
		fprintf(stderr, "meshupctl: %s\n", err);
		json_object_put(o->list);
		return 1;
	}
	if (o->json) {
		struct json_object *top = json_object_new_object();

		if (!top) {
			json_object_put(o->list);
			return print_json(NULL);
		}
		json_object_object_add(top, key, o->list);
		return print_json(top);
	}
	if (!o->count)
		printf("%s\n", empty);
	return fflush(stdout) ? 1 : 0;
}

/* ---- neighbors ---- */

static int neigh_row(const struct mu_nl_neigh *n, void *arg)
{
	struct list_out *o = arg;
	char ifb[IF_NAMESIZE], mac[MU_NL_MAC_STRLEN], off[32], age[32];
	char ent[96];
	const char *ifname = ifname_of(n->ifindex, ifb);
	const char *clock = mu_nl_clock_name(n->clock_quality);
	unsigned int i;

	o->count++;
	if (o->json) {
		struct json_object *j = mu_nl_json_neigh(n, ifname);

		if (!j || json_object_array_add(o->list, j))
			return -ENOMEM;
		return 0;
	}
	if (!ifname) {
		snprintf(ifb, sizeof(ifb), "if%" PRIu32, n->ifindex);
		ifname = ifb;
	}
	snprintf(age, sizeof(age), "%" PRIu32 ".%03" PRIu32 "s",
		 n->age_ms / 1000, n->age_ms % 1000);
	if (n->has_offset)
		snprintf(off, sizeof(off), "%+" PRId64 "ms", n->offset_ms);
	else
		snprintf(off, sizeof(off), "-");
	printf("%-15s %-17s %9s  %u %-10s %12s  %u\n", ifname,
	       mu_nl_fmt_mac(n->peer, mac), age, n->clock_quality,
	       clock ? clock : "?", off, n->n_entries);
	for (i = 0; i < n->n_entries; i++)
		printf("    %s\n", mu_nl_fmt_entry(&n->entries[i], ent,
						   sizeof(ent)));
	return 0;
}

static int get_neighbors(struct mu_nl *nl, struct list_out *o, char *err)
{
	return mu_nl_get_neighbors(nl, neigh_row, o, err);
}

int cmd_neighbors(int argc, char **argv)
{
	struct list_out o = { 0 };
	char header[128];

	snprintf(header, sizeof(header), "%-15s %-17s %9s  %-12s %12s  %s\n",
		 "IFACE", "MAC", "AGE", "CLOCK", "OFFSET",
		 "ENTRIES (channel version digest blocks)");
	return run_listing(argc, argv, &o, get_neighbors, "neighbors", header,
			   "(no neighbours)");
}

/* ---- stats ---- */

static int iface_row(const struct mu_nl_iface *i, void *arg)
{
	struct list_out *o = arg;
	const uint64_t *s = i->stats;
	unsigned int a, printed = 0;

	o->count++;
	if (o->json) {
		struct json_object *j = mu_nl_json_iface(i);

		if (!j || json_object_array_add(o->list, j))
			return -ENOMEM;
		return 0;
	}
	printf("%s (ifindex %" PRIu32 "): trickle interval %" PRIu32 " ms\n",
	       i->name, i->ifindex, i->trickle_interval_ms);
	printf("  rx  beacon %" PRIu64 "  request %" PRIu64 "  manifest %"
	       PRIu64 "  block %" PRIu64 "\n", s[MESHUP_STAT_A_RX_BEACON],
	       s[MESHUP_STAT_A_RX_REQUEST], s[MESHUP_STAT_A_RX_MANIFEST],
	       s[MESHUP_STAT_A_RX_BLOCK]);
	printf("  tx  beacon %" PRIu64 "  request %" PRIu64 "  manifest %"
	       PRIu64 "  block %" PRIu64 "  errors %" PRIu64 "\n",
	       s[MESHUP_STAT_A_TX_BEACON], s[MESHUP_STAT_A_TX_REQUEST],
	       s[MESHUP_STAT_A_TX_MANIFEST], s[MESHUP_STAT_A_TX_BLOCK],
	       s[MESHUP_STAT_A_TX_ERRORS]);
	printf("  beacons suppressed %" PRIu64 "  trickle resets %" PRIu64
	       "  delivered to helper %" PRIu64 "\n",
	       s[MESHUP_STAT_A_BEACON_SUPPRESSED],
	       s[MESHUP_STAT_A_TRICKLE_RESETS], s[MESHUP_STAT_A_DELIVERED]);
	printf("  drops");
	for (a = MESHUP_STAT_A_DROP_SHORT; a <= MESHUP_STAT_A_DROP_NOT_FOR_US;
	     a++) {
		printf("%s %s %" PRIu64, printed % 4 || !printed ? " " : "\n       ",
		       mu_nl_drop_name(mu_nl_stat_drop_reason(a)), s[a]);
		printed++;
	}
	printf("\n");
	return 0;
}

static int get_ifaces(struct mu_nl *nl, struct list_out *o, char *err)
{
	return mu_nl_get_ifaces(nl, iface_row, o, err);
}

int cmd_stats(int argc, char **argv)
{
	struct list_out o = { 0 };

	return run_listing(argc, argv, &o, get_ifaces, "interfaces", NULL,
			   "(meshup runs on no interface)");
}

/* ---- monitor ---- */

struct monitor {
	bool json;
	bool write_failed;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One line, flushed. */
static void mon_line(struct monitor *m, struct json_object *j,
		     const char *text)
{
	char t[MU_NL_TIME_STRLEN];

	if (m->json) {
		if (print_json(j))
			m->write_failed = true;
		return;
	}
	json_object_put(j);
	printf("%s %s\n", mu_nl_fmt_time(now_ms(), t), text);
	if (fflush(stdout))
		m->write_failed = true;
}

/* A line of the monitor itself (overrun, module gone/back). */
static void mon_note(struct monitor *m, const char *event, const char *text)
{
	struct json_object *j = NULL;
	char t[MU_NL_TIME_STRLEN];
	uint64_t ms = now_ms();

	if (m->json) {
		j = json_object_new_object();
		if (j) {
			json_object_object_add(j, "time", json_object_new_string(
					       mu_nl_fmt_time(ms, t)));
			json_object_object_add(j, "time_ms",
					       json_object_new_int64((int64_t)ms));
			json_object_object_add(j, "event",
					       json_object_new_string(event));
			json_object_object_add(j, "message",
					       json_object_new_string(text));
		}
	}
	mon_line(m, j, text);
}

static void mon_event(const struct mu_nl_event *e, void *arg)
{
	struct monitor *m = arg;
	char ifb[IF_NAMESIZE], line[1024];
	const char *ifname = e->ifname[0] ? e->ifname :
			     ifname_of(e->ifindex, ifb);

	if (m->json) {
		mon_line(m, mu_nl_json_event(e, ifname, now_ms()), NULL);
		return;
	}
	mon_line(m, NULL, mu_nl_fmt_event(e, ifname, line, sizeof(line)));
}

static int setup_signals(sigset_t *old)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, old))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor m = { 0 };
	const struct mu_nl_ops ops = { .event = mon_event };
	char err[MU_ERR_LEN];
	struct mu_nl *nl;
	sigset_t old;
	int sfd, ret, status = 0;

	ret = parse_json_opt(argc, argv, &m.json);
	if (ret)
		return ret;
	nl = open_nl(&ops, &m);
	if (!nl)
		return 1;
	if (mu_nl_subscribe_events(nl, err) < 0) {
		fprintf(stderr, "meshupctl: %s\n", err);
		mu_nl_close(nl);
		return 1;
	}
	/* After the subscription: tests/mesh/10-monitor.sh takes the signalfd
	 * as the sign that the monitor listens.
	 */
	sfd = setup_signals(&old);
	if (sfd < 0) {
		perror("meshupctl: signalfd");
		mu_nl_close(nl);
		return 1;
	}
	while (!m.write_failed) {
		struct pollfd p[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = mu_nl_fd(nl), .events = POLLIN },
		};

		/* While the module is away, try to find it again each second. */
		ret = poll(p, 2, mu_nl_gone(nl) ? 1000 : -1);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			perror("meshupctl: poll");
			status = 1;
			break;
		}
		if (p[0].revents) {
			struct signalfd_siginfo si;

			/* Take the signal, or restoring the mask delivers it. */
			if (read(sfd, &si, sizeof(si)) < 0)
				perror("meshupctl: signalfd");
			break;	/* SIGINT, SIGTERM, SIGHUP: a clean exit */
		}
		if (mu_nl_gone(nl)) {
			if (p[1].revents)
				mu_nl_recv(nl, NULL);	/* drains */
			ret = mu_nl_reconnect(nl, err);
			if (ret == 0)
				mon_note(&m, "module-loaded",
					 "module-loaded: meshup family back, "
					 "monitoring again");
			else if (ret != -ENOENT) {
				fprintf(stderr, "meshupctl: %s\n", err);
				status = 1;
				break;
			}
			continue;
		}
		if (!p[1].revents)
			continue;
		ret = mu_nl_recv(nl, err);
		if (ret >= 0)
			continue;
		if (ret == -ENOBUFS)
			mon_note(&m, "overrun", "overrun: receive buffer full, "
				 "events were lost");
		else if (ret == -MU_NL_EGONE)
			mon_note(&m, "module-unloaded", "module-unloaded: "
				 "meshup family gone, waiting for it");
		else if (ret == -EPROTO)
			mon_note(&m, "malformed", err);
		else {
			fprintf(stderr, "meshupctl: %s\n", err);
			status = 1;
			break;
		}
	}
	if (m.write_failed)
		status = 1;
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	mu_nl_close(nl);
	return status;
}
