/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshupd: shared state of the helper daemon.
 *
 * One process per network namespace, single-threaded around loop.c. The
 * state is one global struct d_daemon (D); each file owns one concern:
 *   store.c     bundles and state records in state_dir (atomic, recovery)
 *   fetch.c     transfer engine: manifests, windows of blocks, verification
 *   staging.c   incomplete transfers in staging_dir: resume, bounds
 *   serve.c     answering REQUESTs (token bucket per neighbour)
 *   neigh.c     what neighbours advertise, penalties, mesh-time samples
 *   advert.c    what our beacons carry, mesh time refresh
 *   activate.c  active bundle per channel, hooks, timers
 *   ctl_server.c control socket (status, inject)
 *   nlink.c     the module connection (register, retry when it vanishes)
 */
#ifndef MESHUPD_H
#define MESHUPD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/meshup.h>

#include "bundle.h"
#include "keys.h"
#include "merkle.h"
#include "nl.h"
#include "config.h"
#include "loop.h"
#include "policy.h"

#define D_HELD_MAX	4	/* per channel: newest, active, fallback (+1 while installing) */
#define D_XFER_MAX	4	/* concurrent transfers */
#define D_XFER_SRC_MAX	8	/* sources per transfer */
#define D_NEIGH_MAX	64
#define D_PEN_MAX	64
#define D_REJ_MAX	64
#define D_STAGE_IDLE_MAX 4	/* staged objects kept with no transfer running */

struct d_held {
	bool used;
	struct mu_manifest m;
	uint8_t mraw[MU_MANIFEST_MAX];
	size_t mlen;
	uint8_t digest[32];
	char hex[65];
	uint8_t key[MESHUP_KEY_LEN];
	struct mu_tree t;
	uint8_t *hash_area;		/* recomputed when loaded */
	int payload_fd;
};

struct d_chan {
	const struct d_chan_cfg *cfg;
	struct d_held held[D_HELD_MAX];
	/* activation */
	bool have_applied;		/* a hook ran successfully for ... */
	uint8_t applied[32];		/* ... this digest (persisted) */
	bool applied_version_known;	/* records before it lack it */
	uint64_t applied_version;	/* ... of this version (persisted) */
	int hook_status;		/* last exit status, -1 never ran */
	pid_t hook_pid;			/* running hook, 0 none */
	uint8_t hook_digest[32];
	uint64_t hook_version;
	bool hook_revert;
	unsigned int hook_failures;
	uint64_t hook_retry_at;		/* monotonic ms */
	bool none_logged;
};

struct d_src {
	uint32_t ifindex;
	uint8_t mac[6];
	uint32_t held;			/* blocks_held it advertises */
	unsigned int outstanding;
	unsigned int misses;		/* timed-out rounds since its last block */
	unsigned int win;		/* its window now (0: not set, WIN_SRC) */
	unsigned int acked;		/* blocks since the window last grew */
	uint32_t last_ans;		/* latest request (ms into the
					 * transfer) it answered a block of */
	uint8_t masked;			/* manifest requests sent to it */
	uint32_t srtt, rttvar;		/* round trip, ms (0: no sample yet) */
	uint32_t rto;			/* its retransmission timeout, ms */
};

enum d_xfer_state { D_X_MANIFEST, D_X_BLOCKS };

struct d_xfer {
	bool used;
	int chan;
	uint8_t key[MESHUP_KEY_LEN];
	enum d_xfer_state state;
	uint64_t started;		/* monotonic ms */
	uint64_t mreq_at;
	uint32_t mwait;			/* ms until the manifest is asked again */
	unsigned int mtries;
	int msrc;			/* source asked for the manifest */
	struct mu_manifest m;
	uint8_t mraw[MU_MANIFEST_MAX];
	size_t mlen;
	uint8_t digest[32];
	struct mu_tree t;
	uint8_t *hash_area;
	uint8_t *have;			/* bitmap, verified blocks */
	uint32_t *req_at;		/* ms since start + 1, 0: not asked */
	uint8_t *tries;
	uint8_t *req_src;		/* source index asked */
	uint64_t last_progress;
	uint32_t held;			/* contiguous verified from 0 */
	uint32_t n_have;
	uint32_t outstanding;
	int fd;				/* staging file: payload, then hash area */
	char path[4200];
	uint32_t resumed;		/* blocks re-verified from staging */
	uint32_t fetched;		/* blocks received and verified */
	uint32_t rx;			/* BLOCK frames received (any) */
	int nsrc;
	struct d_src src[D_XFER_SRC_MAX];
};

struct d_neigh {
	bool used;
	uint32_t ifindex;
	uint8_t mac[6];
	uint64_t seen;			/* monotonic ms */
	bool has_offset;
	int64_t offset_ms;
	uint8_t quality;
	unsigned int n;
	struct mu_nl_entry e[MESHUP_BEACON_MAX_ENTRIES];
	/* serving token bucket */
	double tokens;
	uint64_t tok_at;
	uint32_t rto;			/* last retransmission timeout of a
					 * transfer from it, ms (0: none) */
};

struct d_pen {				/* neighbour + object ignored until */
	bool used;
	uint8_t mac[6];
	uint8_t key[MESHUP_KEY_LEN];
	uint64_t until;
	uint32_t backoff_ms;
};

struct d_rej {				/* objects judged not acceptable */
	bool used;
	uint8_t key[MESHUP_KEY_LEN];
	uint64_t until;
};

struct d_daemon {
	struct d_config cfg;
	struct mu_keyring keys;
	struct d_chan chans[D_MAX_CHANNELS];
	struct d_xfer xfers[D_XFER_MAX];
	struct d_neigh neigh[D_NEIGH_MAX];
	struct d_pen pen[D_PEN_MAX];
	struct d_rej rej[D_REJ_MAX];
	struct mu_nl *nl;
	bool registered;
	bool advert_dirty;
	int64_t own_offset_ms;		/* MESHUP_TEST_CLOCK_OFFSET */
	uint64_t store_bytes;		/* bytes written to state_dir */
	uint64_t installs;
	volatile int stop;
};

extern struct d_daemon D;

/* daemon.c: the whole daemon (main.c calls it) */
int d_main(int argc, char **argv);

/* mesh time now, ms and seconds; quality in *q if non-NULL */
int64_t d_mesh_ms(uint8_t *q);
uint64_t d_mesh_s(void);

/* helpers on keys */
void d_key_of(const struct mu_manifest *m, const uint8_t digest[32],
	      uint8_t key[MESHUP_KEY_LEN]);
uint64_t d_key_version(const uint8_t key[MESHUP_KEY_LEN]);
void d_key_str(const uint8_t key[MESHUP_KEY_LEN], char *buf, size_t len);
void d_held_bref(const struct d_held *h, struct d_bref *b);
int d_chan_brefs(const struct d_chan *c, struct d_bref *b, int *idx);
int d_chan_index_by_id(const uint8_t id[4]);

/* store.c */
int d_store_init(char *err);
int d_store_load(void);
int d_store_install(int chan, const uint8_t *mraw, size_t mlen, int payload_fd,
		    off_t payload_off, uint8_t *hash_area, char *err);
int d_store_write_state(int chan);
void d_store_retain(int chan);
void d_held_free(struct d_held *h);
struct d_held *d_find_held(const uint8_t key[MESHUP_KEY_LEN]);
/**
 * d_check_manifest() - every acceptance rule of section 5 on a parsed
 * manifest: channel configured, signatures, size, newer. Returns the
 * channel index or -1 with the reason in @err.
 */
int d_check_manifest(const struct mu_manifest *m, const uint8_t digest[32],
		     char *err);

/* activate.c */
void d_activate_init(void);
void d_activate_eval(int chan);
void d_activate_eval_all(void);
void d_activate_sigchld(void);

/* neigh.c */
struct d_neigh *d_neigh_get(uint32_t ifindex, const uint8_t mac[6], bool create);
void d_neigh_vouch(uint32_t ifindex, const uint8_t mac[6]);
void d_neigh_update(uint32_t ifindex, const uint8_t mac[6], bool has_off,
		    int64_t off, uint8_t q, const struct mu_nl_entry *e,
		    unsigned int n);
void d_neigh_expire(void);
bool d_penalized(const uint8_t mac[6], const uint8_t key[MESHUP_KEY_LEN]);
void d_penalize(const uint8_t mac[6], const uint8_t key[MESHUP_KEY_LEN],
		const char *why);
bool d_rejected(const uint8_t key[MESHUP_KEY_LEN]);
void d_reject(const uint8_t key[MESHUP_KEY_LEN], uint32_t ms);

/* fetch.c */
void d_fetch_consider(uint32_t ifindex, const uint8_t mac[6],
		      const struct mu_nl_entry *e, unsigned int n);
void d_fetch_manifest(const struct mu_nl_frame *f);
void d_fetch_block(const struct mu_nl_frame *f);
void d_fetch_tick(void);
struct d_xfer *d_find_xfer(const uint8_t key[MESHUP_KEY_LEN]);
/* the object @key is held now (injected): end its transfer, if any */
void d_fetch_held(const uint8_t key[MESHUP_KEY_LEN]);
/* release a transfer's memory; what it staged stays for a restart */
void d_xfer_free(struct d_xfer *x);

/* staging.c */
/* at start: remove staged leftovers broken on their face */
int d_staging_init(char *err);
/* every 10 s at most (@force: now): drop staged objects nobody wants */
void d_staging_sweep(bool force);
/* the staged, digest-checked manifest of @key: 0, or -1 if none */
int d_staging_find(const uint8_t key[MESHUP_KEY_LEN], struct mu_manifest *m,
		   uint8_t *mraw, size_t *mlen, uint8_t digest[32]);
/*
 * d_staging_open() - stage @x (manifest parsed, tree, hash_area and have
 * allocated): write <hex>.man, open <hex>.part and re-verify every block
 * it already holds (x->have, n_have, held, resumed).
 */
int d_staging_open(struct d_xfer *x, char *err);
void d_staging_remove(const char *hex);

/* serve.c */
void d_serve_request(const struct mu_nl_frame *f);

/* advert.c */
void d_advert_refresh(bool force_entries);
void d_advert_start(void);
int d_advert_build(struct mu_nl_entry *e);

/* nlink.c */
int d_nlink_start(void);
int d_nlink_send(uint32_t ifindex, const uint8_t mac[6], uint8_t type,
		 const void *body, size_t len);

/* ctl_server.c */
int d_ctl_start(char *err);
void d_ctl_stop(void);

#endif
