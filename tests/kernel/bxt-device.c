/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening the device, raw ioctls and device nodes for the in-guest kernel
 * tests; see bxt.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bxt.h"

int bxt_try_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int bxt_open_ck(void)
{
	int fd = bxt_try_open(BXT_DEVICE);

	ck_assert_msg(fd >= 0, "open " BXT_DEVICE ": %s", bxt_errname(fd));
	return fd;
}

BindoxConn *bxt_conn_ck(void)
{
	BindoxConn *c = NULL;

	BXT_OK(bindox_conn_open(BXT_DEVICE, &c));
	return c;
}

int bxt_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) < 0 ? -errno : 0;
}

int bxt_claim(int fd)
{
	__u64 flags = 0;

	return bxt_ioctl(fd, BINDOX_IOC_SET_COORDINATOR, &flags);
}

void bxt_world_node_ck(char *path)
{
	static unsigned int n;
	struct stat st;

	ck_assert_int_eq(stat(BXT_DEVICE, &st), 0);
	snprintf(path, 64, "/dev/bxt-world-%d-%u", (int)getpid(), n++);
	unlink(path);
	ck_assert_msg(mknod(path, S_IFCHR | 0600, st.st_rdev) == 0, "mknod %s: %s", path,
		      bxt_errname(errno));
	ck_assert_int_eq(chmod(path, 0666), 0);
}

bool bxt_is_bindox_fd(int fd)
{
	static dev_t rdev;
	static bool have;
	struct stat st;

	if (!have) {
		if (stat(BXT_DEVICE, &st) < 0)
			return false;
		rdev = st.st_rdev;
		have = true;
	}
	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == rdev;
}
