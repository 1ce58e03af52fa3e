/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_PAYLOAD_H
#define BINDOX_PAYLOAD_H

/**
 * DOC: payloads (inline or buffer, chosen by size)
 *
 * A payload is one block of bytes that a message carries, sent the
 * cheapest way for its size: small ones inline in the message's data
 * (copied by the driver), large ones in a &BindoxBuffer moved with the
 * message (not copied; the buffer costs an allocation and a mapping). The
 * sender asks for a writable area of N bytes with
 * bindox_msg_payload_reserve() and writes into it; the receiver gets a
 * pointer and the size with bindox_msg_get_payload() without caring which
 * way the bytes came.
 *
 * The choice: a payload of fewer than bindox_conn_get_payload_buffer_min()
 * bytes (BINDOX_PAYLOAD_BUFFER_MIN unless the connection was told
 * otherwise) travels inline, provided it fits in the message with its
 * header (at most BINDOX_MAX_DATA_SIZE - BINDOX_PAYLOAD_HEADER_SIZE bytes);
 * anything else goes in a buffer appended with BINDOX_BUFFER_MOVE. A
 * payload of 0 bytes is always inline.
 *
 * Encoding: the data starts with a header of BINDOX_PAYLOAD_HEADER_SIZE
 * (24) bytes: the 8 bytes BINDOX_PAYLOAD_MARKER (no NUL), a u32 kind (1
 * inline, 2 buffer), a u32 0 and the payload's size as a u64 (host order).
 * An inline payload's bytes follow the header; a buffer payload is the
 * message's first object, a BINDOX_OBJ_BUFFER right after the header. The
 * payload's bytes start 8-byte aligned in both cases. The marker is what
 * tells a payload from other data: do not start a message built with the
 * append calls with it.
 *
 * With the other calls: a payload must be the first thing in a message
 * (bindox_msg_payload_reserve() fails with -EBUSY on a message that holds
 * data or objects), and one message carries at most one. After it, the
 * append calls add data and objects as usual (a name, a handle, ...), and
 * the receiver reads them with the read calls after
 * bindox_msg_get_payload(), which leaves the cursor behind the payload.
 * Appending may move an inline payload: write it before appending
 * anything else, or get the pointer again with bindox_msg_get_payload().
 *
 * Lifetime of a buffer payload: the message owns the buffer. On the
 * sender's side it is moved away when the message is sent (from then on
 * any access to the area faults, see bindox_buffer(3)); on the receiver's
 * side bindox_msg_get_payload() maps it. bindox_msg_reset(),
 * bindox_msg_free() and receiving into the message release it, unless the
 * receiver took it with bindox_msg_take_payload_buffer() to keep it, or to
 * hand it to the next bindox_msg_payload_reserve() so that a reply (or the
 * next request) travels in the same memory without a new allocation. A
 * message holding a buffer payload must be reset or freed before its
 * connection is closed.
 *
 * The default threshold is where the size sweep of bench/README.md
 * measured a moved buffer's round trip to become faster than an inline
 * one (between 8 and 12 KiB in the test VM).
 */

#include <stddef.h>
#include <stdint.h>
#include <bindox/buffer.h>
#include <bindox/conn.h>
#include <bindox/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Default of the smallest payload that goes in a buffer: the crossover
 * measured by bench/README.md's size sweep (above).
 */
#define BINDOX_PAYLOAD_BUFFER_MIN (12U * 1024U)

/* The 8 bytes a payload message starts with, and the whole header's size. */
#define BINDOX_PAYLOAD_MARKER "BDXPAYLD"
#define BINDOX_PAYLOAD_HEADER_SIZE 24U

/**
 * bindox_conn_set_payload_buffer_min() - set where payloads switch to buffers
 * @c:		connection
 * @bytes:	payloads of at least this many bytes go in a buffer;
 *		0 .. BINDOX_MAX_DATA_SIZE (0: every non-empty payload)
 *
 * Applies to bindox_msg_payload_reserve() calls on @c from now on, in any
 * thread.
 *
 * Return: 0, or -EINVAL for NULL @c or @bytes above BINDOX_MAX_DATA_SIZE.
 */
int bindox_conn_set_payload_buffer_min(BindoxConn *c, size_t bytes);

/**
 * bindox_conn_get_payload_buffer_min() - where payloads switch to buffers
 * @c:	connection
 *
 * Return: the threshold of @c (BINDOX_PAYLOAD_BUFFER_MIN after
 * bindox_conn_open()), 0 for NULL.
 */
size_t bindox_conn_get_payload_buffer_min(const BindoxConn *c);

/**
 * bindox_msg_payload_reserve() - add a payload to an empty message
 * @m:		message without data or objects
 * @c:		the connection the message will be sent on
 * @size:	bytes of payload
 * @reuse:	NULL, or the address of a buffer pointer (which may be NULL)
 *		offered for a buffer payload: a writable buffer of @c with
 *		at least @size bytes is taken (*@reuse is set to NULL, the
 *		message owns it) instead of allocating one; otherwise
 *		*@reuse stays the caller's
 * @out:	where to write the @size bytes
 *
 * Writes the header and either makes room for the bytes in the message's
 * data or attaches a buffer (a new one, zeroed, or the one offered, with
 * its old content) with BINDOX_BUFFER_MOVE. The area is not cleared
 * otherwise: write all of it. Write it before the message is sent; a
 * buffer payload faults once it is.
 *
 * Return: 0; -EINVAL for NULL @m, @c or @out; -EBUSY if @m already holds
 * data or objects; -ENOMEM; the errors of bindox_buffer_alloc() (-EDQUOT,
 * -ENOSPC, ...). On failure @m stays empty and *@reuse the caller's.
 */
int bindox_msg_payload_reserve(BindoxMsg *m, BindoxConn *c, size_t size, BindoxBuffer **reuse,
			       void **out);

/**
 * bindox_msg_get_payload() - the payload of a message
 * @m:		a received message (or one built with
 *		bindox_msg_payload_reserve())
 * @data:	set to the payload's bytes (8-byte aligned; for 0 bytes a
 *		valid pointer to nothing)
 * @size:	set to its size, or NULL
 *
 * Maps a buffer payload the first time (the message keeps the buffer).
 * The pointer stays valid until the message is modified, reset, received
 * into or freed, or its buffer taken. Moves the read cursor behind the
 * payload, so that the read calls continue with what was appended after
 * it.
 *
 * Return: 0; -EINVAL for NULL arguments; -ENOMSG if the data does not
 * start with BINDOX_PAYLOAD_MARKER; -EBADMSG if the header, its size or
 * the buffer object is malformed; -EALREADY if the buffer was taken; the
 * errors of bindox_msg_get_buffer().
 */
int bindox_msg_get_payload(BindoxMsg *m, const void **data, size_t *size);

/**
 * bindox_msg_take_payload_buffer() - keep the buffer of a buffer payload
 * @m:		a message whose payload is in a buffer
 * @out:	the buffer, mapped; the caller owns it (release it with
 *		bindox_buffer_release(), or offer it to
 *		bindox_msg_payload_reserve())
 *
 * A moved buffer arrives writable. Its size is a multiple of the page
 * size; the payload's own size is what bindox_msg_get_payload() reports.
 * Afterwards the message no longer has a payload to get.
 *
 * Return: 0; -ENODATA if the payload is inline; -EALREADY if it was taken
 * already; otherwise as bindox_msg_get_payload().
 */
int bindox_msg_take_payload_buffer(BindoxMsg *m, BindoxBuffer **out);

#ifdef __cplusplus
}
#endif

#endif /* BINDOX_PAYLOAD_H */
