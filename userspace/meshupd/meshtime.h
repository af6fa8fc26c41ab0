/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mesh time (PROTOCOL.md section 5): the system clock if it is synced
 * (quality 2), else the system clock plus the median offset of the
 * neighbours whose beacons carry quality >= 1 (quality 1), else the system
 * clock (quality 0).
 *
 * MESHUP_TEST_CLOCK_OFFSET (test only, seconds, may be negative) shifts
 * this node's own "system clock" so that one machine can simulate nodes
 * with wrong clocks. Offsets learnt from neighbours are measured against
 * the real clock, as the module does, so derived time is unaffected.
 */
#ifndef MESHUPD_MESHTIME_H
#define MESHUPD_MESHTIME_H

#include <stdint.h>

#include "config.h"

#define D_MT_MAX_SAMPLES	64

struct d_neigh_time {
	int64_t offset_ms;	/* neighbour's mesh time - our real clock */
	uint8_t quality;
};

/** d_median_offset() - median of the offsets of samples with quality >= 1;
 * returns the number of such samples (0: *@out untouched). Even count: the
 * mean of the two middle values (rounded toward zero). */
int d_median_offset(const struct d_neigh_time *s, int n, int64_t *out);

/** d_realtime_ms() - CLOCK_REALTIME in Unix milliseconds. */
int64_t d_realtime_ms(void);

/** d_test_offset_ms() - the test-only offset from the environment. */
int64_t d_test_offset_ms(void);

/** d_clock_synced() - for clock = auto: adjtimex says synchronised. */
int d_clock_synced(void);

/**
 * d_meshtime_compute() - mesh time in ms and its quality.
 * @mode: the configured clock mode; @synced: d_clock_synced() result.
 */
int64_t d_meshtime_compute(enum d_clock_mode mode, int synced, int64_t real_ms,
			   int64_t own_offset_ms, const struct d_neigh_time *s,
			   int n, uint8_t *quality);

#endif
