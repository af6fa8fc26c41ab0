// SPDX-License-Identifier: GPL-2.0
/*
 * muparams - set the Trickle parameters of the meshup module in the current
 * network namespace (bench only: the upkeep figure needs short intervals to
 * reach steady state within minutes).  Built by bench/run against
 * build/libmeshup.a.
 *
 *   muparams IMIN_MS IMAX_DOUBLINGS K
 */
#include <stdio.h>
#include <stdlib.h>

#include "nl.h"

int main(int argc, char **argv)
{
	struct mu_nl_params p = { 0 };
	char err[MU_ERR_LEN];
	struct mu_nl *nl;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: muparams IMIN_MS IMAX_DOUBLINGS K\n");
		return 2;
	}
	p.imin_ms = (uint32_t)strtoul(argv[1], NULL, 10);
	p.imax_doublings = (uint32_t)strtoul(argv[2], NULL, 10);
	p.k = (uint32_t)strtoul(argv[3], NULL, 10);
	p.present = MU_NL_PARAM(MESHUP_PARAM_A_IMIN_MS) |
		    MU_NL_PARAM(MESHUP_PARAM_A_IMAX_DOUBLINGS) |
		    MU_NL_PARAM(MESHUP_PARAM_A_K);
	rc = mu_nl_open(&nl, NULL, NULL, err);
	if (rc < 0) {
		fprintf(stderr, "muparams: %s\n", err);
		return 1;
	}
	rc = mu_nl_set_params(nl, &p, err);
	mu_nl_close(nl);
	if (rc < 0) {
		fprintf(stderr, "muparams: %s\n", err);
		return 1;
	}
	return 0;
}
