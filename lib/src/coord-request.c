/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Coordinator protocol requests: encoding (clients) and decoding (the
 * Coordinator). Layout: struct bindox_coord_request, the name, and for
 * REGISTER one node object at the next 8-byte boundary.
 */

#include <errno.h>
#include <string.h>
#include <linux/bindox.h>
#include <bindox/coord.h>
#include "msg-private.h"

static int coord_op_is_valid(uint32_t op)
{
	return op == BINDOX_COORD_REGISTER || op == BINDOX_COORD_LOOKUP ||
	       op == BINDOX_COORD_UNREGISTER;
}

int bindox_coord_request_build(BindoxMsg *m, uint32_t op, const char *name, size_t name_len,
			       uint64_t cookie)
{
	struct bindox_coord_request hdr = { 0 };
	int r;

	if (!m || !coord_op_is_valid(op))
		return -EINVAL;
	r = bindox_service_name_validate(name, name_len);
	if (r < 0)
		return r;

	bindox_msg_reset(m);

	hdr.op = op;
	hdr.name_len = (__u32)name_len;
	r = bindox_msg_append_bytes(m, &hdr, sizeof(hdr));
	if (r < 0)
		goto fail;
	r = bindox_msg_append_bytes(m, name, name_len);
	if (r < 0)
		goto fail;
	if (op == BINDOX_COORD_REGISTER) {
		r = bindox_msg_append_node(m, cookie);
		if (r < 0)
			goto fail;
	}
	return 0;

fail:
	bindox_msg_reset(m);
	return r;
}

int bindox_coord_request_parse(BindoxMsg *m, uint32_t *op, char *name_buf, size_t name_buf_size,
			       uint32_t *node_handle)
{
	struct bindox_coord_request hdr;
	uint32_t handle = 0;
	const void *p;
	int r;

	if (!m || !op || !name_buf || !node_handle)
		return -EINVAL;

	bindox_msg_rewind(m);

	r = bindox_msg_read_bytes(m, sizeof(hdr), &p);
	if (r < 0)
		return r;
	memcpy(&hdr, p, sizeof(hdr));
	if (!coord_op_is_valid(hdr.op) || hdr.name_len == 0 || hdr.name_len > BINDOX_NAME_MAX)
		return -EBADMSG;

	r = bindox_msg_read_bytes(m, hdr.name_len, &p);
	if (r < 0)
		return r;
	if (bindox_service_name_validate(p, hdr.name_len) < 0)
		return -EBADMSG;
	if (name_buf_size <= hdr.name_len)
		return -ENOBUFS;

	if (hdr.op == BINDOX_COORD_REGISTER) {
		r = bindox_msg_read_handle(m, &handle);
		if (r < 0)
			return r;
	}

	r = bindox_msg_read_end(m);
	if (r < 0)
		return r;

	memcpy(name_buf, p, hdr.name_len);
	name_buf[hdr.name_len] = '\0';
	*op = hdr.op;
	*node_handle = handle;
	return 0;
}
