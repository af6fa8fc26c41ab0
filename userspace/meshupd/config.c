// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd configuration: PROTOCOL.md section 7, exactly.
 *
 * inih calls the handler only for "key = value" lines, so a first pass over
 * the text finds the section headers (an empty [channel NAME] section is a
 * channel with default hook and limit); inih then parses the keys. Every
 * error names the line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "config.h"

#define CONF_MAX_BYTES	(256 * 1024)

void d_config_defaults(struct d_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->state_dir, sizeof(c->state_dir), "/var/lib/meshup");
	snprintf(c->staging_dir, sizeof(c->staging_dir), "/run/meshup/staging");
	snprintf(c->keys_dir, sizeof(c->keys_dir), "/etc/meshup/keys");
	c->threshold = 1;
	snprintf(c->control_socket, sizeof(c->control_socket),
		 "/run/meshup/meshupd.sock");
	c->clock = D_CLOCK_AUTO;
}

int d_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end == 'K' || *end == 'k') {
		mul = 1024;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		mul = 1024 * 1024;
		end++;
	}
	if (*end || v == 0 || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

const struct d_chan_cfg *d_config_find_chan(const struct d_config *c,
					    const uint8_t id[4])
{
	for (int i = 0; i < c->n_chans; i++)
		if (!memcmp(c->chans[i].id, id, 4))
			return &c->chans[i];
	return NULL;
}

/* Trim spaces in place; returns the start. */
static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

struct parse_ctx {
	struct d_config *c;
	char msg[MU_ERR_LEN];
	unsigned int seen_main;		/* bitmask of keys seen in [meshupd] */
	unsigned int seen_chan[D_MAX_CHANNELS];
};

/* Classify a (trimmed) section name: -1 main, >= 0 channel index, -2 bad. */
static int section_index(struct d_config *c, const char *sec)
{
	if (!strcmp(sec, "meshupd"))
		return -1;
	if (!strncmp(sec, "channel", 7) && isspace((unsigned char)sec[7])) {
		const char *n = sec + 7;

		while (isspace((unsigned char)*n))
			n++;
		for (int i = 0; i < c->n_chans; i++)
			if (!strcmp(c->chans[i].name, n))
				return i;
	}
	return -2;
}

/* First pass: section headers. Returns 0 or the failing line number. */
static int scan_sections(const char *text, struct d_config *c, char *msg)
{
	const char *p = text;
	int line = 0;
	bool seen_main = false;

	while (*p) {
		char buf[512], *s, *close;
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		line++;
		if (len >= sizeof(buf)) {
			snprintf(msg, MU_ERR_LEN, "line too long");
			return line;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		p += len + (nl ? 1 : 0);
		s = trim(buf);
		if (*s != '[')
			continue;
		close = strchr(s, ']');
		if (!close) {
			snprintf(msg, MU_ERR_LEN, "section header without ']'");
			return line;
		}
		*close = '\0';
		s = trim(s + 1);
		if (!strcmp(s, "meshupd")) {
			if (seen_main) {
				snprintf(msg, MU_ERR_LEN, "duplicate section [meshupd]");
				return line;
			}
			seen_main = true;
			continue;
		}
		if (!strncmp(s, "channel", 7) && isspace((unsigned char)s[7])) {
			char *n = trim(s + 7);
			char e[MU_ERR_LEN];
			struct d_chan_cfg *ch;

			if (mu_channel_name_check(n, strlen(n), e)) {
				snprintf(msg, MU_ERR_LEN, "bad channel name '%.40s': %.150s", n, e);
				return line;
			}
			for (int i = 0; i < c->n_chans; i++)
				if (!strcmp(c->chans[i].name, n)) {
					snprintf(msg, MU_ERR_LEN, "duplicate section [channel %s]", n);
					return line;
				}
			if (c->n_chans >= D_MAX_CHANNELS) {
				snprintf(msg, MU_ERR_LEN, "more than %d channels", D_MAX_CHANNELS);
				return line;
			}
			ch = &c->chans[c->n_chans++];
			snprintf(ch->name, sizeof(ch->name), "%s", n);
			{
				uint8_t h[32];

				mu_sha256(n, strlen(n), h);
				memcpy(ch->id, h, 4);
			}
			snprintf(ch->hook, sizeof(ch->hook), "/etc/meshup/hooks/%s", n);
			ch->max_size = D_DEFAULT_MAX_SIZE;
			continue;
		}
		snprintf(msg, MU_ERR_LEN, "unknown section [%.60s]", s);
		return line;
	}
	return 0;
}

static int set_path(char *dst, size_t sz, const char *v, const char *key, char *msg)
{
	if (!*v || v[0] != '/' || strlen(v) >= sz) {
		snprintf(msg, MU_ERR_LEN, "%s must be an absolute path", key);
		return 0;
	}
	snprintf(dst, sz, "%s", v);
	return 1;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse_ctx *x = user;
	struct d_config *c = x->c;
	char secbuf[128], *sec;
	int idx;
	static const char *const main_keys[] = {
		"state_dir", "staging_dir", "keys_dir", "threshold",
		"control_socket", "clock",
	};
	unsigned int bit = 0;

	snprintf(secbuf, sizeof(secbuf), "%s", section);
	sec = trim(secbuf);
	if (!*sec) {
		snprintf(x->msg, MU_ERR_LEN, "key '%s' outside of any section", name);
		return 0;
	}
	idx = section_index(c, sec);
	if (idx == -2) {
		snprintf(x->msg, MU_ERR_LEN, "unknown section [%.60s]", sec);
		return 0;
	}
	if (idx == -1) {
		unsigned int i;

		for (i = 0; i < sizeof(main_keys) / sizeof(main_keys[0]); i++)
			if (!strcmp(name, main_keys[i]))
				break;
		if (i == sizeof(main_keys) / sizeof(main_keys[0])) {
			snprintf(x->msg, MU_ERR_LEN, "unknown key '%.60s' in [meshupd]", name);
			return 0;
		}
		bit = 1u << i;
		if (x->seen_main & bit) {
			snprintf(x->msg, MU_ERR_LEN, "duplicate key '%s'", name);
			return 0;
		}
		x->seen_main |= bit;
		if (!strcmp(name, "state_dir"))
			return set_path(c->state_dir, sizeof(c->state_dir), value, name, x->msg);
		if (!strcmp(name, "staging_dir"))
			return set_path(c->staging_dir, sizeof(c->staging_dir), value, name, x->msg);
		if (!strcmp(name, "keys_dir"))
			return set_path(c->keys_dir, sizeof(c->keys_dir), value, name, x->msg);
		if (!strcmp(name, "control_socket"))
			return set_path(c->control_socket, sizeof(c->control_socket), value, name, x->msg);
		if (!strcmp(name, "threshold")) {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(value, &end, 10);
			if (!isdigit((unsigned char)*value) || *end || errno || v < 1 || v > 8) {
				snprintf(x->msg, MU_ERR_LEN,
					 "threshold must be 1..8, not '%.40s'", value);
				return 0;
			}
			c->threshold = (unsigned int)v;
			return 1;
		}
		/* clock */
		if (!strcmp(value, "auto"))
			c->clock = D_CLOCK_AUTO;
		else if (!strcmp(value, "synced"))
			c->clock = D_CLOCK_SYNCED;
		else if (!strcmp(value, "unsynced"))
			c->clock = D_CLOCK_UNSYNCED;
		else {
			snprintf(x->msg, MU_ERR_LEN,
				 "clock must be auto, synced or unsynced, not '%.40s'", value);
			return 0;
		}
		return 1;
	}
	/* a channel */
	if (!strcmp(name, "hook"))
		bit = 1;
	else if (!strcmp(name, "max_size"))
		bit = 2;
	else {
		snprintf(x->msg, MU_ERR_LEN, "unknown key '%.60s' in [%s]", name, sec);
		return 0;
	}
	if (x->seen_chan[idx] & bit) {
		snprintf(x->msg, MU_ERR_LEN, "duplicate key '%s'", name);
		return 0;
	}
	x->seen_chan[idx] |= bit;
	if (bit == 1)
		return set_path(c->chans[idx].hook, sizeof(c->chans[idx].hook),
				value, name, x->msg);
	if (d_parse_size(value, &c->chans[idx].max_size)) {
		snprintf(x->msg, MU_ERR_LEN,
			 "max_size must be a positive size with optional K or M suffix, not '%.40s'",
			 value);
		return 0;
	}
	return 1;
}

static int parse_text(const char *text, const char *name, struct d_config *c,
		      char *err)
{
	struct parse_ctx x = { .c = c };
	int line;

	d_config_defaults(c);
	line = scan_sections(text, c, x.msg);
	if (line)
		return mu_errf(err, "%s:%d: %s", name, line, x.msg);
	ini_allow_multiline = false;
	ini_stop_on_first_error = true;
	line = ini_parse_string(text, handler, &x);
	if (line < 0)
		return mu_errf(err, "%s: cannot parse", name);
	if (line > 0) {
		if (!x.msg[0])
			snprintf(x.msg, sizeof(x.msg), "syntax error (expected 'key = value')");
		return mu_errf(err, "%s:%d: %s", name, line, x.msg);
	}
	return 0;
}

int d_config_parse_string(const char *text, struct d_config *c, char *err)
{
	return parse_text(text, "config", c, err);
}

int d_config_load(const char *path, struct d_config *c, char *err)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	int ret;

	if (!f)
		return mu_errf(err, "%s: %s", path, strerror(errno));
	buf = malloc(CONF_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return mu_errf(err, "%s: out of memory", path);
	}
	n = fread(buf, 1, CONF_MAX_BYTES + 1, f);
	fclose(f);
	if (n > CONF_MAX_BYTES) {
		free(buf);
		return mu_errf(err, "%s: larger than %d bytes", path, CONF_MAX_BYTES);
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		free(buf);
		return mu_errf(err, "%s: contains a NUL byte", path);
	}
	ret = parse_text(buf, path, c, err);
	free(buf);
	return ret;
}
