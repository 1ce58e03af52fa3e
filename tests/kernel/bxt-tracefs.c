/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trace instances of a test's own in tracefs; see bxt.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bxt.h"

#define BXT_TRACEFS "/sys/kernel/tracing"

static void instance_path(char *path, size_t size, const char *name, const char *file)
{
	int n = snprintf(path, size, BXT_TRACEFS "/instances/%s%s%s", name, file ? "/" : "",
			 file ? file : "");

	ck_assert(n > 0 && (size_t)n < size);
}

void bxt_trace_instance_ck(const char *name)
{
	char path[PATH_MAX];

	if (access(BXT_TRACEFS "/instances", F_OK) != 0)
		ck_assert_msg(mount("tracefs", BXT_TRACEFS, "tracefs", 0, NULL) == 0,
			      "mount tracefs: %s", strerror(errno));
	instance_path(path, sizeof(path), name, NULL);
	rmdir(path);
	ck_assert_msg(mkdir(path, 0700) == 0, "mkdir %s: %s", path, strerror(errno));
}

void bxt_trace_write_ck(const char *name, const char *file, const char *text)
{
	char path[PATH_MAX];
	size_t len = strlen(text);
	int fd;

	instance_path(path, sizeof(path), name, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	ck_assert_msg(write(fd, text, len) == (ssize_t)len, "write \"%s\" to %s: %s", text, path,
		      strerror(errno));
	close(fd);
}

char *bxt_trace_take_ck(const char *name)
{
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap + 1);
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	ck_assert_ptr_nonnull(text);
	instance_path(path, sizeof(path), name, "trace");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	while (len < cap && (n = read(fd, text + len, cap - len)) > 0)
		len += (size_t)n;
	close(fd);
	text[len] = '\0';
	instance_path(path, sizeof(path), name, NULL);
	ck_assert_msg(rmdir(path) == 0, "rmdir %s: %s", path, strerror(errno));
	return text;
}
