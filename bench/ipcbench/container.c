// SPDX-License-Identifier: GPL-2.0-or-later
/* The client's container: see container.h. */
#define _GNU_SOURCE
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

#define MAX_DEVICES 16

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = write_full(fd, text, strlen(text));
	close(fd);
	return r;
}

/* uid and gid maps of the (unshared) process @pid: root inside = root outside. */
static int write_maps(pid_t pid)
{
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	r = write_file(path, "0 0 1\n");
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	return write_file(path, "0 0 1\n");
}

/* An empty file or directory to bind @src over, at @dst. */
static int make_target(const char *dst, bool dir)
{
	int fd;

	if (dir)
		return mkdir(dst, 0755) < 0 && errno != EEXIST ? -errno : 0;
	fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * In the new mount namespace: a tmpfs over /dev holding bind mounts of
 * @devices. The sources are opened before /dev is covered and reached
 * through /proc/self/fd afterwards.
 */
static int setup_dev(const char *const *devices)
{
	int fds[MAX_DEVICES];
	bool dirs[MAX_DEVICES];
	const char *paths[MAX_DEVICES];
	size_t n = 0, i;
	int r = 0;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	for (i = 0; devices[i] && n < MAX_DEVICES; i++) {
		struct stat st;
		int fd = open(devices[i], O_PATH | O_CLOEXEC);

		if (fd < 0)
			continue;	/* not on this machine: not given */
		if (fstat(fd, &st) < 0) {
			close(fd);
			continue;
		}
		fds[n] = fd;
		dirs[n] = S_ISDIR(st.st_mode);
		paths[n] = devices[i];
		n++;
	}
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=1m") < 0) {
		r = -errno;
		goto out;
	}
	for (i = 0; i < n; i++) {
		char src[64], dst[PATH_MAX], *slash;

		snprintf(dst, sizeof(dst), "%s", paths[i]);
		/* Parent directories (e.g. /dev/binderfs) first. */
		for (slash = strchr(dst + 5, '/'); slash; slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			r = make_target(dst, true);
			*slash = '/';
			if (r < 0)
				goto out;
		}
		r = make_target(dst, dirs[i]);
		if (r < 0)
			goto out;
		snprintf(src, sizeof(src), "/proc/self/fd/%d", fds[i]);
		if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0) {
			r = -errno;
			goto out;
		}
	}
	if (symlink("/proc/self/fd", "/dev/fd") < 0)
		r = -errno;
out:
	for (i = 0; i < n; i++)
		close(fds[i]);
	return r;
}

/* Whether this process is chrooted, relative to init (pid 1 of our pid namespace). */
static bool chrooted(void)
{
	struct stat self, init;

	if (stat("/", &self) < 0 || stat("/proc/1/root/", &init) < 0)
		return false;
	return self.st_dev != init.st_dev || self.st_ino != init.st_ino;
}

/*
 * The kernel refuses a new user namespace to a chrooted process, and the
 * test VM runs commands chrooted into an overlay of the host's root. In a
 * private mount namespace, make our root the namespace's root, the way
 * switch_root does: step out of the chroot, move the overlay onto "/" and
 * chroot into it. Nothing changes outside this process's namespace.
 */
static int leave_chroot(void)
{
	static const char step[] = "/tmp/.ipcbench-chroot-step";
	int root_fd, i, r = 0;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	if ((mkdir(step, 0700) < 0 && errno != EEXIST) || chdir("/") < 0 || chroot(step) < 0) {
		r = -errno;
		goto out;
	}
	/* The working directory is outside the new root: climb to the real one. */
	for (i = 0; i < 64; i++)
		if (chdir("..") < 0) {
			r = -errno;
			goto out;
		}
	if (chroot(".") < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    fchdir(root_fd) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
	    chdir("/") < 0)
		r = -errno;
out:
	close(root_fd);
	(void)rmdir(step);
	return r;
}

typedef struct InitArg {
	int (*fn)(void *arg);
	void *arg;
	int gate;		/* read end: EOF once the keeper has reported our pid */
} InitArg;

/* pid 1 of the container: its own /proc, then the client. */
static int container_init(InitArg *a)
{
	uint8_t byte;

	if (read(a->gate, &byte, 1) < 0)
		return -errno;
	close(a->gate);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		int err = -errno;

		fprintf(stderr, "ipcbench: container: mount /proc: %s\n", strerror(errno));
		return err;
	}
	return a->fn(a->arg);
}

/*
 * The keeper: joins the cgroup, unshares, waits for its maps (@sync), sets
 * up /dev, forks the container's init and reports that one's pid on
 * @pid_w; then waits for it and exits with its status.
 */
static int keeper(const char *const *devices, const char *cgroup, int sync_w, int sync_r,
		  int pid_w, InitArg *a)
{
	int gate[2], status;
	uint8_t byte = 0;
	pid_t init;
	int r;

	if (cgroup) {
		r = cgroup_join(cgroup);
		if (r < 0)
			return r;
	}
	if (chrooted()) {
		r = leave_chroot();
		if (r < 0) {
			fprintf(stderr, "ipcbench: container: leaving the chroot: %s\n", strerror(-r));
			return r;
		}
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) < 0) {
		r = -errno;
		fprintf(stderr, "ipcbench: container: unshare: %s\n", strerror(errno));
		return r;
	}
	/* Tell the orchestrator, and wait until it has written our maps. */
	if (write_full(sync_w, &byte, 1) < 0 || read_full(sync_r, &byte, 1) <= 0)
		return -EPIPE;
	close(sync_w);
	close(sync_r);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -errno;
	r = setup_dev(devices);
	if (r < 0) {
		fprintf(stderr, "ipcbench: container: /dev: %s\n", strerror(-r));
		return r;
	}
	if (pipe2(gate, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	init = fork();
	if (init < 0)
		return -errno;
	if (init == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			_exit(1);
		close(gate[1]);
		close(pid_w);
		a->gate = gate[0];
		/* exit(), not _exit(): libraries deregister (iceoryx's runtime). */
		exit(container_init(a) < 0 ? 1 : 0);
	}
	close(gate[0]);
	r = write_full(pid_w, &init, sizeof(init));
	close(pid_w);
	close(gate[1]);
	if (r < 0) {
		kill(init, SIGKILL);
		(void)waitpid(init, NULL, 0);
		return r;
	}
	while (waitpid(init, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

pid_t container_spawn(const char *const *devices, const char *cgroup,
		      int (*fn)(void *arg), void *arg, pid_t *keeper_out)
{
	int to_child[2] = { -1, -1 }, to_parent[2] = { -1, -1 }, pid_pipe[2] = { -1, -1 };
	InitArg a = { .fn = fn, .arg = arg, .gate = -1 };
	pid_t k, init = -1;
	uint8_t byte;
	int r;

	*keeper_out = -1;
	if (pipe2(to_child, O_CLOEXEC) < 0 || pipe2(to_parent, O_CLOEXEC) < 0 ||
	    pipe2(pid_pipe, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	fflush(NULL);
	k = fork();
	if (k < 0) {
		r = -errno;
		goto out;
	}
	if (k == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			_exit(1);
		close(to_child[1]);
		close(to_parent[0]);
		close(pid_pipe[0]);
		_exit(keeper(devices, cgroup, to_parent[1], to_child[0], pid_pipe[1], &a) < 0 ? 1 : 0);
	}
	close_fd(&to_child[0]);
	close_fd(&to_parent[1]);
	close_fd(&pid_pipe[1]);
	*keeper_out = k;
	r = read_full(to_parent[0], &byte, 1);
	if (r <= 0) {
		r = r < 0 ? r : -ECHILD;
		goto out;
	}
	r = write_maps(k);
	if (r < 0)
		goto out;
	r = write_full(to_child[1], &byte, 1);
	if (r < 0)
		goto out;
	r = read_full(pid_pipe[0], &init, sizeof(init));
	if (r <= 0)
		r = r < 0 ? r : -ECHILD;
out:
	close_fd(&to_child[0]);
	close_fd(&to_child[1]);
	close_fd(&to_parent[0]);
	close_fd(&to_parent[1]);
	close_fd(&pid_pipe[0]);
	close_fd(&pid_pipe[1]);
	return r < 0 ? r : init;
}
