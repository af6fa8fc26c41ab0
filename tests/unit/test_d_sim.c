// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end test of meshupd without the kernel: N real daemons (d_main()
 * in forked processes, each with its own config, state and control socket)
 * connected by a simulated link layer. The netlink client (nl.h) is
 * replaced here by one that carries frames as Unix datagrams between
 * neighbouring processes: SEND goes to the neighbour, SET_ADVERT broadcasts
 * a BEACON to every neighbour (the daemon refreshes it every second), and
 * received datagrams become MESHUP_CMD_FRAME callbacks. Everything above
 * the module is the real daemon: transfer engine, store, activation, hooks,
 * control socket.
 *
 * Checks: a bundle injected at one end of a 10-node line and at a corner of
 * a 5x5 grid reaches every node and runs each hook exactly once; a bundle
 * with start_time in the future is staged everywhere and activated nowhere
 * before it; an experimental bundle reverts everywhere after end_time.
 * Propagation times are printed. (The same scenarios run over the real
 * module in QEMU in tests/mesh/2*.sh.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "meshupd.h"
#include "meshtime.h"
#include "ctl.h"

#define SIM_MAX_NODES	32

/* ---- the simulated module, per process ---- */
struct mu_nl {
	int fd;
};

static struct mu_nl sim;
static int sim_node = -1;
static int sim_links[8], sim_nlinks;
static struct mu_nl_ops sim_ops;
static void *sim_arg;
static pid_t sim_parent;
static struct mu_nl_entry sim_entries[MESHUP_BEACON_MAX_ENTRIES];
static int sim_nentries;

/* the module's neighbour table, from received beacons */
static struct mu_nl_neigh sim_neigh[8];
static bool sim_heard[8];

static void sim_beacon_rx(int link, const struct mu_nl_frame *f)
{
	struct mu_nl_neigh *n = &sim_neigh[link];
	uint64_t mt;

	if (f->body_len < 11)
		return;
	memset(n, 0, sizeof(*n));
	n->ifindex = f->ifindex;
	memcpy(n->peer, f->peer, 6);
	mt = mu_get_be64(f->body);
	n->has_offset = mt != 0;
	n->offset_ms = (int64_t)mt - d_realtime_ms();
	n->mesh_time_ms = mt;
	n->clock_quality = f->body[8];
	n->n_entries = f->body[10];
	for (unsigned int i = 0; i < n->n_entries && 11 + 24 * (i + 1) <= f->body_len; i++) {
		memcpy(n->entries[i].key, f->body + 11 + 24 * i, 20);
		n->entries[i].blocks_held = mu_get_be32(f->body + 11 + 24 * i + 20);
	}
	sim_heard[link] = true;
}

static void sim_addr(int node, struct sockaddr_un *sa, socklen_t *len)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	/* abstract name */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
		snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1,
			 "meshup-sim-%d-%d", (int)sim_parent, node));
}

static void sim_mac(int node, uint8_t mac[6])
{
	static const uint8_t base[6] = { 2, 0x5e, 0, 0, 0, 0 };

	memcpy(mac, base, 6);
	mac[5] = (uint8_t)node;
}

static bool sim_is_link(int node)
{
	for (int i = 0; i < sim_nlinks; i++)
		if (sim_links[i] == node)
			return true;
	return false;
}

static void sim_tx(int to, uint8_t type, const void *body, size_t len)
{
	uint8_t buf[2 + MESHUP_MAX_BODY + 512];
	struct sockaddr_un sa;
	socklen_t sl;

	buf[0] = type;
	buf[1] = (uint8_t)sim_node;
	memcpy(buf + 2, body, len);
	sim_addr(to, &sa, &sl);
	sendto(sim.fd, buf, 2 + len, MSG_DONTWAIT, (struct sockaddr *)&sa, sl);
}

int mu_nl_open(struct mu_nl **out, const struct mu_nl_ops *ops, void *arg, char *err)
{
	struct sockaddr_un sa;
	socklen_t sl;
	int sz = 4 << 20;

	sim.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	sim_addr(sim_node, &sa, &sl);
	if (sim.fd < 0 || bind(sim.fd, (struct sockaddr *)&sa, sl))
		return -errno;
	setsockopt(sim.fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	sim_ops = *ops;
	sim_arg = arg;
	*out = &sim;
	return 0;
}

void mu_nl_close(struct mu_nl *nl)
{
	close(nl->fd);
}

int mu_nl_fd(const struct mu_nl *nl) { return nl->fd; }
bool mu_nl_gone(const struct mu_nl *nl) { return false; }
int mu_nl_reconnect(struct mu_nl *nl, char *err) { return 0; }
int mu_nl_register(struct mu_nl *nl, char *err) { return 0; }

int mu_nl_recv(struct mu_nl *nl, char *err)
{
	uint8_t buf[2 + MESHUP_MAX_BODY + 512];
	int n = 0;

	while (n < 64) {
		ssize_t r = recv(nl->fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct mu_nl_frame f = { 0 };

		if (r < 2)
			break;
		if (!sim_is_link(buf[1]))
			continue;
		f.ifindex = (uint32_t)buf[1] + 1;
		sim_mac(buf[1], f.peer);
		f.type = buf[0];
		f.version = 1;
		f.body = buf + 2;
		f.body_len = (size_t)r - 2;
		if (f.type == MESHUP_T_BEACON)
			for (int i = 0; i < sim_nlinks; i++)
				if (sim_links[i] == buf[1])
					sim_beacon_rx(i, &f);
		if (sim_ops.frame)
			sim_ops.frame(&f, sim_arg);
		n++;
	}
	return n;
}

int mu_nl_set_advert(struct mu_nl *nl, uint64_t mesh_time_ms, uint8_t q,
		     const struct mu_nl_entry *e, int n, char *err)
{
	uint8_t b[11 + 24 * MESHUP_BEACON_MAX_ENTRIES];

	if (n >= 0) {
		memcpy(sim_entries, e, sizeof(*e) * (size_t)n);
		sim_nentries = n;
	}
	mu_put_be64(b, mesh_time_ms);
	b[8] = q;
	b[9] = 0;
	b[10] = (uint8_t)sim_nentries;
	for (int i = 0; i < sim_nentries; i++) {
		memcpy(b + 11 + 24 * i, sim_entries[i].key, 20);
		mu_put_be32(b + 11 + 24 * i + 20, sim_entries[i].blocks_held);
	}
	for (int i = 0; i < sim_nlinks; i++)
		sim_tx(sim_links[i], MESHUP_T_BEACON, b, 11 + 24 * (size_t)sim_nentries);
	return 0;
}

int mu_nl_send(struct mu_nl *nl, uint32_t ifindex, const uint8_t peer[6],
	       uint8_t type, const void *body, size_t len, char *err)
{
	if (!sim_is_link(peer[5]) || ifindex != (uint32_t)peer[5] + 1)
		return -EINVAL;
	sim_tx(peer[5], type, body, len);
	return 0;
}

int mu_nl_get_neighbors(struct mu_nl *nl,
			int (*cb)(const struct mu_nl_neigh *n, void *arg),
			void *arg, char *err)
{
	for (int i = 0; i < sim_nlinks; i++)
		if (sim_heard[i])
			cb(&sim_neigh[i], arg);
	return 0;
}

/* ---- the test driver (parent process) ---- */
static char tmp[256], vec[1024], hooklog[512];
static pid_t pids[SIM_MAX_NODES];
static int n_nodes;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_file(const char *path, const char *txt, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(txt, f);
	fclose(f);
	chmod(path, mode);
}

static void spawn_clock(int node, const int *links, int nlinks, const char *clock,
			long offset_s);

static void spawn(int node, const int *links, int nlinks)
{
	spawn_clock(node, links, nlinks, "unsynced", 0);
}

static void spawn_clock(int node, const int *links, int nlinks, const char *clock,
			long offset_s)
{
	char dir[512], conf[4096], path[600], log[600];
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/n%d", tmp, node);
	mkdir(dir, 0700);
	snprintf(conf, sizeof(conf),
		 "[meshupd]\nstate_dir = %s/state\nstaging_dir = %s/staging\n"
		 "keys_dir = %s\ncontrol_socket = %s/sock\nclock = %s\n"
		 "[channel site]\nhook = %s/hook\n", dir, dir, vec, dir, clock, tmp);
	snprintf(path, sizeof(path), "%s/conf", dir);
	write_file(path, conf, 0644);
	snprintf(log, sizeof(log), "%s/log", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "meshupd", "-f", "-c", path, NULL };
		char nbuf[16];
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 2);
			close(fd);
		}
		sim_node = node;
		memcpy(sim_links, links, sizeof(int) * (size_t)nlinks);
		sim_nlinks = nlinks;
		snprintf(nbuf, sizeof(nbuf), "%d", node);
		setenv("SIM_NODE", nbuf, 1);
		if (offset_s) {
			snprintf(nbuf, sizeof(nbuf), "%ld", offset_s);
			setenv("MESHUP_TEST_CLOCK_OFFSET", nbuf, 1);
		}
		_exit(d_main(4, argv));
	}
	pids[node] = pid;
}

static int setup(void **state)
{
	const char *top = getenv("MESHUP_TOP"), *v = getenv("MESHUP_VECTORS");
	char hook[2048];

	if (v)
		snprintf(vec, sizeof(vec), "%s", v);
	else
		snprintf(vec, sizeof(vec), "%s/../shared/spec/vectors", top ? top : ".");
	if (vec[0] != '/') {
		char cwd[512];

		assert_non_null(getcwd(cwd, sizeof(cwd)));
		snprintf(hook, sizeof(hook), "%s/%s", cwd, vec);
		assert_true(strlen(hook) < sizeof(vec));
		memcpy(vec, hook, strlen(hook) + 1);
	}
	snprintf(tmp, sizeof(tmp), "/tmp/test_d_sim.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(hooklog, sizeof(hooklog), "%s/hooks.log", tmp);
	snprintf(hook, sizeof(hook),
		 "#!/bin/sh\necho \"$SIM_NODE $MESHUP_CHANNEL $MESHUP_VERSION $MESHUP_REASON $(date +%%s.%%N)\" >> %s\n",
		 hooklog);
	{
		char p[600];

		snprintf(p, sizeof(p), "%s/hook", tmp);
		write_file(p, hook, 0755);
	}
	sim_parent = getpid();
	n_nodes = 0;
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	for (int i = 0; i < n_nodes; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (int i = 0; i < n_nodes; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd);
}

/* A bundle signed by test-key: site VERSION, payload of SIZE bytes. */
static void make_bundle(const char *out, const char *ver, size_t size,
			uint64_t start, uint64_t end)
{
	struct mu_manifest m;
	struct mu_key k = { 0 };
	uint8_t *pl = malloc(size), root[32], mb[MU_MANIFEST_MAX];
	char err[MU_ERR_LEN], kp[4200];
	uint64_t v;
	size_t mlen;
	FILE *f;

	for (size_t i = 0; i < size; i++)
		pl[i] = (uint8_t)(i * 7 + size);
	assert_int_equal(mu_version_parse(ver, &v, err), 0);
	assert_int_equal(mu_merkle_root_buf(pl, size, root, err), 0);
	assert_int_equal(mu_manifest_build(&m, "site", v, start, end, size, root, err), 0);
	snprintf(kp, sizeof(kp), "%s/test-key.pem", vec);
	assert_int_equal(mu_key_load_private(&k, kp, err), 0);
	assert_int_equal(mu_manifest_sign(&m, &k, err), 0);
	assert_int_equal(mu_manifest_serialize(&m, mb, sizeof(mb), &mlen, err), 0);
	f = fopen(out, "wb");
	assert_non_null(f);
	fwrite(mb, 1, mlen, f);
	fwrite(pl, 1, size, f);
	fclose(f);
	mu_key_free(&k);
	free(pl);
}

static int ctl_inject(int node, const char *file)
{
	char sock[600], err[MU_ERR_LEN];
	json_object *req = json_object_new_object(), *resp = NULL, *ok;
	int r = -1;

	snprintf(sock, sizeof(sock), "%s/n%d/sock", tmp, node);
	json_object_object_add(req, "cmd", json_object_new_string("inject"));
	json_object_object_add(req, "path", json_object_new_string(file));
	for (int tries = 0; tries < 100 && r; tries++) {
		if (mu_ctl_call(sock, req, &resp, err) == 0) {
			r = json_object_object_get_ex(resp, "ok", &ok) &&
			    json_object_get_boolean(ok) ? 0 : -2;
			json_object_put(resp);
			break;
		}
		usleep(50000);
	}
	json_object_put(req);
	return r;
}

/* hook runs recorded for VERSION/REASON: count, distinct nodes, first/last */
static int hook_runs(const char *ver, const char *reason, int *nodes,
		     double *first, double *last)
{
	FILE *f = fopen(hooklog, "r");
	char line[256];
	bool seen[SIM_MAX_NODES] = { 0 };
	int count = 0;

	*nodes = 0;
	*first = 1e18;
	*last = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		int node;
		char ch[40], v[40], r[40];
		double t;

		if (sscanf(line, "%d %39s %39s %39s %lf", &node, ch, v, r, &t) != 5)
			continue;
		if (strcmp(v, ver) || strcmp(r, reason) || node < 0 || node >= SIM_MAX_NODES)
			continue;
		count++;
		if (!seen[node]) {
			seen[node] = true;
			(*nodes)++;
		}
		if (t < *first)
			*first = t;
		if (t > *last)
			*last = t;
	}
	fclose(f);
	return count;
}

static bool wait_all(const char *ver, const char *reason, double deadline_s)
{
	double end = now_s() + deadline_s, first, last;
	int nodes;

	while (now_s() < end) {
		hook_runs(ver, reason, &nodes, &first, &last);
		if (nodes == n_nodes)
			return true;
		usleep(50000);
	}
	return false;
}

static void propagate(const char *what)
{
	char mub[600];
	double t0, first, last;
	int nodes, count;

	snprintf(mub, sizeof(mub), "%s/s1.mub", tmp);
	make_bundle(mub, "1.0.0", 50000, 0, 0);
	sleep(2);			/* adverts exchanged once */
	t0 = now_s();
	assert_int_equal(ctl_inject(0, mub), 0);
	assert_true(wait_all("1.0.0", "activate", 60));
	count = hook_runs("1.0.0", "activate", &nodes, &first, &last);
	print_message("# sim %s: 50000-byte bundle active at all %d nodes %.0f ms after inject\n",
		      what, n_nodes, (last - t0) * 1000);
	sleep(2);
	count = hook_runs("1.0.0", "activate", &nodes, &first, &last);
	assert_int_equal(count, n_nodes);	/* each hook exactly once */
}

static void test_line(void **state)
{
	char mub[600];
	double first, last;
	int nodes;
	uint64_t start, end;

	n_nodes = 10;
	for (int i = 0; i < n_nodes; i++) {
		int l[2], n = 0;

		if (i > 0)
			l[n++] = i - 1;
		if (i < n_nodes - 1)
			l[n++] = i + 1;
		spawn(i, l, n);
	}
	propagate("line of 10");

	/* start_time in the future: staged everywhere, nobody early */
	start = (uint64_t)now_s() + 6;
	snprintf(mub, sizeof(mub), "%s/s2.mub", tmp);
	make_bundle(mub, "2.0.0", 20000, start, 0);
	assert_int_equal(ctl_inject(0, mub), 0);
	assert_true(wait_all("2.0.0", "activate", 40));
	hook_runs("2.0.0", "activate", &nodes, &first, &last);
	print_message("# sim line: scheduled activation first %.0f ms, last %.0f ms after start_time\n",
		      (first - (double)start) * 1000, (last - (double)start) * 1000);
	assert_true(first >= (double)start);
	assert_true(last < (double)start + 3);

	/* experimental: revert everywhere after end_time, not before */
	end = (uint64_t)now_s() + 6;
	snprintf(mub, sizeof(mub), "%s/s3.mub", tmp);
	make_bundle(mub, "3.0.0", 3000, 0, end);
	assert_int_equal(ctl_inject(0, mub), 0);
	assert_true(wait_all("3.0.0", "activate", 20));
	assert_true(wait_all("2.0.0", "revert", 30));
	hook_runs("2.0.0", "revert", &nodes, &first, &last);
	print_message("# sim line: revert first %.0f ms, last %.0f ms after end_time\n",
		      (first - (double)end) * 1000, (last - (double)end) * 1000);
	assert_true(first >= (double)end);
	assert_true(last < (double)end + 3);
}

static void test_grid(void **state)
{
	const int S = 5;

	n_nodes = S * S;
	for (int r = 0; r < S; r++)
		for (int c = 0; c < S; c++) {
			int l[4], n = 0;

			if (r > 0)
				l[n++] = (r - 1) * S + c;
			if (r < S - 1)
				l[n++] = (r + 1) * S + c;
			if (c > 0)
				l[n++] = r * S + c - 1;
			if (c < S - 1)
				l[n++] = r * S + c + 1;
			spawn(r * S + c, l, n);
		}
	propagate("5x5 grid");
}

/* 0 synced - 1 three years behind - 2 three years ahead: mesh time */
static void test_clocks(void **state)
{
	const long y3 = 3L * 365 * 86400;
	int l0[] = { 1 }, l1[] = { 0, 2 }, l2[] = { 1 };
	double first, last;
	int nodes;
	uint64_t start;
	char mub[600];

	n_nodes = 3;
	spawn_clock(0, l0, 1, "synced", 0);
	spawn_clock(1, l1, 2, "unsynced", -y3);
	spawn_clock(2, l2, 1, "unsynced", y3);
	sleep(4);			/* beacons carry the time twice */
	start = (uint64_t)now_s() + 6;
	snprintf(mub, sizeof(mub), "%s/c.mub", tmp);
	make_bundle(mub, "1.0.0", 3000, start, 0);
	assert_int_equal(ctl_inject(0, mub), 0);
	assert_true(wait_all("1.0.0", "activate", 30));
	hook_runs("1.0.0", "activate", &nodes, &first, &last);
	print_message("# sim wrong clocks: first %.0f ms, last %.0f ms after start_time\n",
		      (first - (double)start) * 1000, (last - (double)start) * 1000);
	assert_true(first >= (double)start);
	assert_true(last < (double)start + 3);
}

/* a failing hook is retried after a back-off, not looped */
static void test_hook_retry(void **state)
{
	char hook[2048], p[600], mub[600];
	int l[1] = { 0 }, nodes, count;
	double first, last;

	snprintf(hook, sizeof(hook),
		 "#!/bin/sh\necho \"$SIM_NODE $MESHUP_CHANNEL $MESHUP_VERSION $MESHUP_REASON $(date +%%s.%%N)\" >> %s\n"
		 "[ -f %s/failed ] && exit 0\ntouch %s/failed\nexit 1\n", hooklog, tmp, tmp);
	snprintf(p, sizeof(p), "%s/hook", tmp);
	write_file(p, hook, 0755);
	n_nodes = 1;
	spawn(0, l, 0);
	snprintf(mub, sizeof(mub), "%s/h.mub", tmp);
	make_bundle(mub, "1.0.0", 100, 0, 0);
	assert_int_equal(ctl_inject(0, mub), 0);
	sleep(5);
	count = hook_runs("1.0.0", "activate", &nodes, &first, &last);
	assert_int_equal(count, 2);		/* failed once, then succeeded */
	assert_true(last - first >= 0.9);	/* after the 1 s back-off */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_retry, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
