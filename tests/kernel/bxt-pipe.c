/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pipes between a test and its children; see bxt.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include "bxt.h"

void bxt_pipe_ck(int p[2])
{
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
}

int bxt_put(int fd, uint64_t v)
{
	ssize_t n = write(fd, &v, sizeof(v));

	if (n < 0)
		return -errno;
	return n == sizeof(v) ? 0 : -EIO;
}

int bxt_get(int fd, uint64_t *v, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = read(fd, v, sizeof(*v));
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	return n == sizeof(*v) ? 0 : -EIO;
}

uint64_t bxt_get_ck(int fd)
{
	uint64_t v = 0;

	BXT_OK(bxt_get(fd, &v, BXT_LONG_MS));
	return v;
}
