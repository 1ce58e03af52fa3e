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

int bindox_conn_mmap(int fd, size_t size, uint64_t offset, bool writable, void **out)
{
	void *p;

	/* off_t is signed, and 32 bits wide without large file support. */
	if (offset > (uint64_t)(sizeof(off_t) == 8 ? INT64_MAX : INT32_MAX))
		return -EOVERFLOW;
	p = mmap(NULL, size, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd,
		 (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	/*
	 * Fill the page tables now, in one call, rather than with a fault per
	 * huge page on first touch: a received buffer is about to be used.
	 * Only an optimisation: a kernel without it (EINVAL) faults later.
	 */
	(void)madvise(p, size, writable ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
	*out = p;
	return 0;
}

void bindox_conn_munmap(void *p, size_t size)
{
	(void)munmap(p, size);
}
