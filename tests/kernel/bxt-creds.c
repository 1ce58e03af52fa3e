/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Credentials of the in-guest kernel tests: capabilities, uid and gid,
 * leaving and re-entering the guest's chroot; see bxt.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bxt.h"

int bxt_cap_effective(int cap, bool on)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	if (on)
		data[cap / 32].effective |= 1U << (cap % 32);
	else
		data[cap / 32].effective &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

int bxt_become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return -errno;
	return 0;
}

int bxt_unchroot(int *old_root)
{
	char dir[64];
	int i;

	*old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*old_root < 0)
		return -errno;
	/* chroot into a subdirectory while the cwd stays above it, then climb. */
	snprintf(dir, sizeof(dir), "/tmp/bxt-unchroot-%d", (int)getpid());
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || chdir("/") < 0 || chroot(dir) < 0)
		return -errno;
	for (i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return -errno;
	if (chroot(".") < 0)
		return -errno;
	return 0;
}

int bxt_rechroot(int old_root)
{
	char dir[64];

	if (fchdir(old_root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return -errno;
	close(old_root);
	snprintf(dir, sizeof(dir), "/tmp/bxt-unchroot-%d", (int)getpid());
	rmdir(dir);
	return 0;
}
