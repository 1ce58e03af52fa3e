/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Payloads that choose inline data or a moved buffer by their size
 * (bindox/payload.h). Not to be confused with msg-payload.c, the glue to
 * the UAPI's struct bindox_payload.
 */

#include <errno.h>
#include <string.h>
#include <linux/bindox.h>
#include <bindox/payload.h>
#include "buffer-private.h"
#include "conn-private.h"
#include "msg-private.h"
#include "util.h"

enum {
	PAYLOAD_INLINE = 1,
	PAYLOAD_BUFFER = 2,
};

#define PAYLOAD_MARKER_SIZE 8U

/* The header as it sits at the start of the data (host order). */
typedef struct PayloadHeader {
	char marker[PAYLOAD_MARKER_SIZE];
	uint32_t kind;
	uint32_t zero;
	uint64_t size;
} PayloadHeader;

_Static_assert(sizeof(PayloadHeader) == BINDOX_PAYLOAD_HEADER_SIZE, "header layout");
_Static_assert(sizeof(BINDOX_PAYLOAD_MARKER) == PAYLOAD_MARKER_SIZE + 1, "marker length");
_Static_assert(BINDOX_PAYLOAD_HEADER_SIZE % BINDOX_OBJECT_ALIGN == 0, "payload alignment");
_Static_assert(BINDOX_PAYLOAD_BUFFER_MIN <= BINDOX_MAX_DATA_SIZE, "default in range");

int bindox_conn_set_payload_buffer_min(BindoxConn *c, size_t bytes)
{
	if (!c || bytes > BINDOX_MAX_DATA_SIZE)
		return -EINVAL;
	atomic_store_explicit(&c->payload_buffer_min, bytes, memory_order_relaxed);
	return 0;
}

size_t bindox_conn_get_payload_buffer_min(const BindoxConn *c)
{
	if (!c)
		return 0;
	/* C11 atomics take no const object: the load does not modify it. */
	return atomic_load_explicit((atomic_size_t *)&c->payload_buffer_min,
				    memory_order_relaxed);
}

static void payload_header_write(BindoxMsg *m, uint32_t kind, size_t size)
{
	PayloadHeader h = { .kind = kind, .size = size };

	memcpy(h.marker, BINDOX_PAYLOAD_MARKER, PAYLOAD_MARKER_SIZE);
	memcpy(m->data, &h, sizeof(h));
	m->n_data = sizeof(h);
}

static bool payload_goes_inline(BindoxConn *c, size_t size)
{
	if (size == 0)
		return true;
	return size < bindox_conn_get_payload_buffer_min(c) &&
	       size <= BINDOX_MAX_DATA_SIZE - BINDOX_PAYLOAD_HEADER_SIZE;
}

static bool payload_buffer_reusable(const BindoxBuffer *b, BindoxConn *c, size_t size)
{
	/* Only a buffer of @c: its id means nothing on another connection. */
	return b && bindox_buffer_writable(b) && bindox_buffer_data(b) &&
	       bindox_buffer_size(b) >= size && bindox_buffer_conn(b) == c;
}

static int payload_reserve_buffer(BindoxMsg *m, BindoxConn *c, size_t size,
				  BindoxBuffer **reuse, void **out)
{
	BindoxBuffer *b = NULL;
	bool reused = false;
	int r;

	r = bindox_msg_grow_data(m, BINDOX_PAYLOAD_HEADER_SIZE + sizeof(struct bindox_object));
	if (r < 0)
		return r;
	if (reuse && payload_buffer_reusable(*reuse, c, size)) {
		b = *reuse;
		reused = true;
	} else {
		r = bindox_buffer_alloc(c, size, &b);
		if (r < 0)
			return r;
	}

	payload_header_write(m, PAYLOAD_BUFFER, size);
	r = bindox_msg_append_buffer(m, b, BINDOX_BUFFER_MOVE);
	if (r < 0) {
		m->n_data = 0;
		if (!reused)
			bindox_buffer_release(b);
		return r;
	}
	if (reused)
		*reuse = NULL;
	m->payload_buf = b;
	*out = bindox_buffer_data(b);
	return 0;
}

int bindox_msg_payload_reserve(BindoxMsg *m, BindoxConn *c, size_t size, BindoxBuffer **reuse,
			       void **out)
{
	int r;

	if (!m || !c || !out)
		return -EINVAL;
	if (m->n_data > 0 || m->n_offsets > 0 || m->payload_buf)
		return -EBUSY;

	if (!payload_goes_inline(c, size))
		return payload_reserve_buffer(m, c, size, reuse, out);

	r = bindox_msg_grow_data(m, BINDOX_PAYLOAD_HEADER_SIZE + size);
	if (r < 0)
		return r;
	payload_header_write(m, PAYLOAD_INLINE, size);
	m->n_data += size;
	*out = m->data + BINDOX_PAYLOAD_HEADER_SIZE;
	return 0;
}

/*
 * Parse the header; for an inline payload check that its bytes are in the
 * data and no object overlaps them, for a buffer payload that object 0 is
 * the buffer right behind the header. -ENOMSG without the marker.
 */
static int payload_parse(const BindoxMsg *m, PayloadHeader *h)
{
	struct bindox_object obj;
	size_t end;
	int r;

	if (m->n_data < sizeof(*h) || memcmp(m->data, BINDOX_PAYLOAD_MARKER, PAYLOAD_MARKER_SIZE))
		return -ENOMSG;
	memcpy(h, m->data, sizeof(*h));
	if (h->zero != 0)
		return -EBADMSG;

	switch (h->kind) {
	case PAYLOAD_INLINE:
		if (h->size > m->n_data - sizeof(*h))
			return -EBADMSG;
		end = sizeof(*h) + (size_t)h->size;
		if (m->n_offsets > 0 && m->offsets[0] < end)
			return -EBADMSG;
		return 0;
	case PAYLOAD_BUFFER:
		if (m->n_offsets == 0 || m->offsets[0] != sizeof(*h))
			return -EBADMSG;
		r = bindox_msg_get_object(m, 0, &obj, NULL);
		if (r < 0)
			return r;
		return obj.type == BINDOX_OBJ_BUFFER ? 0 : -EBADMSG;
	default:
		return -EBADMSG;
	}
}

/* Map the buffer of a received buffer payload into m->payload_buf. */
static int payload_buffer_get(BindoxMsg *m, const PayloadHeader *h)
{
	BindoxBuffer *b = NULL;
	int r;

	if (m->payload_taken)
		return -EALREADY;
	if (!m->payload_buf) {
		r = bindox_msg_get_buffer(m, 0, &b);
		if (r < 0)
			return r;
		m->payload_buf = b;
	}
	/* The sender's word against the size the driver delivered. */
	if (h->size > bindox_buffer_size(m->payload_buf))
		return -EBADMSG;
	return 0;
}

int bindox_msg_get_payload(BindoxMsg *m, const void **data, size_t *size)
{
	PayloadHeader h;
	int r;

	if (!m || !data)
		return -EINVAL;
	r = payload_parse(m, &h);
	if (r < 0)
		return r;

	if (h.kind == PAYLOAD_INLINE) {
		*data = m->data + sizeof(h);
		m->rpos = sizeof(h) + (size_t)h.size;
		m->robj = 0;
	} else {
		r = payload_buffer_get(m, &h);
		if (r < 0)
			return r;
		*data = bindox_buffer_data(m->payload_buf);
		m->rpos = sizeof(h) + sizeof(struct bindox_object);
		m->robj = 1;
	}
	if (size)
		*size = (size_t)h.size;
	return 0;
}

int bindox_msg_take_payload_buffer(BindoxMsg *m, BindoxBuffer **out)
{
	PayloadHeader h;
	int r;

	if (!m || !out)
		return -EINVAL;
	r = payload_parse(m, &h);
	if (r < 0)
		return r;
	if (h.kind != PAYLOAD_BUFFER)
		return -ENODATA;
	r = payload_buffer_get(m, &h);
	if (r < 0)
		return r;
	*out = util_steal_ptr(&m->payload_buf);
	m->payload_taken = true;
	return 0;
}
