/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A memory cgroup (v2) per run, so that memory.peak tells the peak memory
 * charged to client and server together: anonymous and shared memory,
 * page tables, and the kernel memory that is accounted (socket buffers of
 * TCP, for instance). Optional: without cgroup2 at /sys/fs/cgroup the run
 * reports the PSS samples only.
 */
#ifndef IPCBENCH_CGROUP_H
#define IPCBENCH_CGROUP_H

#include <stddef.h>
#include <stdint.h>

/* Create a fresh cgroup with the memory controller; its path in @path. */
int cgroup_create(char *path, size_t size);
/* Move the calling process into @path. */
int cgroup_join(const char *path);
/* memory.peak of @path in bytes, or a negative errno. */
int64_t cgroup_peak(const char *path);
void cgroup_remove(const char *path);

#endif
