// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the manifest parser (PROTOCOL.md 2.1), as fed by
 * MANIFEST frames and bundle files. Invariants checked on every input:
 * a parsed manifest re-serializes to exactly the bytes parsed, passes
 * mu_manifest_check(), parses again on its own (no trailing data), and its
 * extension TLVs iterate to the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "merkle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[MU_MANIFEST_MAX], digest[MU_HASH_LEN], type, vlen;
	char err[MU_ERR_LEN];
	struct mu_manifest m, m2;
	struct mu_tree t;
	const uint8_t *val;
	size_t used, len, off = 0;
	int r;

	if (mu_manifest_parse(&m, data, size, &used, err)) {
		if (strncmp(err, "manifest: ", 10) || strlen(err) >= MU_ERR_LEN)
			abort();	/* every rejection names the manifest */
		/* and without @used it must fail as well */
		if (!mu_manifest_parse(&m2, data, size, NULL, err))
			abort();
		return 0;
	}
	if (used > size || used > MU_MANIFEST_MAX)
		abort();
	if (mu_manifest_check(&m, err))
		abort();
	if (mu_manifest_serialize(&m, out, sizeof(out), &len, err) ||
	    len != used || memcmp(out, data, used))
		abort();
	if (mu_manifest_parse(&m2, data, used, NULL, err) ||
	    memcmp(&m, &m2, sizeof(m)))
		abort();
	r = !mu_manifest_parse(&m2, data, size, NULL, err);
	if (r != (used == size))
		abort();
	if (mu_manifest_digest(&m, digest, err))
		abort();
	while ((r = mu_ext_next(m.ext, m.ext_len, &off, &type, &vlen, &val)) > 0)
		;
	if (r < 0 || off != m.ext_len)
		abort();
	if (mu_tree_init(&t, m.payload_size, err) || t.n_blocks < t.n_chunks)
		abort();
	return 0;
}
