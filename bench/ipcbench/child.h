/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benchmark's child processes: started with a control pipe, reaped. */
#ifndef IPCBENCH_CHILD_H
#define IPCBENCH_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Fork a child that runs @fn(@arg, ctl) with the write end of a fresh
 * control pipe and exits with 0 when @fn returns >= 0, else 1; it joins
 * @cgroup first (unless NULL) and is killed when its parent dies. The
 * parent keeps the read end in *@ctl. Returns the child's pid or -errno.
 */
pid_t spawn_child(int (*fn)(void *arg, int ctl), void *arg, const char *cgroup, int *ctl);

/*
 * Wait for *@pid (killed first if @force) and set it to -1. 0 if it exited
 * with status 0 (or *@pid <= 0: no child), else -ECHILD or -errno.
 */
int reap_child(pid_t *pid, bool force);

#endif
