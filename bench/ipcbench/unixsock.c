// SPDX-License-Identifier: GPL-2.0-or-later
/* UNIX stream sockets by path, and descriptor passing: see unixsock.h. */
#define _GNU_SOURCE
#include "unixsock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

/* A UNIX stream socket and the address of @path, or a negative errno. */
static int unix_socket(const char *path, struct sockaddr_un *sa)
{
	int fd, r = unix_addr(sa, path);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

int uds_listen_path(const char *path)
{
	struct sockaddr_un sa;
	int fd = unix_socket(path, &sa), r;

	if (fd < 0)
		return fd;
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int uds_connect_path(const char *path)
{
	struct sockaddr_un sa;
	int fd = unix_socket(path, &sa), r;

	if (fd < 0)
		return fd;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int unix_send_fd(int sock, const void *data, size_t size, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t r;

	memset(&u, 0, sizeof(u));
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return (size_t)r == size ? 0 : -EMSGSIZE;
}

int unix_recv_fd(int sock, void *data, size_t size, int *fd_out)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = data, .iov_len = size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t r;

	*fd_out = -1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd_out, CMSG_DATA(cm), sizeof(int));
	if (r == 0) {
		close_fd(fd_out);
		return 0;
	}
	if ((size_t)r != size || (mh.msg_flags & MSG_CTRUNC) || *fd_out < 0) {
		close_fd(fd_out);
		return -EBADMSG;
	}
	return 1;
}
