/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Coordinator's side of a call: decode the request, run the
 * Coordinator's operation for it, encode the answer.
 */

#include <errno.h>
#include <linux/bindox.h>
#include <bindox/coord.h>
#include <bindox/handle.h>

int bindox_coord_answer(BindoxConn *c, BindoxMsg *request, BindoxMsg *reply,
			const BindoxCoordOps *ops, void *userdata)
{
	char name[BINDOX_NAME_BUF_SIZE];
	uint32_t op, handle;
	int r;

	if (!c || !request || !reply || !ops || !ops->register_service ||
	    !ops->lookup_service || !ops->unregister_service)
		return -EINVAL;

	r = bindox_coord_request_parse(request, &op, name, sizeof(name), &handle);
	if (r < 0) {
		(void)bindox_msg_release_handles(c, request);
		return bindox_coord_reply_build(reply, -EBADMSG);
	}

	switch (op) {
	case BINDOX_COORD_REGISTER:
		r = ops->register_service(userdata, request, name, handle);
		break;
	case BINDOX_COORD_LOOKUP:
		r = ops->lookup_service(userdata, request, name, &handle);
		if (r == 0)
			return bindox_coord_reply_build_handle(reply, handle);
		break;
	case BINDOX_COORD_UNREGISTER:
		r = ops->unregister_service(userdata, request, name);
		break;
	default:
		/* bindox_coord_request_parse() knows no other op. */
		r = -EBADMSG;
		break;
	}
	return bindox_coord_reply_build(reply, r);
}
