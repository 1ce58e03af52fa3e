// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared half of the tcp and uds methods: see stream.h. */
#define _GNU_SOURCE
#include "stream.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

#define ACCEPT_TIMEOUT_MS 60000

struct MethodSide {
	int listen_fd;
	int fd;
	uint8_t *buf;
	size_t size;
};

int stream_side_new(const MethodParams *p, int listen_fd, int conn_fd, MethodSide **out)
{
	MethodSide *s = calloc(1, sizeof(*s));

	if (!s) {
		if (listen_fd >= 0)
			close(listen_fd);
		if (conn_fd >= 0)
			close(conn_fd);
		return -ENOMEM;
	}
	s->listen_fd = listen_fd;
	s->fd = conn_fd;
	s->size = p->size;
	s->buf = map_buffer(p->size);
	if (!s->buf) {
		stream_close(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

int stream_accept(MethodSide *s)
{
	s->fd = accept_one(&s->listen_fd, ACCEPT_TIMEOUT_MS);
	return s->fd < 0 ? s->fd : 0;
}

int stream_fd(const MethodSide *s)
{
	return s->fd;
}

void *stream_buffer(MethodSide *s)
{
	return s->buf;
}

int stream_send(MethodSide *s)
{
	return write_full(s->fd, s->buf, s->size);
}

int stream_recv(MethodSide *s)
{
	return read_full(s->fd, s->buf, s->size);
}

int stream_finish(MethodSide *s)
{
	/* End of file tells the server. */
	return shutdown(s->fd, SHUT_WR) < 0 ? -errno : 0;
}

void stream_close(MethodSide *s)
{
	if (!s)
		return;
	close_fd(&s->listen_fd);
	close_fd(&s->fd);
	unmap_buffer(s->buf, s->size);
	free(s);
}
