// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whole reads and writes on a stream socket (sock-io.h).
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "sock-io.h"

int sock_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		/* MSG_NOSIGNAL: a client that went away is an error, not SIGPIPE. */
		ssize_t k = send(fd, c, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

int sock_read_all(int fd, void *p, size_t n)
{
	char *c = p;

	while (n) {
		ssize_t k = recv(fd, c, n, MSG_WAITALL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return -ECONNRESET;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}
