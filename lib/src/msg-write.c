/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building messages: appending data and objects.
 */

#include <errno.h>
#include <string.h>
#include "msg-private.h"
#include "util.h"

#define MSG_DATA_MIN_CAP 256U
#define MSG_OFFSETS_MIN_CAP 4U

/* Make room for @n more bytes; amortised doubling, capped at the UAPI limit. */
static int msg_data_make_room(BindoxMsg *m, size_t n)
{
	size_t need, cap;

	if (n > BINDOX_MAX_DATA_SIZE - m->n_data)
		return -EMSGSIZE;

	need = m->n_data + n;
	if (need <= m->cap_data)
		return 0;

	cap = UTIL_MAX(UTIL_MAX(need, (size_t)MSG_DATA_MIN_CAP), m->cap_data * 2);
	cap = UTIL_MIN(cap, (size_t)BINDOX_MAX_DATA_SIZE);
	return bindox_msg_grow_data(m, cap);
}

static int msg_offsets_make_room(BindoxMsg *m)
{
	size_t cap;

	if (m->n_offsets >= BINDOX_MAX_OBJECTS)
		return -EMSGSIZE;
	if (m->n_offsets < m->cap_offsets)
		return 0;

	cap = UTIL_MAX((size_t)MSG_OFFSETS_MIN_CAP, m->cap_offsets * 2);
	cap = UTIL_MIN(cap, (size_t)BINDOX_MAX_OBJECTS);
	return bindox_msg_grow_offsets(m, cap);
}

int bindox_msg_append_bytes(BindoxMsg *m, const void *p, size_t n)
{
	int r;

	if (!m || (!p && n > 0))
		return -EINVAL;
	if (n == 0)
		return 0;

	r = msg_data_make_room(m, n);
	if (r < 0)
		return r;

	memcpy(m->data + m->n_data, p, n);
	m->n_data += n;
	return 0;
}

int bindox_msg_append_u32(BindoxMsg *m, uint32_t v)
{
	return bindox_msg_append_bytes(m, &v, sizeof(v));
}

int bindox_msg_append_u64(BindoxMsg *m, uint64_t v)
{
	return bindox_msg_append_bytes(m, &v, sizeof(v));
}

int bindox_msg_append_string(BindoxMsg *m, const char *s)
{
	size_t len, old;
	uint32_t len32;
	int r;

	if (!m || !s)
		return -EINVAL;

	len = strlen(s);
	if (len > BINDOX_MAX_DATA_SIZE)
		return -EMSGSIZE;
	len32 = (uint32_t)len;

	/* All or nothing: check the room for the whole string first. */
	r = msg_data_make_room(m, sizeof(len32) + len + 1);
	if (r < 0)
		return r;

	old = m->n_data;
	memcpy(m->data + old, &len32, sizeof(len32));
	memcpy(m->data + old + sizeof(len32), s, len + 1);
	m->n_data = old + sizeof(len32) + len + 1;
	return 0;
}

int bindox_msg_append_object(BindoxMsg *m, uint32_t type, uint32_t flags, uint64_t value)
{
	struct bindox_object obj = { .type = type, .flags = flags, .value = value };
	size_t at, pad;
	int r;

	if (!m)
		return -EINVAL;

	at = UTIL_ALIGN8(m->n_data);
	pad = at - m->n_data;

	r = msg_offsets_make_room(m);
	if (r < 0)
		return r;
	r = msg_data_make_room(m, pad + sizeof(obj));
	if (r < 0)
		return r;

	memset(m->data + m->n_data, 0, pad);
	memcpy(m->data + at, &obj, sizeof(obj));
	m->n_data = at + sizeof(obj);
	m->offsets[m->n_offsets++] = at;
	return 0;
}

int bindox_msg_append_handle(BindoxMsg *m, uint32_t handle)
{
	return bindox_msg_append_object(m, BINDOX_OBJ_HANDLE, 0, handle);
}

int bindox_msg_append_node(BindoxMsg *m, uint64_t cookie)
{
	return bindox_msg_append_object(m, BINDOX_OBJ_NODE, 0, cookie);
}
