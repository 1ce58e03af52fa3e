/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindox-itest-unchroot PROGRAM [ARG...]: run PROGRAM with the current root
 * directory as the true root of a mount namespace of its own.
 *
 * The test VM runs its tests chrooted into an overlay (tests/vm/
 * mkinitramfs.sh), and the kernel refuses a new user namespace to a
 * chrooted process (EPERM), so a container runtime with user namespaces
 * cannot start there. This does what switch_root does, in a private mount
 * namespace: it climbs out of the chroot, moves the overlay onto the real
 * "/" and makes it the root. The rest of the guest is unchanged. Outside
 * a chroot it only runs PROGRAM in the new mount namespace.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

static int unchroot_fail(const char *what)
{
	fprintf(stderr, "bindox-itest-unchroot: %s: %s\n", what, strerror(errno));
	return 125;
}

int main(int argc, char **argv)
{
	struct stat old_st, top_st;
	char dir[64];
	int old_root, i;

	if (argc < 2) {
		fprintf(stderr, "usage: bindox-itest-unchroot PROGRAM [ARG...]\n");
		return 2;
	}
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return unchroot_fail("private mount namespace");
	/* Opened after unshare(), so that it names this namespace's mount. */
	old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (old_root < 0 || fstat(old_root, &old_st))
		return unchroot_fail("/");

	/* A chroot below the cwd leaves the cwd outside the root: climb. */
	snprintf(dir, sizeof(dir), "/tmp/bindox-unchroot-%d", (int)getpid());
	if ((mkdir(dir, 0700) && errno != EEXIST) || chdir("/") || chroot(dir))
		return unchroot_fail(dir);
	for (i = 0; i < 64; i++)
		if (chdir(".."))
			return unchroot_fail("..");
	if (chroot(".") || stat("/", &top_st))
		return unchroot_fail("the true root");

	if (top_st.st_dev != old_st.st_dev || top_st.st_ino != old_st.st_ino) {
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			return unchroot_fail("private true root");
		/* As switch_root: the old root's mount onto "/", then enter it. */
		if (fchdir(old_root) || mount(".", "/", NULL, MS_MOVE, NULL) || chroot("."))
			return unchroot_fail("moving the root");
	}
	close(old_root);
	if (chdir("/"))
		return unchroot_fail("/");
	rmdir(dir);
	execvp(argv[1], argv + 1);
	return unchroot_fail(argv[1]);
}
