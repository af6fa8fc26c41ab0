// SPDX-License-Identifier: GPL-2.0
/* Mesh time: see meshtime.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/timex.h>

#include "meshtime.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int d_median_offset(const struct d_neigh_time *s, int n, int64_t *out)
{
	int64_t v[D_MT_MAX_SAMPLES];
	int m = 0;

	for (int i = 0; i < n && m < D_MT_MAX_SAMPLES; i++)
		if (s[i].quality >= 1)
			v[m++] = s[i].offset_ms;
	if (!m)
		return 0;
	qsort(v, (size_t)m, sizeof(v[0]), cmp_i64);
	if (m & 1)
		*out = v[m / 2];
	else
		*out = v[m / 2 - 1] / 2 + v[m / 2] / 2 +
		       (v[m / 2 - 1] % 2 + v[m / 2] % 2) / 2;
	return m;
}

int64_t d_realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t d_test_offset_ms(void)
{
	const char *s = getenv("MESHUP_TEST_CLOCK_OFFSET");

	return s ? strtoll(s, NULL, 10) * 1000 : 0;
}

int d_clock_synced(void)
{
	struct timex tx;
	int st;

	memset(&tx, 0, sizeof(tx));
	st = adjtimex(&tx);
	return st >= 0 && st != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

int64_t d_meshtime_compute(enum d_clock_mode mode, int synced, int64_t real_ms,
			   int64_t own_offset_ms, const struct d_neigh_time *s,
			   int n, uint8_t *quality)
{
	int64_t med;

	if (mode == D_CLOCK_SYNCED || (mode == D_CLOCK_AUTO && synced)) {
		*quality = 2;
		return real_ms + own_offset_ms;
	}
	if (d_median_offset(s, n, &med)) {
		*quality = 1;
		return real_ms + med;
	}
	*quality = 0;
	return real_ms + own_offset_ms;
}
