/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Buffers (Mapping Delivery): allocating, mapping, attaching to messages,
 * taking received ones, releasing.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bindox.h>
#include <bindox/buffer.h>
#include "buffer-private.h"
#include "conn-private.h"
#include "msg-private.h"
#include "util.h"

_Static_assert(BINDOX_BUFFER_MOVE == BINDOX_BUF_MOVE, "MOVE is the UAPI flag");
_Static_assert(BINDOX_BUFFER_SHARE == BINDOX_BUF_SHARE, "SHARE is the UAPI flag");

struct BindoxBuffer {
	BindoxConn *conn;
	uint32_t id;
	bool writable;
	bool mapped_writable;	/* the mapping's protection */
	void *data;
	size_t size;
};

/* Map @b (id and writable set) with @size bytes from the driver. */
static int buffer_map(BindoxBuffer *b, uint64_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t offset;

	if (page <= 0 || size == 0 || size > SIZE_MAX)
		return -EOVERFLOW;
	offset = (uint64_t)b->id * (uint64_t)page;
	b->size = (size_t)size;
	b->mapped_writable = b->writable;
	return bindox_conn_mmap(b->conn->fd, b->size, offset, b->writable, &b->data);
}

/*
 * Map a buffer just received: a buffer that comes back takes over the
 * mapping it had when this connection moved it away (the driver checks
 * that it is the same buffer and that the old id gives no access), which
 * saves a new mapping and the unmapping of the old one; anything else is
 * mapped anew.
 */
static int buffer_map_received(BindoxBuffer *b, uint64_t size)
{
	BindoxConn *c = b->conn;
	BindoxBuffer *old;
	int r = -EINVAL;

	pthread_mutex_lock(&c->moved_lock);
	old = c->moved;
	if (old && old->data && old->size == size && old->mapped_writable == b->writable) {
		r = bindox_conn_remap(c->fd, b->id, old->data, old->size, b->writable);
		if (r == 0) {
			b->data = old->data;
			b->size = old->size;
			b->mapped_writable = old->mapped_writable;
			old->data = NULL;	/* its release must not unmap it */
			c->moved = NULL;
		}
	}
	pthread_mutex_unlock(&c->moved_lock);
	return r == 0 ? 0 : buffer_map(b, size);
}

/* Drop the id @id of connection @c; nothing to report if it fails. */
static void buffer_release_id(BindoxConn *c, uint32_t id)
{
	struct bindox_buffer_info args = { .id = id };

	(void)bindox_conn_ioctl(c->fd, BINDOX_IOC_BUFFER_RELEASE, &args);
}

int bindox_buffer_alloc(BindoxConn *c, size_t size, BindoxBuffer **out)
{
	struct bindox_buffer_alloc args = { .size = size };
	_cleanup_free_ BindoxBuffer *b = NULL;
	int r;

	if (!c || !out || size == 0)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;

	r = bindox_conn_ioctl(c->fd, BINDOX_IOC_BUFFER_ALLOC, &args);
	if (r < 0)
		return r;
	b->conn = c;
	b->id = args.id;
	b->writable = true;
	r = buffer_map(b, args.size);
	if (r < 0) {
		buffer_release_id(c, args.id);
		return r;
	}
	*out = util_steal_ptr(&b);
	return 0;
}

void *bindox_buffer_data(const BindoxBuffer *b)
{
	return b ? b->data : NULL;
}

size_t bindox_buffer_size(const BindoxBuffer *b)
{
	return b ? b->size : 0;
}

bool bindox_buffer_writable(const BindoxBuffer *b)
{
	return b && b->writable;
}

uint32_t bindox_buffer_id(const BindoxBuffer *b)
{
	return b ? b->id : 0;
}

BindoxConn *bindox_buffer_conn(const BindoxBuffer *b)
{
	return b ? b->conn : NULL;
}

int bindox_msg_append_buffer(BindoxMsg *m, BindoxBuffer *b, uint32_t mode)
{
	int r;

	if (!m || !b || (mode != BINDOX_BUFFER_MOVE && mode != BINDOX_BUFFER_SHARE))
		return -EINVAL;
	r = bindox_msg_append_object(m, BINDOX_OBJ_BUFFER, mode, b->id);
	if (r < 0)
		return r;
	b->writable = false;
	if (mode == BINDOX_BUFFER_MOVE) {
		pthread_mutex_lock(&b->conn->moved_lock);
		b->conn->moved = b;
		pthread_mutex_unlock(&b->conn->moved_lock);
	}
	return 0;
}

int bindox_msg_get_buffer(BindoxMsg *m, size_t object_index, BindoxBuffer **out)
{
	_cleanup_free_ BindoxBuffer *b = NULL;
	struct bindox_object obj;
	size_t at;
	int r;

	if (!m || !out || !m->conn)
		return -EINVAL;
	r = bindox_msg_get_object(m, object_index, &obj, &at);
	if (r < 0)
		return r;
	if (obj.type != BINDOX_OBJ_BUFFER || obj.value > UINT32_MAX)
		return -EBADMSG;
	if (obj.value == 0)
		return -EALREADY;

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->conn = m->conn;
	b->id = (uint32_t)obj.value;
	b->writable = obj.flags & BINDOX_BUF_WRITABLE;
	r = buffer_map_received(b, obj.size);
	if (r < 0)
		return r;

	/* Taken: id 0 marks it, so that no second buffer owns the same id. */
	obj.value = 0;
	memcpy(m->data + at, &obj, sizeof(obj));
	*out = util_steal_ptr(&b);
	return 0;
}

void bindox_buffer_release(BindoxBuffer *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->conn->moved_lock);
	if (b->conn->moved == b)
		b->conn->moved = NULL;
	pthread_mutex_unlock(&b->conn->moved_lock);
	if (b->data)
		bindox_conn_munmap(b->data, b->size);
	buffer_release_id(b->conn, b->id);
	free(b);
}
