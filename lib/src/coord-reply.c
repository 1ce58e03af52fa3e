/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Coordinator protocol replies: struct bindox_coord_reply, then for a
 * successful LOOKUP one handle object (at offset 8, already aligned).
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/bindox.h>
#include <bindox/coord.h>
#include "msg-private.h"

/* Largest errno value; anything below -COORD_ERRNO_MAX is not an errno. */
#define COORD_ERRNO_MAX 4095

static int coord_reply_build(BindoxMsg *reply, int status, int with_handle, uint32_t handle)
{
	struct bindox_coord_reply hdr = { 0 };
	int r;

	if (!reply || status > 0 || status < -COORD_ERRNO_MAX)
		return -EINVAL;

	bindox_msg_reset(reply);

	hdr.status = status;
	r = bindox_msg_append_bytes(reply, &hdr, sizeof(hdr));
	if (r >= 0 && with_handle)
		r = bindox_msg_append_handle(reply, handle);
	if (r < 0)
		bindox_msg_reset(reply);
	return r;
}

int bindox_coord_reply_build(BindoxMsg *reply, int status)
{
	return coord_reply_build(reply, status, 0, 0);
}

int bindox_coord_reply_build_handle(BindoxMsg *reply, uint32_t handle)
{
	return coord_reply_build(reply, 0, 1, handle);
}

int bindox_coord_reply_parse(BindoxMsg *reply, int *status, uint32_t *handle_out)
{
	struct bindox_coord_reply hdr;
	struct bindox_object obj;
	bool own_node = false;
	uint32_t handle = 0;
	const void *p;
	int r;

	if (!reply || !status)
		return -EINVAL;

	bindox_msg_rewind(reply);

	r = bindox_msg_read_bytes(reply, sizeof(hdr), &p);
	if (r < 0)
		return r;
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.status > 0 || hdr.status < -COORD_ERRNO_MAX || hdr.reserved != 0)
		return -EBADMSG;

	if (hdr.status == 0 && handle_out) {
		r = bindox_msg_read_object(reply, &obj);
		if (r < 0)
			return r;
		if (obj.type == BINDOX_OBJ_NODE)
			own_node = true;	/* the caller's own node came back */
		else if (obj.value > UINT32_MAX)
			return -EBADMSG;
		else
			handle = (uint32_t)obj.value;
	}

	r = bindox_msg_read_end(reply);
	if (r < 0)
		return r;
	if (own_node)
		return -ELOOP;

	*status = hdr.status;
	if (handle_out && hdr.status == 0)
		*handle_out = handle;
	return 0;
}
