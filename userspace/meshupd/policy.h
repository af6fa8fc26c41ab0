/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frozen node semantics of PROTOCOL.md section 5 as pure functions over
 * a small description of each held bundle: which to accept, which to keep,
 * which is active. No I/O, so unit tests cover them directly.
 */
#ifndef MESHUPD_POLICY_H
#define MESHUPD_POLICY_H

#include <stdbool.h>
#include <stdint.h>

struct d_bref {
	uint64_t version;
	uint8_t prefix[8];	/* digest prefix */
	uint64_t start;		/* start_time, Unix seconds */
	uint64_t end;		/* end_time, 0 = stable */
};

/** d_key_cmp() - order of (version, digest prefix): <0, 0, >0. */
int d_key_cmp(const struct d_bref *a, const struct d_bref *b);

/** d_newest() - index of the greatest of @n bundles, -1 if @n is 0. */
int d_newest(const struct d_bref *b, int n);

/**
 * d_active() - index of the newest bundle with start <= @now and end 0 or
 * > @now (@now in Unix seconds, mesh time); -1 if none qualifies.
 */
int d_active(const struct d_bref *b, int n, uint64_t now);

/** d_fallback_any() - newest stable bundle whose start has passed, or -1. */
int d_fallback_any(const struct d_bref *b, int n, uint64_t now);

/**
 * d_retain() - which of the held bundles to keep: the newest, the active
 * one, and the newest stable started one (keep[i] set); the rest go.
 */
void d_retain(const struct d_bref *b, int n, uint64_t now, bool *keep);

/**
 * d_acceptable() - may @cand be accepted next to the @n held bundles?
 * True if it is greater than the newest, or it is stable, started and
 * greater than the newest stable started one. Equal keys are refused
 * (already held). *@why gets a reason when refused.
 */
bool d_acceptable(const struct d_bref *b, int n, const struct d_bref *cand,
		  uint64_t now, const char **why);

/**
 * d_maybe_acceptable() - the same on what a beacon tells (version and
 * prefix only, start/end unknown): false only if no manifest with this key
 * could be accepted, i.e. it is not above the newest and not above the
 * newest stable started bundle (or equal to a held one).
 */
bool d_maybe_acceptable(const struct d_bref *b, int n, uint64_t version,
			const uint8_t prefix[8]);

#endif
