// SPDX-License-Identifier: GPL-2.0
/*
 * mu-evil: a malicious meshup neighbour for tests (tests/mesh/33-malicious.sh).
 *
 * Speaks the wire format of PROTOCOL.md section 3 from an AF_PACKET socket
 * bound to one interface; every frame is built byte by byte here, not with
 * the project's libraries, so that it can lie in every field. Attacks (any
 * combination, for --duration seconds or until SIGINT/SIGTERM):
 *
 *   --fake-adverts        beacon (every 200 ms, own MAC) versions that do not
 *                         exist for --channel: one per forgery below, each
 *                         answered with its forged manifest
 *                           bad-sig    valid layout, trusted key id, junk signature
 *                           unknown    valid layout, signed by an unknown key id
 *                           wrong      manifest not matching the advertised digest
 *                           trunc      the first half of a manifest
 *                           silent     never answered
 *   --random-macs         also send the fake adverts from random MACs at --rate
 *   --bad-blocks          re-advertise every key honest beacons carry as held in
 *                         full; answer its block REQUESTs with junk
 *   --replay FILE.mub     advertise and serve FILE correctly (a downgrade)
 *   --turn-after N        with --replay: after N correct blocks, answer every
 *                         block REQUEST for FILE with junk (a neighbour that
 *                         served well, then turns bad)
 *   --req-flood MAC       REQUESTs to MAC at --rate (random MACs with
 *                         --random-macs), for --count frames at most
 *   --beacon-flood        beacons from random MACs at --rate, --count at most
 *
 * At the end it prints counters on stdout, one "name value" per line, and
 * one line per honest MAC that sent it REQUESTs: "reqs MAC n0 n1 ..." with
 * the count in each --interval (default 5 s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/meshup.h>

#define MAX_PEERS	32
#define MAX_BUCKETS	256
#define MAX_SNIFF	16
#define N_FAKES		5

enum fake_kind { F_BADSIG, F_UNKNOWN, F_WRONG, F_TRUNC, F_SILENT };
static const char *const fake_names[N_FAKES] = {
	"bad-sig", "unknown-key", "wrong-digest", "truncated", "silent",
};

struct fake {
	uint8_t key[MESHUP_KEY_LEN];
	uint8_t m[MESHUP_MANIFEST_MAX];
	size_t mlen;		/* bytes answered */
};

struct peer {
	uint8_t mac[6];
	unsigned long reqs[MAX_BUCKETS];
	unsigned long total;
};

static int sock = -1, ifindex;
static uint16_t ethertype = MESHUP_ETH_P;
static uint8_t own_mac[6];
static volatile sig_atomic_t stop;
static double t_start;
static int interval_s = 5;

static struct fake fakes[N_FAKES];
static int n_fakes;
static struct peer peers[MAX_PEERS];
static int n_peers;
static struct { uint8_t key[MESHUP_KEY_LEN]; uint32_t held; } sniffed[MAX_SNIFF];
static int n_sniffed;

/* the replayed bundle */
static uint8_t *rp_man, *rp_payload, *rp_hash;	/* hash area: blocks in order */
static size_t rp_mlen;
static uint64_t rp_size;
static uint32_t rp_nhb, rp_nblocks;
static uint8_t rp_key[MESHUP_KEY_LEN];

static unsigned long c_sent, c_send_err, c_beacons, c_flood_beacons, c_flood_reqs,
	c_rx, c_rx_req, c_manifests, c_bad_blocks, c_replay_man, c_replay_blocks;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "mu-evil: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v >> 32); put32(p + 4, v); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void sha256(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n;

	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	if (alen)
		EVP_DigestUpdate(c, a, alen);
	if (blen)
		EVP_DigestUpdate(c, b, blen);
	EVP_DigestFinal_ex(c, out, &n);
	EVP_MD_CTX_free(c);
}

static void rnd(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)random();
}

static void random_mac(uint8_t mac[6])
{
	rnd(mac, 6);
	mac[0] = (mac[0] & 0xfc) | 0x02;	/* unicast, locally administered */
}

/* One frame: Ethernet header, common header, body. */
static int send_frame(const uint8_t *dst, const uint8_t *src, uint8_t type,
		      const uint8_t *body, size_t len)
{
	uint8_t f[14 + 8 + MESHUP_MAX_BODY + 64];
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_ifindex = ifindex,
				  .sll_halen = 6 };
	size_t flen = 14 + 8 + len;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, ethertype);
	put16(f + 14, MESHUP_MAGIC);
	f[16] = MESHUP_PROTO_VERSION;
	f[17] = type;
	put16(f + 18, (uint16_t)len);
	put16(f + 20, 0);
	memcpy(f + 22, body, len);
	if (flen < 60) {
		memset(f + flen, 0, 60 - flen);
		flen = 60;
	}
	memcpy(sa.sll_addr, dst, 6);
	sa.sll_protocol = htons(ethertype);
	if (sendto(sock, f, flen, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		c_send_err++;
		return -1;
	}
	c_sent++;
	return 0;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* BEACON body: time, quality 0, flags, count, entries (key, held). */
static size_t beacon_body(uint8_t *b, const uint8_t (*keys)[MESHUP_KEY_LEN],
			  const uint32_t *held, int n)
{
	put64(b, 0);
	b[8] = 0;
	b[9] = 0;
	b[10] = (uint8_t)n;
	for (int i = 0; i < n; i++) {
		memcpy(b + 11 + 24 * i, keys[i], MESHUP_KEY_LEN);
		put32(b + 11 + 24 * i + 20, held[i]);
	}
	return 11 + 24 * (size_t)n;
}

/* Everything this node advertises now (fakes, sniffed keys, the replay). */
static void send_adverts(const uint8_t *src)
{
	uint8_t keys[MESHUP_BEACON_MAX_ENTRIES][MESHUP_KEY_LEN], b[11 + 24 * 16];
	uint32_t held[MESHUP_BEACON_MAX_ENTRIES];
	int n = 0;

	for (int i = 0; i < n_fakes && n < 16; i++, n++) {
		memcpy(keys[n], fakes[i].key, MESHUP_KEY_LEN);
		held[n] = 64;
	}
	for (int i = 0; i < n_sniffed && n < 16; i++, n++) {
		memcpy(keys[n], sniffed[i].key, MESHUP_KEY_LEN);
		held[n] = 0xffffff;	/* "everything", beyond any real B */
	}
	if (rp_man && n < 16) {
		memcpy(keys[n], rp_key, MESHUP_KEY_LEN);
		held[n++] = rp_nblocks;
	}
	if (!n)
		return;
	send_frame(bcast, src, MESHUP_T_BEACON, b, beacon_body(b, keys, held, n));
	c_beacons++;
}

/*
 * A structurally valid manifest (section 2.1) for @channel at @version with
 * one signature: @keyid and junk signature bytes.
 */
static size_t forge_manifest(uint8_t *m, const char *channel, uint64_t version,
			     const uint8_t keyid[8])
{
	size_t n = strlen(channel), body = 75 + n;

	memcpy(m, "MUPM", 4);
	m[4] = 1;
	m[5] = 1;
	put16(m + 6, (uint16_t)body);
	put64(m + 8, version);
	put64(m + 16, 0);
	put64(m + 24, 0);
	put64(m + 32, 1000);
	rnd(m + 40, 32);
	m[72] = (uint8_t)n;
	memcpy(m + 73, channel, n);
	put16(m + 73 + n, 0);
	m[body] = 1;
	memcpy(m + body + 1, keyid, 8);
	rnd(m + body + 9, 64);
	return body + 73;
}

static void make_fakes(const char *channel, uint64_t base, const uint8_t *trusted_id)
{
	uint8_t id[32], d[32], unknown[8];

	sha256(channel, strlen(channel), NULL, 0, id);
	rnd(unknown, 8);
	for (int k = 0; k < N_FAKES; k++) {
		struct fake *f = &fakes[n_fakes++];
		size_t full = forge_manifest(f->m, channel, base + (uint64_t)k,
					     k == F_UNKNOWN ? unknown : trusted_id);

		memcpy(f->key, id, 4);
		put64(f->key + 4, base + (uint64_t)k);
		sha256(f->m, full, NULL, 0, d);
		memcpy(f->key + 12, d, 8);
		f->mlen = full;
		if (k == F_WRONG)
			rnd(f->key + 12, 8);
		else if (k == F_TRUNC)
			f->mlen = full / 2;
		else if (k == F_SILENT)
			f->mlen = 0;
	}
}

/* Bundle file -> manifest, payload and every hash block (section 2.2). */
static void load_replay(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t hdr[8], d[32];
	long size;
	size_t body;
	uint32_t n, lvl_n[8], lvl_blocks[8], depth = 0;
	uint8_t *lv[9];

	if (!fp)
		die(path);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	if (size < 80 || fread(hdr, 1, 8, fp) != 8 || memcmp(hdr, "MUPM", 4))
		goto errx_bad;
	body = (size_t)hdr[6] << 8 | hdr[7];
	rp_man = malloc(MESHUP_MANIFEST_MAX);
	rewind(fp);
	if (body + 1 > (size_t)size || fread(rp_man, 1, body + 1, fp) != body + 1)
		goto errx_bad;
	rp_mlen = body + 1 + 72 * (size_t)rp_man[body];
	if (rp_mlen > MESHUP_MANIFEST_MAX || rp_mlen > (size_t)size ||
	    fread(rp_man + body + 1, 1, rp_mlen - body - 1, fp) != rp_mlen - body - 1)
		goto errx_bad;
	rp_size = (uint64_t)size - rp_mlen;
	rp_payload = malloc(rp_size);
	if (!rp_payload || fread(rp_payload, 1, rp_size, fp) != rp_size)
		goto errx_bad;
	fclose(fp);
	if (0) {
errx_bad:
		fprintf(stderr, "mu-evil: %s: not a bundle\n", path);
		exit(1);
	}
	sha256(rp_man, rp_mlen, NULL, 0, d);
	memcpy(rp_key + 12, d, 8);
	sha256(rp_man + 73, rp_man[72], NULL, 0, d);	/* channel id */
	memcpy(rp_key, d, 4);
	memcpy(rp_key + 4, rp_man + 8, 8);

	/* levels bottom-up: lv[0] leaves, lv[k+1] parents of lv[k] */
	n = (uint32_t)((rp_size + 1023) / 1024);
	lv[0] = malloc(32 * (size_t)n);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t z = 0;
		size_t len = i + 1 < n ? 1024 : rp_size - 1024 * (uint64_t)i;

		sha256(&z, 1, rp_payload + 1024 * (size_t)i, len, lv[0] + 32 * i);
	}
	lvl_n[0] = n;
	while (lvl_n[depth] > 1) {
		uint32_t parents = (lvl_n[depth] + 31) / 32;

		lvl_blocks[depth] = parents;
		lv[depth + 1] = malloc(32 * (size_t)parents);
		for (uint32_t p = 0; p < parents; p++) {
			uint8_t one = 1;
			uint32_t cnt = lvl_n[depth] - 32 * p > 32 ? 32 : lvl_n[depth] - 32 * p;

			sha256(&one, 1, lv[depth] + 32 * 32 * (size_t)p, 32 * (size_t)cnt,
			       lv[depth + 1] + 32 * p);
		}
		lvl_n[depth + 1] = parents;
		depth++;
	}
	if (memcmp(lv[depth], rp_man + 40, 32)) {
		fprintf(stderr, "mu-evil: %s: Merkle root mismatch\n", path);
		exit(1);
	}
	/* hash blocks: the level just below the root first */
	rp_nhb = 0;
	for (uint32_t k = 0; k < depth; k++)
		rp_nhb += lvl_blocks[k];
	rp_hash = malloc(1024 * (size_t)(rp_nhb ? rp_nhb : 1));
	{
		uint32_t b = 0;

		for (int k = (int)depth - 1; k >= 0; k--)
			for (uint32_t p = 0; p < lvl_blocks[k]; p++, b++) {
				uint32_t cnt = lvl_n[k] - 32 * p > 32 ? 32 : lvl_n[k] - 32 * p;

				memset(rp_hash + 1024 * (size_t)b, 0, 1024);
				memcpy(rp_hash + 1024 * (size_t)b, lv[k] + 32 * 32 * (size_t)p,
				       32 * (size_t)cnt);
			}
	}
	rp_nblocks = rp_nhb + n;
	/* the hash block lengths: 32 * entries; kept beside the data */
	for (uint32_t k = 0; k <= depth; k++)
		free(lv[k]);
	fprintf(stderr, "mu-evil: replaying %s: %zu-byte manifest, %u blocks\n",
		path, rp_mlen, rp_nblocks);
}

/* Length of hash block @b of the replay (32 bytes per entry). */
static size_t rp_hash_len(uint32_t b)
{
	size_t len = 1024;

	/* trailing zero hashes are not part of the block: find its real size */
	while (len > 32) {
		static const uint8_t zero[32];

		if (memcmp(rp_hash + 1024 * (size_t)b + len - 32, zero, 32))
			break;
		len -= 32;
	}
	return len;
}

static struct peer *peer_of(const uint8_t *mac)
{
	for (int i = 0; i < n_peers; i++)
		if (!memcmp(peers[i].mac, mac, 6))
			return &peers[i];
	if (n_peers == MAX_PEERS)
		return NULL;
	memcpy(peers[n_peers].mac, mac, 6);
	return &peers[n_peers++];
}

static int bad_blocks;
static unsigned long turn_after;
static double turned_at;		/* since t_start, 0: not turned */

static void on_request(const uint8_t *src, const uint8_t *b, size_t len)
{
	uint8_t out[MESHUP_MAX_BODY];
	struct peer *p = peer_of(src);
	int bucket = (int)((now_s() - t_start) / interval_s);

	c_rx_req++;
	if (p) {
		p->total++;
		if (bucket < MAX_BUCKETS)
			p->reqs[bucket]++;
	}
	if (len < 36)
		return;
	memcpy(out, b, MESHUP_KEY_LEN);
	if (b[20] == MESHUP_REQ_MANIFEST) {
		for (int i = 0; i < n_fakes; i++)
			if (!memcmp(b, fakes[i].key, MESHUP_KEY_LEN) && fakes[i].mlen) {
				memcpy(out + 20, fakes[i].m, fakes[i].mlen);
				send_frame(src, own_mac, MESHUP_T_MANIFEST, out, 20 + fakes[i].mlen);
				c_manifests++;
				return;
			}
		if (rp_man && !memcmp(b, rp_key, MESHUP_KEY_LEN)) {
			memcpy(out + 20, rp_man, rp_mlen);
			send_frame(src, own_mac, MESHUP_T_MANIFEST, out, 20 + rp_mlen);
			c_replay_man++;
			return;
		}
		/* anything else (a sniffed key): a truncated junk manifest */
		if (bad_blocks) {
			memcpy(out + 20, "MUPM\x01\x01", 6);
			rnd(out + 26, 40);
			send_frame(src, own_mac, MESHUP_T_MANIFEST, out, 66);
			c_manifests++;
		}
		return;
	}
	if (b[20] != MESHUP_REQ_BLOCKS)
		return;
	for (int bit = 0; bit < 64; bit++) {
		uint32_t i = get32(b + 24) + (uint32_t)bit;
		size_t blen;

		if (!(b[28 + bit / 8] & (0x80 >> (bit % 8))))
			continue;
		put32(out + 20, i);
		if (rp_man && !memcmp(b, rp_key, MESHUP_KEY_LEN)) {
			if (i >= rp_nblocks)
				continue;
			if (turn_after && c_replay_blocks >= turn_after) {
				if (!turned_at)
					turned_at = now_s() - t_start;
				rnd(out + 24, 1024);
				send_frame(src, own_mac, MESHUP_T_BLOCK, out, 24 + 1024);
				c_bad_blocks++;
				continue;
			}
			if (i < rp_nhb) {
				blen = rp_hash_len(i);
				memcpy(out + 24, rp_hash + 1024 * (size_t)i, blen);
			} else {
				uint64_t off = 1024 * (uint64_t)(i - rp_nhb);

				blen = rp_size - off > 1024 ? 1024 : rp_size - off;
				memcpy(out + 24, rp_payload + off, blen);
			}
			send_frame(src, own_mac, MESHUP_T_BLOCK, out, 24 + blen);
			c_replay_blocks++;
		} else if (bad_blocks) {
			rnd(out + 24, 1024);
			send_frame(src, own_mac, MESHUP_T_BLOCK, out, 24 + 1024);
			c_bad_blocks++;
		}
	}
}

/* Remember keys honest neighbours advertise (to lie about holding them). */
static void on_beacon(const uint8_t *b, size_t len)
{
	if (len < 11 || b[10] > 16 || len < 11 + 24 * (size_t)b[10])
		return;
	for (int i = 0; i < b[10]; i++) {
		const uint8_t *e = b + 11 + 24 * i;
		int k;

		if (!get32(e + 20))
			continue;	/* version 0 or nothing held */
		if (rp_man && !memcmp(e, rp_key, MESHUP_KEY_LEN))
			continue;
		for (k = 0; k < n_sniffed; k++)
			if (!memcmp(sniffed[k].key, e, MESHUP_KEY_LEN))
				break;
		if (k < n_sniffed)
			continue;
		if (n_sniffed == MAX_SNIFF - 2)
			memmove(sniffed, sniffed + 1, sizeof(sniffed[0]) * --n_sniffed);
		memcpy(sniffed[n_sniffed++].key, e, MESHUP_KEY_LEN);
	}
}

/* Take one frame if there is one; false when none was waiting. */
static bool rx(void)
{
	uint8_t f[2048];
	struct sockaddr_ll sa;
	socklen_t sl = sizeof(sa);
	ssize_t n = recvfrom(sock, f, sizeof(f), MSG_DONTWAIT, (struct sockaddr *)&sa, &sl);
	size_t blen;

	if (n < 0)
		return false;
	if (n < 22 || sa.sll_pkttype == PACKET_OUTGOING)
		return true;
	if (((f[14] << 8) | f[15]) != MESHUP_MAGIC)
		return true;
	c_rx++;
	blen = (size_t)f[18] << 8 | f[19];
	if (22 + blen > (size_t)n)
		return true;
	if (f[17] == MESHUP_T_BEACON) {
		if (bad_blocks)
			on_beacon(f + 22, blen);
	} else if (f[17] == MESHUP_T_REQUEST && !memcmp(f, own_mac, 6)) {
		on_request(f + 6, f + 22, blen);
	}
	return true;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
		      &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

static void on_sig(int s)
{
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mu-evil -i IFACE [--duration S] [--rate N] [--count N] [--interval S]\n"
		"       [--channel NAME] [--base-version N] [--trusted-pub PEM] [--ethertype N]\n"
		"       [--fake-adverts] [--random-macs] [--bad-blocks] [--replay FILE.mub]\n"
		"       [--turn-after N] [--req-flood MAC] [--beacon-flood]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", 1, NULL, 'i' }, { "duration", 1, NULL, 'd' },
		{ "rate", 1, NULL, 'r' }, { "count", 1, NULL, 'n' },
		{ "interval", 1, NULL, 'I' }, { "channel", 1, NULL, 'c' },
		{ "base-version", 1, NULL, 'b' }, { "trusted-pub", 1, NULL, 'k' },
		{ "ethertype", 1, NULL, 'e' }, { "fake-adverts", 0, NULL, 'F' },
		{ "random-macs", 0, NULL, 'R' }, { "bad-blocks", 0, NULL, 'B' },
		{ "replay", 1, NULL, 'P' }, { "req-flood", 1, NULL, 'Q' },
		{ "beacon-flood", 0, NULL, 'L' }, { "turn-after", 1, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = NULL, *channel = "site", *pub = NULL, *replay = NULL;
	double duration = 10, rate = 1000, last_beacon = 0, t, t_end;
	unsigned long count = 0, flood_due;
	uint64_t base = (uint64_t)1000 << 48;
	int fake = 0, random_macs = 0, beacon_flood = 0, req_flood = 0, o;
	uint8_t victim[6], trusted_id[8] = { 0 };
	struct sockaddr_ll sa = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };
	unsigned long flood_sent = 0;
	double flood_end = 0;

	while ((o = getopt_long(argc, argv, "i:d:r:n:", opts, NULL)) != -1) {
		switch (o) {
		case 'i': ifname = optarg; break;
		case 'd': duration = atof(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'I': interval_s = atoi(optarg) > 0 ? atoi(optarg) : 5; break;
		case 'c': channel = optarg; break;
		case 'b': base = strtoull(optarg, NULL, 0); break;
		case 'k': pub = optarg; break;
		case 'e': ethertype = (uint16_t)strtoul(optarg, NULL, 0); break;
		case 'F': fake = 1; break;
		case 'R': random_macs = 1; break;
		case 'B': bad_blocks = 1; break;
		case 'P': replay = optarg; break;
		case 'Q':
			if (parse_mac(optarg, victim)) {
				fprintf(stderr, "mu-evil: --req-flood: bad MAC %s\n", optarg);
				return 2;
			}
			req_flood = 1;
			break;
		case 'L': beacon_flood = 1; break;
		case 'T': turn_after = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!ifname || optind != argc || rate <= 0 || strlen(channel) < 1 ||
	    strlen(channel) > 32 || (turn_after && !replay))
		usage();
	srandom((unsigned int)(time(NULL) ^ getpid()));
	if (pub) {
		FILE *fp = fopen(pub, "r");
		EVP_PKEY *k = fp ? PEM_read_PUBKEY(fp, NULL, NULL, NULL) : NULL;
		uint8_t raw[32], d[32];
		size_t rl = sizeof(raw);

		if (!k || EVP_PKEY_get_raw_public_key(k, raw, &rl) != 1 || rl != 32) {
			fprintf(stderr, "mu-evil: %s: not an Ed25519 public key\n", pub);
			return 1;
		}
		sha256(raw, 32, NULL, 0, d);
		memcpy(trusted_id, d, 8);
		EVP_PKEY_free(k);
		fclose(fp);
	}
	if (fake)
		make_fakes(channel, base, trusted_id);
	if (replay)
		load_replay(replay);

	sock = socket(AF_PACKET, SOCK_RAW, htons(ethertype));
	if (sock < 0)
		die("socket");
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(sock, SIOCGIFINDEX, &ifr))
		die(ifname);
	ifindex = ifr.ifr_ifindex;
	if (ioctl(sock, SIOCGIFHWADDR, &ifr))
		die("SIOCGIFHWADDR");
	memcpy(own_mac, ifr.ifr_hwaddr.sa_data, 6);
	sa.sll_protocol = htons(ethertype);
	sa.sll_ifindex = ifindex;
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	{
		int sz = 1 << 20;

		setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	}
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);

	t_start = now_s();
	t_end = t_start + duration;
	while (!stop && (t = now_s()) < t_end) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		int flooding = (req_flood || beacon_flood || (fake && random_macs)) &&
			       (!count || flood_sent < count);

		if ((fake || bad_blocks || replay) && t - last_beacon >= 0.2) {
			send_adverts(own_mac);
			last_beacon = t;
		}
		if (flooding) {
			flood_due = (unsigned long)((t - t_start) * rate);
			/* at most 256 per round, so the receive side is served */
			for (int k = 0; k < 256 && flood_sent < flood_due &&
			     (!count || flood_sent < count); k++) {
				uint8_t mac[6], b[36] = { 0 };
				int what = (int)(flood_sent % (unsigned long)(req_flood + beacon_flood +
									       (fake && random_macs)));

				random_mac(mac);
				if (req_flood && what-- == 0) {
					const uint8_t *key = n_sniffed ? sniffed[0].key :
							     n_fakes ? fakes[0].key : b;

					memmove(b, key, MESHUP_KEY_LEN);
					b[20] = (uint8_t)(random() & 1);
					if (b[20]) {
						put32(b + 24, 0);
						memset(b + 28, 0xff, 8);
					}
					send_frame(victim, random_macs ? mac : own_mac,
						   MESHUP_T_REQUEST, b, 36);
					c_flood_reqs++;
				} else if (beacon_flood && what-- == 0) {
					uint8_t keys[1][MESHUP_KEY_LEN], bb[64], d[32];
					uint32_t held = 1;

					sha256(channel, strlen(channel), NULL, 0, d);
					memcpy(keys[0], d, 4);
					rnd(keys[0] + 4, 16);
					send_frame(bcast, mac, MESHUP_T_BEACON, bb,
						   beacon_body(bb, (const uint8_t (*)[20])keys,
							       &held, 1));
					c_flood_beacons++;
				} else {
					send_adverts(mac);
					c_flood_beacons++;
				}
				flood_sent++;
				if (count && flood_sent == count)
					flood_end = now_s();
			}
		}
		if (poll(&pfd, 1, flooding ? 1 : 20) > 0)
			for (int k = 0; k < 64 && rx(); k++)
				;
	}
	t = now_s() - t_start;
	printf("elapsed_s %.1f\n", t);
	printf("frames_sent %lu\n", c_sent);
	printf("send_errors %lu\n", c_send_err);
	printf("beacons_sent %lu\n", c_beacons);
	printf("flood_beacons %lu\n", c_flood_beacons);
	printf("flood_requests %lu\n", c_flood_reqs);
	if (flood_end > 0)
		printf("flood_s %.1f\n", flood_end - t_start);
	printf("flood_rate %.0f\n", (c_flood_beacons + c_flood_reqs) /
	       (flood_end > 0 ? flood_end - t_start : t > 0 ? t : 1));
	printf("frames_received %lu\n", c_rx);
	printf("requests_received %lu\n", c_rx_req);
	printf("forged_manifests %lu\n", c_manifests);
	printf("bad_blocks %lu\n", c_bad_blocks);
	printf("replay_manifests %lu\n", c_replay_man);
	printf("replay_blocks %lu\n", c_replay_blocks);
	if (turned_at > 0)
		printf("turned_s %.1f\n", turned_at);
	for (int i = 0; i < n_fakes; i++) {
		uint64_t v = (uint64_t)get32(fakes[i].key + 4) << 32 |
			     get32(fakes[i].key + 8);

		printf("fake %s %u.%u.%u\n", fake_names[i], (unsigned int)(v >> 48),
		       (unsigned int)(v >> 32) & 0xffff, (unsigned int)v);
	}
	printf("interval_s %d\n", interval_s);
	for (int i = 0; i < n_peers; i++) {
		struct peer *p = &peers[i];
		int last = (int)(t / interval_s);

		printf("reqs %02x:%02x:%02x:%02x:%02x:%02x", p->mac[0], p->mac[1],
		       p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
		for (int b = 0; b <= last && b < MAX_BUCKETS; b++)
			printf(" %lu", p->reqs[b]);
		printf("\n");
	}
	return 0;
}
