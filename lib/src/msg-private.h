/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The message object, and the glue between it and the UAPI structures
 * (struct bindox_payload, struct bindox_message).
 *
 * Invariants: n_data <= cap_data <= BINDOX_MAX_DATA_SIZE and
 * n_offsets <= cap_offsets <= BINDOX_MAX_OBJECTS. The read cursor rpos never
 * exceeds n_data; robj counts objects read, and unread objects all start at
 * or after rpos in a well-formed message.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bindox.h>
#include <bindox/buffer.h>
#include <bindox/conn.h>
#include <bindox/msg.h>

struct BindoxMsg {
	uint8_t *data;
	size_t n_data;
	size_t cap_data;

	uint64_t *offsets;
	size_t n_offsets;
	size_t cap_offsets;

	size_t rpos;
	size_t robj;

	/* Header of a received message; zero for a built one. */
	uint32_t type;
	uint32_t flags;
	uint64_t id;
	uint64_t cookie;
	BindoxCreds creds;
	/* The connection a message was received on, for its buffers. */
	BindoxConn *conn;
	/*
	 * The buffer of a buffer payload, owned by the message: attached by
	 * bindox_msg_payload_reserve() or mapped by bindox_msg_get_payload();
	 * released by reset and free (payload.c).
	 */
	BindoxBuffer *payload_buf;
	/* bindox_msg_take_payload_buffer() took it: -EALREADY from then on. */
	bool payload_taken;
};

/* Grow the data buffer to hold at least @cap bytes (<= BINDOX_MAX_DATA_SIZE). */
int bindox_msg_grow_data(BindoxMsg *m, size_t cap);

/* Grow the offsets array to hold at least @cap entries (<= BINDOX_MAX_OBJECTS). */
int bindox_msg_grow_offsets(BindoxMsg *m, size_t cap);

/* Append an object: pad to 8 bytes, record the offset, write it. */
int bindox_msg_append_object(BindoxMsg *m, uint32_t type, uint32_t flags, uint64_t value);

/* Describe @m's content for sending. @m may be NULL: an empty payload. */
void bindox_msg_payload_for_send(const BindoxMsg *m, struct bindox_payload *p);

/* Prepare @hdr (zeroed) to receive into @m's current capacity. */
void bindox_msg_payload_for_recv(const BindoxMsg *m, struct bindox_message *hdr);

/*
 * After EMSGSIZE: grow @m to the sizes the driver reported in @needed.
 * Returns 0 if the capacity grew (retry), -EMSGSIZE if it cannot (sizes
 * beyond the UAPI limits, or not larger than what was offered), -ENOMEM.
 */
int bindox_msg_payload_grow(BindoxMsg *m, const struct bindox_payload *needed);

/*
 * Take over a delivered message: sizes, header, credentials; reset the
 * cursor. -EBADMSG if the driver reported more than was offered.
 */
int bindox_msg_payload_finish(BindoxMsg *m, const struct bindox_message *hdr);
