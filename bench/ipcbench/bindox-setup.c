// SPDX-License-Identifier: GPL-2.0-or-later
/* Setting up bindox: see bindox-setup.h. */
#define _GNU_SOURCE
#include "bindox-setup.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "../bench-coord.h"
#include "child.h"
#include "util.h"

typedef struct CoordArg {
	const char *device, *service;
	unsigned int lookups;
} CoordArg;

static int coord_main(void *arg, int ctl)
{
	const CoordArg *a = arg;

	return bench_coordinator(a->device, a->service, a->lookups, ctl);
}

int bench_coordinator_start(const char *device, const char *service, unsigned int lookups,
			    pid_t *pid)
{
	CoordArg arg = { .device = device, .service = service, .lookups = lookups };
	int32_t status;
	int ctl, r;

	*pid = spawn_child(coord_main, &arg, NULL, &ctl);
	if (*pid < 0) {
		r = (int)*pid;
		*pid = -1;
		return r;
	}
	r = read_full(ctl, &status, sizeof(status));
	close(ctl);
	if (r <= 0)
		status = r < 0 ? r : -ECHILD;
	if (status == -EBUSY) {
		/* Another Coordinator runs: use that one. */
		(void)reap_child(pid, false);
		return 0;
	}
	if (status < 0)
		(void)reap_child(pid, true);
	return status;
}

int bindox_open_with_msgs(const char *device, size_t bytes, size_t handles,
			  BindoxConn **conn, BindoxMsg **out, BindoxMsg **in)
{
	int r;

	*conn = NULL;
	*out = NULL;
	*in = NULL;
	r = bindox_conn_open(device, conn);
	if (r >= 0)
		r = bindox_msg_new(out);
	if (r >= 0)
		r = bindox_msg_new(in);
	if (r >= 0)
		r = bindox_msg_reserve(*out, bytes, handles);
	if (r >= 0)
		r = bindox_msg_reserve(*in, bytes, handles);
	if (r < 0) {
		*in = bindox_msg_free(*in);
		*out = bindox_msg_free(*out);
		*conn = bindox_conn_close(*conn);
	}
	return r;
}
