// SPDX-License-Identifier: GPL-2.0-or-later
/* Small helpers shared by the ipcbench methods and the orchestrator. */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CHECK_STRIDE (1024U * 1024U)
#define CHECK_ALL_MAX (64U * 1024U)

int64_t now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (uint8_t *)buf + got, n - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return got == 0 ? 0 : -EPIPE;
		got += (size_t)r;
	}
	return 1;
}

int write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(fd, (const uint8_t *)buf + done, n - done);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)r;
	}
	return 0;
}

void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void *map_buffer(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void unmap_buffer(void *p, size_t size)
{
	if (p)
		(void)munmap(p, size);
}

void fill_message(void *buf, size_t size, uint8_t tag)
{
	memset(buf, tag, size);
}

bool check_message(const void *buf, size_t size, uint8_t tag)
{
	const uint8_t *b = buf;
	size_t i, step = size <= CHECK_ALL_MAX ? 1 : CHECK_STRIDE;

	if (size == 0)
		return true;
	for (i = 0; i < size; i += step)
		if (b[i] != tag)
			return false;
	return b[size - 1] == tag;
}

int unix_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		int r = poll(&pfd, 1, timeout_ms);

		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

int accept_one(int *listen_fd, int timeout_ms)
{
	int fd, r = wait_fd(*listen_fd, POLLIN, timeout_ms);

	if (r < 0)
		return r;
	fd = accept4(*listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	close_fd(listen_fd);
	return fd;
}
