// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the CLI's text parsers (versions, times, channel
 * names). A parsed version formats back to a string that parses to the
 * same value; a rejected input always gets a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128], err[MU_ERR_LEN], vs[MU_VERSION_STRLEN];
	uint64_t v, v2, t;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	err[0] = 0;
	if (!mu_version_parse(s, &v, err)) {
		mu_version_str(v, vs);
		if (mu_version_parse(vs, &v2, err) || v2 != v)
			abort();
	} else if (!err[0]) {
		abort();
	}
	err[0] = 0;
	if (mu_time_parse(s, &t, err) && !err[0])
		abort();
	err[0] = 0;
	if (mu_channel_name_check(s, strlen(s), err) && !err[0])
		abort();
	return 0;
}
