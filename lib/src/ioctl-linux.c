/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real driver backend: ioctl(2) and mmap(2) on the device.
 */

/* madvise(2) is not in POSIX; glibc, musl and bionic all have it. */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/bindox.h>
#include "conn-private.h"

/* Linux 5.14; older C libraries do not name them. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int bindox_conn_ioctl(int fd, unsigned long request, void *arg)
{
	/*
	 * glibc declares ioctl(int, unsigned long, ...), musl and bionic
	 * ioctl(int, int, ...). Passing a variable (rather than the constant,
	 * which does not fit an int) works with both without a warning; the
	 * kernel only looks at the low 32 bits.
	 */
	if (ioctl(fd, request, arg) < 0)
		return -errno;
	return 0;
}

/* The older way: mmap(2), then fill the page tables with madvise(2). */
static int map_with_mmap(int fd, size_t size, uint64_t offset, bool writable, void **out)
{
	void *p;

	/* off_t is signed, and 32 bits wide without large file support. */
	if (offset > (uint64_t)(sizeof(off_t) == 8 ? INT64_MAX : INT32_MAX))
		return -EOVERFLOW;
	p = mmap(NULL, size, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd,
		 (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	/* Only an optimisation: a kernel without it (EINVAL) faults later. */
	(void)madvise(p, size, writable ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
	*out = p;
	return 0;
}

int bindox_conn_mmap(int fd, size_t size, uint64_t offset, bool writable, void **out)
{
	long page = sysconf(_SC_PAGESIZE);
	struct bindox_buffer_map_args args = {
		.flags = writable ? BINDOX_MAP_WRITE : 0,
		.size = size,
	};
	int r;

	if (page <= 0 || offset % (uint64_t)page || offset / (uint64_t)page > UINT32_MAX)
		return -EINVAL;
	/*
	 * The driver maps the buffer and fills its page tables in one call: a
	 * received buffer is about to be used, and its mappings are the
	 * driver's own (mmap(2) maps them too, but madvise() cannot fill them).
	 */
	args.id = (uint32_t)(offset / (uint64_t)page);
	r = bindox_conn_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &args);
	if (r == -ENOTTY)	/* a driver older than BINDOX_IOC_BUFFER_MAP */
		return map_with_mmap(fd, size, offset, writable, out);
	if (r < 0)
		return r;
	*out = (void *)(uintptr_t)args.addr;
	return 0;
}

int bindox_conn_remap(int fd, uint32_t id, void *addr, size_t size, bool writable)
{
	struct bindox_buffer_map_args args = {
		.id = id,
		.flags = BINDOX_MAP_REUSE | (writable ? BINDOX_MAP_WRITE : 0),
		.size = size,
		.addr = (uint64_t)(uintptr_t)addr,
	};

	return bindox_conn_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &args);
}

void bindox_conn_munmap(void *p, size_t size)
{
	(void)munmap(p, size);
}
