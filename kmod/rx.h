/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup: the receive path.
 */
#ifndef _MESHUP_RX_H
#define _MESHUP_RX_H

void meshup_rx_init(void);
void meshup_rx_exit(void);

#endif /* _MESHUP_RX_H */
