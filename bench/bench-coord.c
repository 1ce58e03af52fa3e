// SPDX-License-Identifier: GPL-2.0-or-later
/* A minimal Coordinator for the benchmarks: see bench-coord.h. */
#define _GNU_SOURCE
#include "bench-coord.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <bindox/bindox.h>

/* Setup steps must not hang a benchmark. */
#define SETUP_TIMEOUT_NS (30LL * 1000 * 1000 * 1000)

int bench_coordinator(const char *device, const char *service_name, int ctl)
{
	int32_t ready;
	BindoxConn *conn = NULL;
	BindoxMsg *req = NULL, *reply = NULL, *extra = NULL;
	char name[BINDOX_NAME_BUF_SIZE];
	uint32_t service = 0;	/* our handle to the server's node */
	bool looked_up = false, pending = false;
	int r;

	r = bindox_conn_open(device, &conn);
	if (r >= 0)
		r = bindox_conn_become_coordinator(conn);
	if (r >= 0)
		r = bindox_msg_new(&req);
	if (r >= 0)
		r = bindox_msg_new(&reply);
	if (r >= 0)
		r = bindox_msg_new(&extra);
	if (r >= 0)
		r = bindox_msg_reserve(req, 512, 4);
	ready = r < 0 ? r : 0;
	if (write(ctl, &ready, sizeof(ready)) != sizeof(ready) && r >= 0)
		r = -EPIPE;

	while (r >= 0 && !looked_up) {
		uint32_t op, handle = 0;
		int status = 0;

		if (pending) {
			/* bindox_reply() received the next message into @extra. */
			BindoxMsg *t = req;

			req = extra;
			extra = t;
			pending = false;
		} else {
			r = bindox_recv(conn, req, SETUP_TIMEOUT_NS);
			if (r < 0)
				break;
		}
		if (bindox_msg_get_type(req) != BINDOX_MSG_CALL)
			continue;	/* a death notification or a one-way message */
		if (bindox_coord_request_parse(req, &op, name, sizeof(name), &handle) < 0) {
			status = -EBADMSG;
			op = 0;
		}
		switch (op) {
		case BINDOX_COORD_REGISTER:
			if (strcmp(name, service_name) != 0 || service != 0) {
				status = -EPERM;
				(void)bindox_handle_release(conn, handle);
			} else {
				service = handle;
			}
			break;
		case BINDOX_COORD_LOOKUP:
			looked_up = true;
			if (strcmp(name, service_name) != 0 || service == 0)
				status = -ENOENT;
			break;
		case BINDOX_COORD_UNREGISTER:
			status = -EPERM;
			break;
		default:
			break;
		}
		if (op == BINDOX_COORD_LOOKUP && status == 0)
			r = bindox_coord_reply_build_handle(reply, service);
		else
			r = bindox_coord_reply_build(reply, status);
		if (r < 0)
			break;
		r = bindox_reply(conn, bindox_msg_get_id(req), reply, extra);
		pending = r == 1;
	}
	bindox_msg_free(extra);
	bindox_msg_free(reply);
	bindox_msg_free(req);
	bindox_conn_close(conn);
	return r < 0 ? r : 0;
}
