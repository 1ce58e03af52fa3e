// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memfd: the best zero-copy pattern userspace has on its own. The client
 * creates a memfd of the message size; every message is a small UNIX
 * socket message carrying that descriptor (SCM_RIGHTS). Each side maps the
 * memfd once, when it first sees it, and reuses the mapping: a receiver
 * that gets a descriptor of the file it has mapped already (same device and
 * inode) just closes it. Both sides write the same pages; nothing enforces
 * that the sender keeps its hands off what it sent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "method.h"
#include "unixsock.h"
#include "util.h"

#define ACCEPT_TIMEOUT_MS 60000

struct MethodSide {
	int listen_fd;
	int sock;
	int memfd;		/* the mapped file */
	void *map;
	size_t size;
	dev_t dev;
	ino_t ino;
	uint64_t seq;		/* messages sent; the payload of each */
};

static int memfd_side_new(const MethodParams *p, MethodSide **out)
{
	MethodSide *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->listen_fd = s->sock = s->memfd = -1;
	s->size = p->size;
	*out = s;
	return 0;
}

/* Map @fd (taking it over) unless it is the file mapped already. */
static int memfd_adopt(MethodSide *s, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (s->map && st.st_dev == s->dev && st.st_ino == s->ino) {
		close(fd);
		return 0;
	}
	if ((size_t)st.st_size < s->size) {
		close(fd);
		return -EBADMSG;
	}
	if (s->map)
		(void)munmap(s->map, s->size);
	close_fd(&s->memfd);
	s->map = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s->map == MAP_FAILED) {
		int err = -errno;

		s->map = NULL;
		close(fd);
		return err;
	}
	s->memfd = fd;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return 0;
}

static int memfd_listen(const MethodParams *p, MethodSide **out, char *addr)
{
	MethodSide *s;
	int r;

	if (snprintf(addr, ADDR_SIZE, "%s/memfd.sock", p->run_dir) >= ADDR_SIZE)
		return -ENAMETOOLONG;
	r = memfd_side_new(p, &s);
	if (r < 0)
		return r;
	s->listen_fd = uds_listen_path(addr);
	if (s->listen_fd < 0) {
		r = s->listen_fd;
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

static int memfd_accept(MethodSide *s)
{
	s->sock = accept_one(&s->listen_fd, ACCEPT_TIMEOUT_MS);
	return s->sock < 0 ? s->sock : 0;
}

static void memfd_close(MethodSide *s);

static int memfd_connect(const MethodParams *p, const char *addr, MethodSide **out)
{
	MethodSide *s;
	int fd, r;

	r = memfd_side_new(p, &s);
	if (r < 0)
		return r;
	s->sock = uds_connect_path(addr);
	if (s->sock < 0) {
		r = s->sock;
		goto fail;
	}
	fd = memfd_create("ipcbench", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)p->size) < 0) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	r = memfd_adopt(s, fd);
	if (r < 0)
		goto fail;
	/* Allocate the pages now, as the other methods populate their buffers. */
	if (madvise(s->map, s->size, MADV_POPULATE_WRITE) < 0) {
		r = -errno;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	memfd_close(s);
	return r;
}

static void *memfd_buffer(MethodSide *s)
{
	return s->map;
}

static int memfd_send(MethodSide *s)
{
	s->seq++;
	return unix_send_fd(s->sock, &s->seq, sizeof(s->seq), s->memfd);
}

static int memfd_recv(MethodSide *s)
{
	uint64_t seq;
	int fd, r;

	r = unix_recv_fd(s->sock, &seq, sizeof(seq), &fd);
	if (r <= 0)
		return r;
	r = memfd_adopt(s, fd);
	return r < 0 ? r : 1;
}

static int memfd_finish(MethodSide *s)
{
	return shutdown(s->sock, SHUT_WR) < 0 ? -errno : 0;
}

static int memfd_serve(MethodSide *s, MessageFn fn, void *userdata)
{
	return serve_in_place(&method_memfd, s, fn, userdata);
}

static void memfd_close(MethodSide *s)
{
	if (!s)
		return;
	if (s->map)
		(void)munmap(s->map, s->size);
	close_fd(&s->memfd);
	close_fd(&s->sock);
	close_fd(&s->listen_fd);
	free(s);
}

const Method method_memfd = {
	.name = "memfd",
	.how = "one memfd shared by both sides, passed with SCM_RIGHTS in every message; "
	       "each side maps it once and reuses the mapping (no copy, no integrity)",
	.listen = memfd_listen,
	.accept = memfd_accept,
	.serve = memfd_serve,
	.connect = memfd_connect,
	.buffer = memfd_buffer,
	.send = memfd_send,
	.recv = memfd_recv,
	.finish = memfd_finish,
	.close = memfd_close,
};
