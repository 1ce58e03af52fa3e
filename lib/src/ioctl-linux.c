/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real driver backend: ioctl(2) on the device.
 */

#include <errno.h>
#include <sys/ioctl.h>
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
