// SPDX-License-Identifier: GPL-2.0-or-later
/* The benchmark's child processes: see child.h. */
#define _GNU_SOURCE
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"

pid_t spawn_child(int (*fn)(void *arg, int ctl), void *arg, const char *cgroup, int *ctl)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		/* Do not outlive the parent (e.g. blocked in a receive). */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
			_exit(1);
		close(p[0]);
		if (cgroup && cgroup_join(cgroup) < 0)
			_exit(1);
		/* exit(), not _exit(): libraries deregister (iceoryx's runtime). */
		exit(fn(arg, p[1]) < 0 ? 1 : 0);
	}
	close(p[1]);
	*ctl = p[0];
	return pid;
}

int reap_child(pid_t *pid, bool force)
{
	int status;

	if (*pid <= 0)
		return 0;
	if (force)
		(void)kill(*pid, SIGKILL);
	while (waitpid(*pid, &status, 0) < 0) {
		if (errno != EINTR) {
			int err = -errno;

			*pid = -1;
			return err;
		}
	}
	*pid = -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}
