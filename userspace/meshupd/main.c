// SPDX-License-Identifier: GPL-2.0
/* meshupd - the meshup helper daemon (everything is in daemon.c). */
#include "meshupd.h"

int main(int argc, char **argv)
{
	return d_main(argc, argv);
}
