// SPDX-License-Identifier: GPL-2.0-or-later
/* Per-run memory cgroups: see cgroup.h. */
#define _GNU_SOURCE
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

static int cgroup_write(const char *dir, const char *file, const char *text)
{
	char path[512];
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write_full(fd, text, strlen(text));
	close(fd);
	return r;
}

int cgroup_create(char *path, size_t size)
{
	static unsigned int n;
	int r;

	/* Enabled in the root's children; harmless when it is already. */
	r = cgroup_write(CGROUP_ROOT, "cgroup.subtree_control", "+memory");
	if (r < 0)
		return r;
	snprintf(path, size, CGROUP_ROOT "/ipcbench-%d-%u", (int)getpid(), n++);
	if (mkdir(path, 0755) < 0)
		return -errno;
	if (access(path, F_OK) < 0 || cgroup_peak(path) < 0) {
		cgroup_remove(path);
		return -EOPNOTSUPP;	/* no memory.peak before Linux 5.19 */
	}
	return 0;
}

int cgroup_join(const char *path)
{
	return cgroup_write(path, "cgroup.procs", "0");
}

int64_t cgroup_peak(const char *path)
{
	char file[512], buf[64];
	ssize_t n;
	int fd;

	snprintf(file, sizeof(file), "%s/memory.peak", path);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	return (int64_t)strtoll(buf, NULL, 10);
}

void cgroup_remove(const char *path)
{
	int i;

	/* Processes leave a cgroup a moment after they exit. */
	for (i = 0; i < 100; i++) {
		if (rmdir(path) == 0 || errno != EBUSY)
			return;
		usleep(10000);
	}
	fprintf(stderr, "ipcbench: cannot remove %s: %s\n", path, strerror(errno));
}
