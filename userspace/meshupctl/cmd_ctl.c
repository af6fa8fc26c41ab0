// SPDX-License-Identifier: GPL-2.0
/*
 * meshupctl inject / status: talk to the local meshupd over its control
 * socket (protocol in userspace/lib/ctl.h). The socket is --socket PATH,
 * else $MESHUP_SOCKET, else /run/meshup/meshupd.sock.
 */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "ctl.h"

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !v)
		return "-";
	return json_object_get_string(v);
}

static int64_t jint(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !v)
		return 0;
	return json_object_get_int64(v);
}

static json_object *jobj(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

/* Returns 0 ok, 1 failed: the answer in *resp when 0. */
static int call(const char *sock, json_object *req, json_object **resp)
{
	char err[MU_ERR_LEN];
	json_object *ok;

	if (mu_ctl_call(mu_ctl_socket_path(sock), req, resp, err)) {
		fprintf(stderr, "meshupctl: %s\n", err);
		return 1;
	}
	if (!json_object_object_get_ex(*resp, "ok", &ok) || !json_object_get_boolean(ok)) {
		fprintf(stderr, "meshupctl: %s\n", jstr(*resp, "error"));
		json_object_put(*resp);
		*resp = NULL;
		return 1;
	}
	return 0;
}

int cmd_inject(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL;
	char path[PATH_MAX];
	json_object *req, *resp;
	int o, rc;

	optind = 1;
	while ((o = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			sock = optarg;
			break;
		case 'h':
			printf("usage: meshupctl inject [--socket PATH] B.mub\n");
			return 0;
		default:
			fprintf(stderr, "meshupctl: usage: meshupctl inject [--socket PATH] B.mub\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "meshupctl: usage: meshupctl inject [--socket PATH] B.mub\n");
		return 2;
	}
	if (!realpath(argv[optind], path)) {
		fprintf(stderr, "meshupctl: %s: %m\n", argv[optind]);
		return 2;
	}
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("inject"));
	json_object_object_add(req, "path", json_object_new_string(path));
	rc = call(sock, req, &resp);
	json_object_put(req);
	if (rc)
		return 1;
	printf("accepted %s %s %s\n", jstr(resp, "channel"), jstr(resp, "version"),
	       jstr(resp, "digest"));
	json_object_put(resp);
	return 0;
}

static void bar(char *buf, size_t width, int64_t n, int64_t of)
{
	size_t fill = of > 0 ? (size_t)((double)n * (double)width / (double)of) : 0;

	for (size_t i = 0; i < width; i++)
		buf[i] = i < fill ? '#' : '.';
	buf[width] = '\0';
}

static void print_bundle(const char *label, json_object *b)
{
	if (!b) {
		printf("  %-9s -\n", label);
		return;
	}
	printf("  %-9s %s  digest %.16s  start %lld  end %lld  %lld bytes\n", label,
	       jstr(b, "version"), jstr(b, "digest"), (long long)jint(b, "start"),
	       (long long)jint(b, "end"), (long long)jint(b, "payload_size"));
}

static void print_status(json_object *r, bool tty)
{
	json_object *chans = jobj(r, "channels"), *peers = jobj(r, "peers");
	static const char *const q[] = { "unsynced", "neighbours", "synced" };
	int64_t qi = jint(r, "clock_quality");

	printf("mesh time %lld ms (clock %s)%s\n", (long long)jint(r, "mesh_time_ms"),
	       qi >= 0 && qi <= 2 ? q[qi] : "?",
	       json_object_get_boolean(jobj(r, "registered")) ? "" :
	       "  [not registered with the module]");
	for (size_t i = 0; chans && i < json_object_array_length(chans); i++) {
		json_object *c = json_object_array_get_idx(chans, i);
		json_object *xs = jobj(c, "transfers");

		printf("channel %s (id %s)  hook status %lld%s\n", jstr(c, "name"),
		       jstr(c, "id"), (long long)jint(c, "hook_status"),
		       json_object_get_boolean(jobj(c, "hook_running")) ? " (running)" : "");
		print_bundle("newest", jobj(c, "newest"));
		print_bundle("active", jobj(c, "active"));
		print_bundle("fallback", jobj(c, "fallback"));
		for (size_t k = 0; xs && k < json_object_array_length(xs); k++) {
			json_object *x = json_object_array_get_idx(xs, k);
			json_object *srcs = jobj(x, "sources");
			int64_t n = jint(x, "blocks"), of = jint(x, "of");
			char b[41];

			if (tty) {
				bar(b, 40, n, of);
				printf("  fetching  %s/%s [%s] %lld/%lld blocks from %zu neighbour(s)\n",
				       jstr(x, "version"), jstr(x, "digest_prefix"), b,
				       (long long)n, (long long)of,
				       srcs ? json_object_array_length(srcs) : 0);
			} else {
				printf("  fetching  %s/%s %s %lld/%lld blocks from %zu neighbour(s)\n",
				       jstr(x, "version"), jstr(x, "digest_prefix"), jstr(x, "state"),
				       (long long)n, (long long)of,
				       srcs ? json_object_array_length(srcs) : 0);
			}
			for (size_t s = 0; srcs && s < json_object_array_length(srcs); s++)
				printf("            from %s\n",
				       json_object_get_string(json_object_array_get_idx(srcs, s)));
		}
	}
	for (size_t i = 0; peers && i < json_object_array_length(peers); i++) {
		json_object *p = json_object_array_get_idx(peers, i);

		printf("peer %s if %lld  age %lld ms  clock %lld  offset %lld ms  %lld entries\n",
		       jstr(p, "mac"), (long long)jint(p, "ifindex"),
		       (long long)jint(p, "age_ms"), (long long)jint(p, "clock_quality"),
		       (long long)jint(p, "offset_ms"), (long long)jint(p, "entries"));
	}
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL;
	bool json = false;
	json_object *req, *resp;
	int o, rc;

	optind = 1;
	while ((o = getopt_long(argc, argv, "s:jh", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			sock = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			printf("usage: meshupctl status [--socket PATH] [--json]\n");
			return 0;
		default:
			fprintf(stderr, "meshupctl: usage: meshupctl status [--socket PATH] [--json]\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "meshupctl: usage: meshupctl status [--socket PATH] [--json]\n");
		return 2;
	}
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("status"));
	rc = call(sock, req, &resp);
	json_object_put(req);
	if (rc)
		return 1;
	if (json)
		printf("%s\n", json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PRETTY));
	else
		print_status(resp, isatty(STDOUT_FILENO));
	json_object_put(resp);
	return 0;
}
