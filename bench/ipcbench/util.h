/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by the ipcbench methods and the orchestrator. */
#ifndef IPCBENCH_UTIL_H
#define IPCBENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

int64_t now_ns(void);

/*
 * Exactly @n bytes; read_full returns 1 when done, 0 at end of file first.
 * The _counted forms add the read()/write() calls they made to *@syscalls.
 */
int read_full_counted(int fd, void *buf, size_t n, uint64_t *syscalls);
int write_full_counted(int fd, const void *buf, size_t n, uint64_t *syscalls);

static inline int read_full(int fd, void *buf, size_t n)
{
	return read_full_counted(fd, buf, n, NULL);
}

static inline int write_full(int fd, const void *buf, size_t n)
{
	return write_full_counted(fd, buf, n, NULL);
}
void close_fd(int *fd);

/* A decimal number in [@min, @max] into *@out; -EINVAL otherwise. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* A size: 64, 4K, 128M, 1G (powers of 1024), at most 4 GiB; -EINVAL otherwise. */
int parse_size(const char *s, uint64_t *out);
/* 64 B, 4 KiB, 16 MiB: for tables. */
void format_size(uint64_t size, char *buf, size_t len);

/* Anonymous private memory, populated (faulted in) now; free with unmap_buffer. */
void *map_buffer(size_t size);
void unmap_buffer(void *p, size_t size);

/*
 * The benchmark's write: fill all @size bytes with the byte @tag; and its
 * check, of the first and last byte and one per MiB (all bytes of small
 * messages), so that checking does not read the whole buffer again.
 */
void fill_message(void *buf, size_t size, uint8_t tag);
bool check_message(const void *buf, size_t size, uint8_t tag);

/*
 * Tag of the client's message of exchange @i (odd), and of the server's
 * reply (even); never 0, which a method may use for its end marker.
 */
static inline uint8_t client_tag(uint64_t i)
{
	return (uint8_t)(2 * (i % 127) + 1);
}

static inline uint8_t server_tag(uint64_t i)
{
	return (uint8_t)(2 * (i % 127) + 2);
}

/* A UNIX socket address for @path; -ENAMETOOLONG if it does not fit. */
struct sockaddr_un;
int unix_addr(struct sockaddr_un *sa, const char *path);

/* Accept one connection on *@listen_fd (then closed); the socket or -errno. */
int accept_one(int *listen_fd, int timeout_ms);

/* Fail with -ETIMEDOUT after @timeout_ms, poll()ing @fd for @events. */
int wait_fd(int fd, short events, int timeout_ms);

#endif
