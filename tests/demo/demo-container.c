// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bindox-demo-container DOMAIN BASE UID -- PROGRAM [ARG...]: run PROGRAM
 * in a container made of plain namespaces, as a container runtime would:
 * a mount namespace in which /dev/bindox is the domain's node
 * /dev/bindox.d/DOMAIN (bind mount), a user namespace whose uids and gids
 * 0-65535 are the host's BASE-BASE+65535, and a pid namespace; PROGRAM
 * runs there as uid and gid UID. Run as the host's root (in the test VM).
 *
 * The guest runs its tests in a chroot, which user namespaces refuse: the
 * container leaves it for a moment (chroot into a subdirectory, climb
 * out) and returns once its user namespace exists. Writing the maps of a
 * range needs the parent namespace's root, so this process forks the
 * container and writes them for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "bindox-demo-container: %s: %s\n", what, strerror(errno));
	return 125;
}

/* Leave the chroot the guest runs in; *root keeps the way back. */
static int unchroot(int *root)
{
	char dir[64];

	*root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(dir, sizeof(dir), "/tmp/demo-unchroot-%d", (int)getpid());
	if (*root < 0 || (mkdir(dir, 0700) && errno != EEXIST) || chdir("/") ||
	    chroot(dir))
		return -1;
	for (int i = 0; i < 64; i++)
		if (chdir(".."))
			return -1;
	return chroot(".");
}

static int write_map(pid_t pid, const char *file, unsigned long base)
{
	char path[64], text[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	n = snprintf(text, sizeof(text), "0 %lu 65536\n", base);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, text, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* In the container: wait for the maps, become pid 1's parent, run. */
static int contained(const char *domain, uid_t uid, char **argv, int ready, int go)
{
	char node[64], c;
	int root, status;
	pid_t pid;

	snprintf(node, sizeof(node), "/dev/bindox.d/%s", domain);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount(node, "/dev/bindox", NULL, MS_BIND, NULL))
		return fail(node);
	if (unchroot(&root) || unshare(CLONE_NEWUSER | CLONE_NEWPID) || fchdir(root) ||
	    chroot(".") || chdir("/"))
		return fail("namespaces");
	snprintf(node, sizeof(node), "/tmp/demo-unchroot-%d", (int)getpid());
	rmdir(node);
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		return fail("waiting for the uid map");
	pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(fail("uid"));
		/* After the ids: changing them clears it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execvp(argv[0], argv);
		_exit(fail(argv[0]));
	}
	if (waitpid(pid, &status, 0) != pid)
		return fail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	int ready[2], go[2], status;
	unsigned long base;
	uid_t uid;
	char c;
	pid_t pid;

	if (argc < 6 || strcmp(argv[4], "--")) {
		fprintf(stderr, "usage: bindox-demo-container DOMAIN BASE UID -- PROGRAM [ARG...]\n");
		return 2;
	}
	base = strtoul(argv[2], NULL, 10);
	uid = (uid_t)strtoul(argv[3], NULL, 10);
	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		return fail("pipe");
	pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(contained(argv[1], uid, argv + 5, ready[1], go[0]));
	}
	if (read(ready[0], &c, 1) != 1 || write_map(pid, "uid_map", base) ||
	    write_map(pid, "gid_map", base) || write(go[1], "g", 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return fail("uid map");
	}
	if (waitpid(pid, &status, 0) != pid)
		return fail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
