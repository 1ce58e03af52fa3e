/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real driver backend: ioctl(2) and mmap(2) on the device.
 */

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include "conn-private.h"

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
	*out = p;
	return 0;
}

void bindox_conn_munmap(void *p, size_t size)
{
	(void)munmap(p, size);
}
