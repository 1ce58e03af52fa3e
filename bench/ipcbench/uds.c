// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uds: a UNIX stream socket, bound to a path in the run directory (the
 * client in its container reaches it through its copy of the mount tree).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "method.h"
#include "stream.h"
#include "unixsock.h"

static int uds_listen(const MethodParams *p, MethodSide **out, char *addr)
{
	int fd;

	if (snprintf(addr, ADDR_SIZE, "%s/uds.sock", p->run_dir) >= ADDR_SIZE)
		return -ENAMETOOLONG;
	fd = uds_listen_path(addr);
	if (fd < 0)
		return fd;
	return stream_side_new(p, fd, -1, out);
}

static int uds_connect(const MethodParams *p, const char *addr, MethodSide **out)
{
	int fd = uds_connect_path(addr);

	if (fd < 0)
		return fd;
	return stream_side_new(p, -1, fd, out);
}

static int uds_serve(MethodSide *s, MessageFn fn, void *userdata)
{
	return serve_in_place(&method_uds, s, fn, userdata);
}

const Method method_uds = {
	.name = "uds",
	.how = "UNIX stream socket: write() and read() of the whole buffer, "
	       "copied into and out of the kernel",
	.listen = uds_listen,
	.accept = stream_accept,
	.serve = uds_serve,
	.connect = uds_connect,
	.buffer = stream_buffer,
	.send = stream_send,
	.recv = stream_recv,
	.finish = stream_finish,
	.close = stream_close,
};
