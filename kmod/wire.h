/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup: frame validation (PROTOCOL.md section 3).
 */
#ifndef _MESHUP_WIRE_H
#define _MESHUP_WIRE_H

#include <linux/types.h>
#include <linux/meshup.h>

/**
 * struct meshup_frame_info - what meshup_validate() learnt about a frame
 * @type: enum meshup_frame_type
 * @version: the sender's protocol version
 * @body_len: bytes of body after the common header (padding excluded)
 */
struct meshup_frame_info {
	u8 type;
	u8 version;
	u16 body_len;
};

enum meshup_drop_reason meshup_validate(const u8 *frame, size_t len,
					struct meshup_frame_info *info);
bool meshup_entries_consistent(const struct meshup_beacon_entry *ours,
			       unsigned int n_ours,
			       const struct meshup_beacon_entry *theirs,
			       unsigned int n_theirs);
const char *meshup_drop_reason_str(enum meshup_drop_reason reason);

#endif /* _MESHUP_WIRE_H */
