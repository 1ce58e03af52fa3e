// SPDX-License-Identifier: GPL-2.0-or-later
/* tcp: a loopback TCP connection (TCP_NODELAY), the paper's TCP baseline. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "method.h"
#include "stream.h"

static int set_nodelay(int fd)
{
	int one = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ? -errno : 0;
}

static int tcp_listen(const MethodParams *p, MethodSide **out, char *addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd, r;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	snprintf(addr, ADDR_SIZE, "%u", ntohs(sa.sin_port));
	return stream_side_new(p, fd, -1, out);
}

static int tcp_accept(MethodSide *s)
{
	int r = stream_accept(s);

	return r < 0 ? r : set_nodelay(stream_fd(s));
}

static int tcp_connect(const MethodParams *p, const char *addr, MethodSide **out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, r;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)strtoul(addr, NULL, 10));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = set_nodelay(fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return stream_side_new(p, -1, fd, out);
}

static int tcp_serve(MethodSide *s, MessageFn fn, void *userdata)
{
	return serve_in_place(&method_tcp, s, fn, userdata);
}

const Method method_tcp = {
	.name = "tcp",
	.how = "loopback TCP (TCP_NODELAY): write() and read() of the whole buffer, "
	       "copied into and out of the kernel",
	.listen = tcp_listen,
	.accept = tcp_accept,
	.serve = tcp_serve,
	.connect = tcp_connect,
	.buffer = stream_buffer,
	.send = stream_send,
	.recv = stream_recv,
	.finish = stream_finish,
	.close = stream_close,
};
