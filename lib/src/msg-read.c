/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading messages through the cursor. Every read validates before it
 * moves the cursor, so a failed read leaves the message as it was.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "msg-private.h"
#include "util.h"

void bindox_msg_rewind(BindoxMsg *m)
{
	if (!m)
		return;
	m->rpos = 0;
	m->robj = 0;
}

/* May @n bytes be read at the cursor? Bounds, and no unread object hit. */
static int msg_check_data_read(const BindoxMsg *m, size_t n)
{
	if (m->rpos > m->n_data || n > m->n_data - m->rpos)
		return -EBADMSG;
	if (m->robj < m->n_offsets && n > 0 && m->rpos + n > m->offsets[m->robj])
		return -EBADMSG;
	return 0;
}

int bindox_msg_read_bytes(BindoxMsg *m, size_t n, const void **out)
{
	int r;

	if (!m || !out)
		return -EINVAL;

	r = msg_check_data_read(m, n);
	if (r < 0)
		return r;

	*out = m->data ? m->data + m->rpos : (const void *)"";
	m->rpos += n;
	return 0;
}

int bindox_msg_read_u32(BindoxMsg *m, uint32_t *out)
{
	const void *p;
	int r;

	if (!out)
		return -EINVAL;
	r = bindox_msg_read_bytes(m, sizeof(*out), &p);
	if (r < 0)
		return r;
	memcpy(out, p, sizeof(*out));
	return 0;
}

int bindox_msg_read_u64(BindoxMsg *m, uint64_t *out)
{
	const void *p;
	int r;

	if (!out)
		return -EINVAL;
	r = bindox_msg_read_bytes(m, sizeof(*out), &p);
	if (r < 0)
		return r;
	memcpy(out, p, sizeof(*out));
	return 0;
}

int bindox_msg_read_string(BindoxMsg *m, const char **out, size_t *len_out)
{
	uint32_t len;
	size_t saved;
	const void *p;
	int r;

	if (!m || !out)
		return -EINVAL;

	saved = m->rpos;
	r = bindox_msg_read_u32(m, &len);
	if (r < 0)
		return r;

	/* len bytes and the NUL; the limit check keeps len + 1 from wrapping. */
	if (len >= BINDOX_MAX_DATA_SIZE) {
		r = -EBADMSG;
		goto fail;
	}
	r = bindox_msg_read_bytes(m, (size_t)len + 1, &p);
	if (r < 0)
		goto fail;
	if (((const char *)p)[len] != '\0' || memchr(p, '\0', len)) {
		r = -EBADMSG;
		goto fail;
	}

	*out = p;
	if (len_out)
		*len_out = len;
	return 0;

fail:
	m->rpos = saved;
	return r;
}

/*
 * Nodes and handles have no flags and no size; a buffer has its mode
 * (exactly one of MOVE and SHARE), maybe WRITABLE, and its size once
 * delivered.
 */
static bool msg_object_valid(const struct bindox_object *obj)
{
	const uint32_t modes = BINDOX_BUF_MOVE | BINDOX_BUF_SHARE;

	switch (obj->type) {
	case BINDOX_OBJ_NODE:
	case BINDOX_OBJ_HANDLE:
		return obj->flags == 0 && obj->reserved == 0;
	case BINDOX_OBJ_BUFFER:
		return (obj->flags & ~(modes | BINDOX_BUF_WRITABLE)) == 0 &&
		       ((obj->flags & modes) == BINDOX_BUF_MOVE ||
			(obj->flags & modes) == BINDOX_BUF_SHARE);
	default:
		return false;
	}
}

/* Validate object @index of @m and copy it out; does not move the cursor. */
static int msg_object_at(const BindoxMsg *m, size_t index, struct bindox_object *out,
			 size_t *offset)
{
	struct bindox_object obj;
	uint64_t at;

	if (index >= m->n_offsets)
		return -EBADMSG;

	at = m->offsets[index];
	if (at % BINDOX_OBJECT_ALIGN != 0 || at > m->n_data || m->n_data - at < sizeof(obj))
		return -EBADMSG;

	memcpy(&obj, m->data + at, sizeof(obj));
	if (!msg_object_valid(&obj))
		return -EBADMSG;

	if (out)
		*out = obj;
	if (offset)
		*offset = (size_t)at;
	return 0;
}

int bindox_msg_get_object(const BindoxMsg *m, size_t index, struct bindox_object *out,
			  size_t *offset)
{
	if (!m || index >= m->n_offsets)
		return -EINVAL;
	return msg_object_at(m, index, out, offset);
}

int bindox_msg_read_object(BindoxMsg *m, struct bindox_object *out)
{
	struct bindox_object obj;
	size_t at;
	int r;

	if (!m || !out)
		return -EINVAL;
	if (m->rpos > m->n_data)
		return -EBADMSG;

	r = msg_object_at(m, m->robj, &obj, &at);
	if (r < 0)
		return r;
	if (at != UTIL_ALIGN8(m->rpos))
		return -EBADMSG;

	m->rpos = at + sizeof(obj);
	m->robj++;
	*out = obj;
	return 0;
}

int bindox_msg_read_handle(BindoxMsg *m, uint32_t *out)
{
	struct bindox_object obj;
	size_t rpos, robj;
	int r;

	if (!m || !out)
		return -EINVAL;

	rpos = m->rpos;
	robj = m->robj;
	r = bindox_msg_read_object(m, &obj);
	if (r < 0)
		return r;
	if (obj.type != BINDOX_OBJ_HANDLE || obj.value > UINT32_MAX) {
		m->rpos = rpos;
		m->robj = robj;
		return -EBADMSG;
	}

	*out = (uint32_t)obj.value;
	return 0;
}

int bindox_msg_read_node(BindoxMsg *m, uint64_t *out)
{
	struct bindox_object obj;
	size_t rpos, robj;
	int r;

	if (!m || !out)
		return -EINVAL;

	rpos = m->rpos;
	robj = m->robj;
	r = bindox_msg_read_object(m, &obj);
	if (r < 0)
		return r;
	if (obj.type != BINDOX_OBJ_NODE) {
		m->rpos = rpos;
		m->robj = robj;
		return -EBADMSG;
	}

	*out = obj.value;
	return 0;
}

int bindox_msg_read_end(const BindoxMsg *m)
{
	if (!m)
		return -EINVAL;
	if (m->rpos != m->n_data || m->robj != m->n_offsets)
		return -EBADMSG;
	return 0;
}
