/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Message lifetime, capacity and accessors.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "msg-private.h"
#include "util.h"

int bindox_msg_new(BindoxMsg **out)
{
	BindoxMsg *m;

	if (!out)
		return -EINVAL;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;

	*out = m;
	return 0;
}

BindoxMsg *bindox_msg_free(BindoxMsg *m)
{
	if (!m)
		return NULL;
	bindox_buffer_release(m->payload_buf);
	free(m->data);
	free(m->offsets);
	free(m);
	return NULL;
}

void bindox_msg_reset(BindoxMsg *m)
{
	if (!m)
		return;
	m->n_data = 0;
	m->n_offsets = 0;
	m->rpos = 0;
	m->robj = 0;
	m->type = 0;
	m->flags = 0;
	m->id = 0;
	m->cookie = 0;
	memset(&m->creds, 0, sizeof(m->creds));
	m->conn = NULL;
	bindox_buffer_release(m->payload_buf);
	m->payload_buf = NULL;
	m->payload_taken = false;
}

int bindox_msg_grow_data(BindoxMsg *m, size_t cap)
{
	uint8_t *p;

	if (cap > BINDOX_MAX_DATA_SIZE)
		return -EMSGSIZE;
	if (cap <= m->cap_data)
		return 0;

	p = realloc(m->data, cap);
	if (!p)
		return -ENOMEM;

	m->data = p;
	m->cap_data = cap;
	return 0;
}

int bindox_msg_grow_offsets(BindoxMsg *m, size_t cap)
{
	uint64_t *p;

	if (cap > BINDOX_MAX_OBJECTS)
		return -EMSGSIZE;
	if (cap <= m->cap_offsets)
		return 0;

	p = realloc(m->offsets, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;

	m->offsets = p;
	m->cap_offsets = cap;
	return 0;
}

int bindox_msg_reserve(BindoxMsg *m, size_t data_bytes, size_t n_objects)
{
	int r;

	if (!m || data_bytes > BINDOX_MAX_DATA_SIZE || n_objects > BINDOX_MAX_OBJECTS)
		return -EINVAL;

	r = bindox_msg_grow_data(m, data_bytes);
	if (r < 0)
		return r;
	return bindox_msg_grow_offsets(m, n_objects);
}

const void *bindox_msg_get_data(const BindoxMsg *m, size_t *size)
{
	if (size)
		*size = m ? m->n_data : 0;
	if (!m || m->n_data == 0)
		return NULL;
	return m->data;
}

size_t bindox_msg_get_n_objects(const BindoxMsg *m)
{
	return m ? m->n_offsets : 0;
}

uint32_t bindox_msg_get_type(const BindoxMsg *m)
{
	return m ? m->type : 0;
}

uint32_t bindox_msg_get_flags(const BindoxMsg *m)
{
	return m ? m->flags : 0;
}

uint64_t bindox_msg_get_id(const BindoxMsg *m)
{
	return m ? m->id : 0;
}

uint64_t bindox_msg_get_cookie(const BindoxMsg *m)
{
	return m ? m->cookie : 0;
}

int bindox_msg_get_creds(const BindoxMsg *m, BindoxCreds *out)
{
	if (!m || !out)
		return -EINVAL;
	*out = m->creds;
	return 0;
}
