// SPDX-License-Identifier: GPL-2.0
/* Section 5 semantics: acceptance, retention, activity. See policy.h. */
#include <string.h>

#include "policy.h"

int d_key_cmp(const struct d_bref *a, const struct d_bref *b)
{
	if (a->version != b->version)
		return a->version < b->version ? -1 : 1;
	return memcmp(a->prefix, b->prefix, 8);
}

int d_newest(const struct d_bref *b, int n)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (best < 0 || d_key_cmp(&b[i], &b[best]) > 0)
			best = i;
	return best;
}

static bool is_active_at(const struct d_bref *x, uint64_t now)
{
	return x->start <= now && (x->end == 0 || x->end > now);
}

int d_active(const struct d_bref *b, int n, uint64_t now)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (is_active_at(&b[i], now) &&
		    (best < 0 || d_key_cmp(&b[i], &b[best]) > 0))
			best = i;
	return best;
}

int d_fallback_any(const struct d_bref *b, int n, uint64_t now)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (b[i].end == 0 && b[i].start <= now &&
		    (best < 0 || d_key_cmp(&b[i], &b[best]) > 0))
			best = i;
	return best;
}

void d_retain(const struct d_bref *b, int n, uint64_t now, bool *keep)
{
	int x;

	for (int i = 0; i < n; i++)
		keep[i] = false;
	x = d_newest(b, n);
	if (x >= 0)
		keep[x] = true;
	x = d_active(b, n, now);
	if (x >= 0)
		keep[x] = true;
	x = d_fallback_any(b, n, now);
	if (x >= 0)
		keep[x] = true;
}

bool d_acceptable(const struct d_bref *b, int n, const struct d_bref *cand,
		  uint64_t now, const char **why)
{
	int nw = d_newest(b, n), fb;

	for (int i = 0; i < n; i++)
		if (!d_key_cmp(&b[i], cand)) {
			*why = "already held";
			return false;
		}
	if (nw < 0 || d_key_cmp(cand, &b[nw]) > 0)
		return true;
	if (cand->end == 0 && cand->start <= now) {
		fb = d_fallback_any(b, n, now);
		if (fb < 0 || d_key_cmp(cand, &b[fb]) > 0)
			return true;
		*why = "not newer than the newest or the fallback";
		return false;
	}
	*why = "not newer than the newest";
	return false;
}

bool d_maybe_acceptable(const struct d_bref *b, int n, uint64_t version,
			const uint8_t prefix[8])
{
	struct d_bref c = { .version = version };
	int fb = -1;

	memcpy(c.prefix, prefix, 8);
	for (int i = 0; i < n; i++)
		if (!d_key_cmp(&b[i], &c))
			return false;
	int nw = d_newest(b, n);

	if (nw < 0 || d_key_cmp(&c, &b[nw]) > 0)
		return true;
	/* could be a stable started bundle above the fallback */
	for (int i = 0; i < n; i++)
		if (b[i].end == 0 && (fb < 0 || d_key_cmp(&b[i], &b[fb]) > 0))
			fb = i;
	return fb < 0 || d_key_cmp(&c, &b[fb]) > 0;
}
