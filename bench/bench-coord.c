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

/* What the Coordinator knows: the one service and how many LOOKUPs are still to come. */
typedef struct BenchCoord {
	BindoxConn *conn;
	const char *service_name;
	uint32_t service;	/* our handle to the server's node */
	unsigned int lookups_left;
} BenchCoord;

static int bench_coord_register(void *userdata, const BindoxMsg *request, const char *name,
				uint32_t handle)
{
	BenchCoord *bc = userdata;

	if (strcmp(name, bc->service_name) != 0 || bc->service != 0) {
		(void)bindox_handle_release(bc->conn, handle);
		return -EPERM;
	}
	bc->service = handle;
	return 0;
}

static int bench_coord_lookup(void *userdata, const BindoxMsg *request, const char *name,
			      uint32_t *handle)
{
	BenchCoord *bc = userdata;

	if (bc->lookups_left > 0)
		bc->lookups_left--;
	if (strcmp(name, bc->service_name) != 0 || bc->service == 0)
		return -ENOENT;
	*handle = bc->service;
	return 0;
}

static int bench_coord_unregister(void *userdata, const BindoxMsg *request, const char *name)
{
	return -EPERM;
}

static const BindoxCoordOps bench_coord_ops = {
	.register_service = bench_coord_register,
	.lookup_service = bench_coord_lookup,
	.unregister_service = bench_coord_unregister,
};

int bench_coordinator(const char *device, const char *service_name, unsigned int lookups,
		      int ctl)
{
	BenchCoord bc = { .service_name = service_name, .lookups_left = lookups };
	int32_t ready;
	BindoxMsg *req = NULL, *reply = NULL, *extra = NULL;
	bool pending = false;
	int r;

	r = bindox_conn_open(device, &bc.conn);
	if (r >= 0)
		r = bindox_conn_become_coordinator(bc.conn);
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

	while (r >= 0 && bc.lookups_left > 0) {
		if (pending) {
			/* bindox_reply() received the next message into @extra. */
			BindoxMsg *t = req;

			req = extra;
			extra = t;
			pending = false;
		} else {
			r = bindox_recv(bc.conn, req, SETUP_TIMEOUT_NS);
			if (r < 0)
				break;
		}
		if (bindox_msg_get_type(req) != BINDOX_MSG_CALL)
			continue;	/* a death notification or a one-way message */
		r = bindox_coord_answer(bc.conn, req, reply, &bench_coord_ops, &bc);
		if (r < 0)
			break;
		r = bindox_reply(bc.conn, bindox_msg_get_id(req), reply, extra);
		pending = r == 1;
	}
	bindox_msg_free(extra);
	bindox_msg_free(reply);
	bindox_msg_free(req);
	bindox_conn_close(bc.conn);
	return r < 0 ? r : 0;
}
