/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Coordinator protocol, client side: register, look up, unregister.
 */

#include <errno.h>
#include <string.h>
#include <linux/bindox.h>
#include <bindox/coord.h>
#include <bindox/handle.h>
#include <bindox/transact.h>
#include "msg-private.h"
#include "service-private.h"
#include "util.h"

UTIL_DEFINE_CLEANUP(BindoxMsg, bindox_msg_free)

/* Room for struct bindox_coord_reply plus one object, and some slack. */
#define SERVICE_REPLY_DATA_CAP 64U
#define SERVICE_REPLY_OBJECTS_CAP 1U

int service_transact(BindoxConn *c, uint32_t op, const char *name, uint64_t cookie,
		     uint32_t *handle_out, int64_t timeout_ns)
{
	_cleanup_(bindox_msg_freep) BindoxMsg *req = NULL;
	_cleanup_(bindox_msg_freep) BindoxMsg *reply = NULL;
	int status, r;

	if (!c || !name)
		return -EINVAL;

	r = bindox_msg_new(&req);
	if (r < 0)
		return r;
	r = bindox_coord_request_build(req, op, name, strlen(name), cookie);
	if (r < 0)
		return r;

	r = bindox_msg_new(&reply);
	if (r < 0)
		return r;
	r = bindox_msg_reserve(reply, SERVICE_REPLY_DATA_CAP, SERVICE_REPLY_OBJECTS_CAP);
	if (r < 0)
		return r;

	r = bindox_call(c, BINDOX_HANDLE_COORDINATOR, req, reply, timeout_ns);
	if (r < 0)
		return r;

	r = bindox_coord_reply_parse(reply, &status, handle_out);
	if (r < 0) {
		/* A reply we refuse may still carry handles: references we own. */
		(void)bindox_msg_release_handles(c, reply);
		return r;
	}
	return status;
}

int bindox_service_register(BindoxConn *c, const char *name, uint64_t cookie)
{
	return service_transact(c, BINDOX_COORD_REGISTER, name, cookie, NULL, -1);
}

int bindox_service_lookup(BindoxConn *c, const char *name, uint32_t *handle_out,
			  int64_t timeout_ns)
{
	if (!handle_out)
		return -EINVAL;
	return service_transact(c, BINDOX_COORD_LOOKUP, name, 0, handle_out, timeout_ns);
}

int bindox_service_unregister(BindoxConn *c, const char *name)
{
	return service_transact(c, BINDOX_COORD_UNREGISTER, name, 0, NULL, -1);
}
