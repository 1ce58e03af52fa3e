// SPDX-License-Identifier: GPL-2.0-or-later
/* Small helpers shared by the ipcbench methods and the orchestrator. */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
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

int read_full_counted(int fd, void *buf, size_t n, uint64_t *syscalls)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (uint8_t *)buf + got, n - got);

		if (syscalls)
			(*syscalls)++;
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

int write_full_counted(int fd, const void *buf, size_t n, uint64_t *syscalls)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(fd, (const uint8_t *)buf + done, n - done);

		if (syscalls)
			(*syscalls)++;
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

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* 64, 4K, 128M, 1G (powers of 1024). */
int parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t len = strlen(s);
	unsigned int shift = 0;

	if (len == 0 || len >= sizeof(num))
		return -EINVAL;
	strcpy(num, s);
	switch (num[len - 1]) {
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	default: break;
	}
	if (shift)
		num[len - 1] = '\0';
	if (parse_u64(num, 1, 1ULL << 34, out) < 0)
		return -EINVAL;
	*out <<= shift;
	return *out <= (4ULL << 30) ? 0 : -EINVAL;
}

/* 64 B, 4 KiB, 16 MiB: the largest power of 1024 that divides @size. */
void format_size(uint64_t size, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB" };
	unsigned int u = 0;

	while (u < 3 && size >= 1024 && size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)size, units[u]);
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

/*
 * A plain loop of 8-byte stores, not memset(): glibc's memset uses "rep
 * stosb" for large sizes, which QEMU's TCG (the test VM) emulates about ten
 * times slower than plain stores (128 MiB: ~700 ms against ~70 ms), and the
 * write is meant to cost what writing memory costs. volatile keeps the
 * compiler from turning the loop back into a memset() call.
 */
void fill_message(void *buf, size_t size, uint8_t tag)
{
	uint8_t *b = buf;
	uint64_t v = 0x0101010101010101ULL * tag;
	volatile uint64_t *w;
	size_t i = 0, n;

	for (; i < size && ((uintptr_t)(b + i) & 7U); i++)
		((volatile uint8_t *)b)[i] = tag;
	w = (volatile uint64_t *)(void *)(b + i);
	n = (size - i) / 8;
	for (size_t k = 0; k < n; k++)
		w[k] = v;
	for (i += n * 8; i < size; i++)
		((volatile uint8_t *)b)[i] = tag;
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
