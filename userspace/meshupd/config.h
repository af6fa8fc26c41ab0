/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshupd configuration (PROTOCOL.md section 7), parsed with inih.
 */
#ifndef MESHUPD_CONFIG_H
#define MESHUPD_CONFIG_H

#include <stdint.h>
#include <limits.h>
#include "util.h"

#define D_MAX_CHANNELS		16	/* a beacon carries at most 16 entries */
#define D_DEFAULT_CONFIG	"/etc/meshup/meshupd.conf"
#define D_CONF_PATH_MAX		1024	/* longest path in the configuration */
#define D_DEFAULT_MAX_SIZE	(1024u * 1024u)

enum d_clock_mode {
	D_CLOCK_AUTO,
	D_CLOCK_SYNCED,
	D_CLOCK_UNSYNCED,
};

struct d_chan_cfg {
	char name[MU_NAME_MAX + 1];
	uint8_t id[4];			/* first 4 bytes of SHA256(name) */
	char hook[D_CONF_PATH_MAX];
	uint64_t max_size;
};

struct d_config {
	char state_dir[D_CONF_PATH_MAX];
	char staging_dir[D_CONF_PATH_MAX];
	char keys_dir[D_CONF_PATH_MAX];
	unsigned int threshold;
	char control_socket[D_CONF_PATH_MAX];
	enum d_clock_mode clock;
	int n_chans;
	struct d_chan_cfg chans[D_MAX_CHANNELS];
};

/** d_config_defaults() - fill @c with the defaults of section 7, no channels. */
void d_config_defaults(struct d_config *c);

/**
 * d_config_load() - parse the file at @path into @c (defaults first).
 * Errors name the file and line: "FILE:LINE: unknown key 'foo' in [meshupd]".
 */
int d_config_load(const char *path, struct d_config *c, char *err);

/** d_config_parse_string() - the same for a string (unit tests). */
int d_config_parse_string(const char *text, struct d_config *c, char *err);

/** d_parse_size() - "123", "64K", "1M" into bytes (>= 1). */
int d_parse_size(const char *s, uint64_t *out);

/** d_config_find_chan() - the channel with id @id, or NULL. */
const struct d_chan_cfg *d_config_find_chan(const struct d_config *c,
					    const uint8_t id[4]);

#endif
