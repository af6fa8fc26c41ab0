// SPDX-License-Identifier: GPL-2.0
/*
 * meshup: frame validation (PROTOCOL.md section 3).
 *
 * Everything here is a pure function over byte buffers, shared by the receive
 * path and MESHUP_CMD_SEND, and tested by KUnit (wire_test.c).
 */
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "wire.h"

/* Fixed parts of the bodies. */
#define MESHUP_BEACON_FIXED	sizeof(struct meshup_beacon)
#define MESHUP_ENTRY_LEN	sizeof(struct meshup_beacon_entry)
#define MESHUP_REQUEST_LEN	sizeof(struct meshup_request)
#define MESHUP_MANIFEST_FIXED	sizeof(struct meshup_manifest_hdr)
#define MESHUP_BLOCK_FIXED	sizeof(struct meshup_block_hdr)

static void meshup_wire_sizes(void)
{
	BUILD_BUG_ON(sizeof(struct meshup_hdr) != 8);
	BUILD_BUG_ON(sizeof(struct meshup_key) != MESHUP_KEY_LEN);
	BUILD_BUG_ON(sizeof(struct meshup_beacon_entry) != 24);
	BUILD_BUG_ON(sizeof(struct meshup_beacon) != 11);
	BUILD_BUG_ON(sizeof(struct meshup_request) != 36);
	BUILD_BUG_ON(sizeof(struct meshup_manifest_hdr) != 20);
	BUILD_BUG_ON(sizeof(struct meshup_block_hdr) != 24);
	BUILD_BUG_ON(MESHUP_BLOCK_FIXED + MESHUP_BLOCK_MAX != MESHUP_MAX_BODY);
	BUILD_BUG_ON(sizeof(struct meshup_hdr) + MESHUP_MAX_BODY !=
		     MESHUP_MIN_DATA_MTU);
}

static enum meshup_drop_reason meshup_check_body(u8 type, const u8 *body,
						 size_t len)
{
	const struct meshup_beacon *b;
	const struct meshup_request *r;

	switch (type) {
	case MESHUP_T_BEACON:
		if (len < MESHUP_BEACON_FIXED)
			return MESHUP_DROP_SHORT;
		b = (const struct meshup_beacon *)body;
		if (b->count > MESHUP_BEACON_MAX_ENTRIES)
			return MESHUP_DROP_BAD_FIELD;
		if (MESHUP_BEACON_FIXED + b->count * MESHUP_ENTRY_LEN > len)
			return MESHUP_DROP_BAD_LENGTH;
		return MESHUP_DROP_NONE;
	case MESHUP_T_REQUEST:
		if (len < MESHUP_REQUEST_LEN)
			return MESHUP_DROP_SHORT;
		r = (const struct meshup_request *)body;
		if (r->what != MESHUP_REQ_MANIFEST && r->what != MESHUP_REQ_BLOCKS)
			return MESHUP_DROP_BAD_FIELD;
		return MESHUP_DROP_NONE;
	case MESHUP_T_MANIFEST:
		if (len < MESHUP_MANIFEST_FIXED + 1)
			return MESHUP_DROP_SHORT;
		if (len > MESHUP_MANIFEST_FIXED + MESHUP_MANIFEST_MAX)
			return MESHUP_DROP_BAD_LENGTH;
		return MESHUP_DROP_NONE;
	case MESHUP_T_BLOCK:
		if (len < MESHUP_BLOCK_FIXED + 1)
			return MESHUP_DROP_SHORT;
		if (len > MESHUP_BLOCK_FIXED + MESHUP_BLOCK_MAX)
			return MESHUP_DROP_BAD_LENGTH;
		return MESHUP_DROP_NONE;
	default:
		return MESHUP_DROP_UNKNOWN_TYPE;
	}
}

/**
 * meshup_validate() - check a frame against PROTOCOL.md section 3
 * @frame: the bytes after the Ethernet header (common header first)
 * @len: how many bytes arrived; bytes past 8 + body_len are padding
 * @info: if not NULL, filled with type, version and body_len when the common
 *	header could be read
 *
 * The same function checks received frames and frames the helper asks to
 * send, so that the module never sends what it would refuse to take.
 *
 * Return: MESHUP_DROP_NONE if the frame is valid, else why it is not.
 */
enum meshup_drop_reason meshup_validate(const u8 *frame, size_t len,
					struct meshup_frame_info *info)
{
	const struct meshup_hdr *hdr = (const struct meshup_hdr *)frame;
	size_t body_len;

	meshup_wire_sizes();

	if (len < sizeof(*hdr))
		return MESHUP_DROP_SHORT;
	if (get_unaligned_be16(&hdr->magic) != MESHUP_MAGIC)
		return MESHUP_DROP_BAD_MAGIC;
	if (hdr->version == 0)
		return MESHUP_DROP_BAD_VERSION;
	body_len = get_unaligned_be16(&hdr->body_len);
	if (info) {
		info->type = hdr->type;
		info->version = hdr->version;
		info->body_len = body_len;
	}
	if (body_len > len - sizeof(*hdr))
		return MESHUP_DROP_BAD_LENGTH;
	return meshup_check_body(hdr->type, frame + sizeof(*hdr), body_len);
}

static unsigned int meshup_count_channel(const struct meshup_beacon_entry *e,
					 unsigned int n, const u8 *channel)
{
	unsigned int i, c = 0;

	for (i = 0; i < n; i++)
		if (!memcmp(e[i].key.channel_id, channel, 4))
			c++;
	return c;
}

static bool meshup_has_entry(const struct meshup_beacon_entry *e,
			     unsigned int n,
			     const struct meshup_beacon_entry *want)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!memcmp(&e[i], want, sizeof(*want)))
			return true;
	return false;
}

/**
 * meshup_entries_consistent() - Trickle consistency of a received advert
 * @ours: the entries we advertise
 * @n_ours: their number
 * @theirs: the entries of a received BEACON
 * @n_theirs: their number
 *
 * A received advert is inconsistent when, for a channel id we advertise, it
 * carries at least one entry and its set of entries for that channel differs
 * from ours (keys and blocks_held compared).  Channels it does not mention
 * and channels we do not advertise say nothing.
 *
 * Return: true if consistent.
 */
bool meshup_entries_consistent(const struct meshup_beacon_entry *ours,
			       unsigned int n_ours,
			       const struct meshup_beacon_entry *theirs,
			       unsigned int n_theirs)
{
	unsigned int i, j, mine, other;
	const u8 *ch;

	for (i = 0; i < n_ours; i++) {
		ch = ours[i].key.channel_id;
		/* Look at each channel once: skip if seen earlier in ours. */
		for (j = 0; j < i; j++)
			if (!memcmp(ours[j].key.channel_id, ch, 4))
				break;
		if (j < i)
			continue;
		other = meshup_count_channel(theirs, n_theirs, ch);
		if (!other)
			continue;
		mine = meshup_count_channel(ours, n_ours, ch);
		if (mine != other)
			return false;
		for (j = 0; j < n_theirs; j++)
			if (!memcmp(theirs[j].key.channel_id, ch, 4) &&
			    !meshup_has_entry(ours, n_ours, &theirs[j]))
				return false;
	}
	return true;
}

/**
 * meshup_drop_reason_str() - a short name for a drop reason (for extack)
 * @reason: enum meshup_drop_reason
 *
 * Return: a static string.
 */
const char *meshup_drop_reason_str(enum meshup_drop_reason reason)
{
	switch (reason) {
	case MESHUP_DROP_NONE:
		return "valid";
	case MESHUP_DROP_SHORT:
		return "frame shorter than the header or the type's fixed part";
	case MESHUP_DROP_BAD_MAGIC:
		return "bad magic";
	case MESHUP_DROP_BAD_VERSION:
		return "protocol version 0";
	case MESHUP_DROP_BAD_LENGTH:
		return "body length out of range or disagrees with contents";
	case MESHUP_DROP_UNKNOWN_TYPE:
		return "unknown frame type";
	case MESHUP_DROP_BAD_FIELD:
		return "field out of range";
	default:
		return "dropped";
	}
}
