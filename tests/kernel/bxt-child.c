/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Children and threads of the in-guest kernel tests: spawning, reaping,
 * joining with a timeout, waiting until one sleeps, a SIGUSR1 handler,
 * failing in a child, pinning to a CPU; see bxt.h.
 */

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bxt.h"

static void close_bindox_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int fds[256], n = 0, i;

	if (!d)
		_exit(98);
	while ((de = readdir(d)) && n < 256) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	for (i = 0; i < n; i++)
		if (bxt_is_bindox_fd(fds[i]))
			close(fds[i]);
}

pid_t bxt_fork_ck(void)
{
	pid_t pid = fork();
	int err = errno;

	/* Only the parent checks: the child writes nothing to Check's file. */
	if (pid != 0)
		ck_assert_msg(pid > 0, "fork: %s", bxt_errname(err));
	return pid;
}

pid_t bxt_spawn_ck(BxtChildFn fn, void *arg)
{
	pid_t parent = getpid();
	pid_t pid;

	fflush(NULL);
	pid = bxt_fork_ck();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(97);
		close_bindox_fds();
		fflush(NULL);
		_exit(fn(arg));
	}
	return pid;
}

int bxt_waitpid(pid_t pid, int timeout_ms)
{
	int64_t end = bxt_now_ns() + timeout_ms * BXT_MS;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -errno;
		if (bxt_now_ns() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		bxt_sleep_ms(5);
	}
}

void bxt_reap_exit_ck(pid_t pid, int code)
{
	int st = bxt_waitpid(pid, BXT_LONG_MS);

	ck_assert_msg(st >= 0, "child %d: %s", (int)pid, bxt_errname(st));
	ck_assert_msg(WIFEXITED(st), "child %d killed by signal %d", (int)pid,
		      WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	ck_assert_msg(WEXITSTATUS(st) == code,
		      "child %d exited with %d, not %d (see its stderr)",
		      (int)pid, WEXITSTATUS(st), code);
}

void bxt_reap_ck(pid_t pid)
{
	bxt_reap_exit_ck(pid, 0);
}

void bxt_kill_ck(pid_t pid)
{
	int st;

	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	st = bxt_waitpid(pid, BXT_LONG_MS);
	ck_assert_msg(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "child %d did not die of SIGKILL (status %d)", (int)pid, st);
}

void bxt_stop_ck(pid_t pid)
{
	int status;

	ck_assert_int_eq(kill(pid, SIGSTOP), 0);
	ck_assert_int_eq(waitpid(pid, &status, WUNTRACED), pid);
	ck_assert(WIFSTOPPED(status));
}

void bxt_still_running_ck(pid_t pid)
{
	bxt_sleep_ms(300);
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), 0);
}

void bxt_stop_continue_ck(pid_t pid)
{
	bxt_stop_ck(pid);
	bxt_sleep_ms(100);
	ck_assert_int_eq(kill(pid, SIGCONT), 0);
}

/* A process's state letter from /proc/PID/stat ('S': sleeping), or 0. */
static char proc_state(pid_t pid)
{
	char path[64], line[256], *paren;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	paren = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

void bxt_wait_asleep_ck(pid_t pid)
{
	for (int i = 0; proc_state(pid) != 'S'; i++) {
		ck_assert_msg(i < 500, "process %d never slept", (int)pid);
		bxt_sleep_ms(10);
	}
	bxt_sleep_ms(50);
}

volatile sig_atomic_t bxt_usr1_count;

static void count_usr1(int sig)
{
	(void)sig;
	bxt_usr1_count++;
}

int bxt_usr1_handler(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = count_usr1;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	bxt_usr1_count = 0;
	return sigaction(SIGUSR1, &sa, NULL) ? -errno : 0;
}

int bxt_join(pthread_t t, int timeout_ms, void **ret)
{
	struct timespec ts;
	int r;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (timeout_ms % 1000) * BXT_MS;
	if (ts.tv_nsec >= BXT_SEC) {
		ts.tv_sec++;
		ts.tv_nsec -= BXT_SEC;
	}
	r = pthread_timedjoin_np(t, ret, &ts);
	return r == 0 ? 0 : -r;
}

void bxt_child_fail(const char *file, int line, const char *what, long got)
{
	fprintf(stderr, "%s:%d: check in child %d failed: %s (value %ld%s%s)\n", file, line,
		(int)getpid(), what, got, got < 0 ? ", " : "",
		got < 0 && got > -4096 ? bxt_errname((int)got) : "");
	fflush(stderr);
	_exit(99);
}

int bxt_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}
