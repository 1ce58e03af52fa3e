/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client's "container": its own user, pid, mount and IPC namespaces, as
 * `unshare --user --map-root-user --pid --fork --mount --ipc` makes them:
 * root inside is root outside (uid and gid map "0 0 1", written by the
 * orchestrator, which is root in the parent namespace). The container gets
 * its own /dev, a tmpfs holding only bind mounts of the nodes it is given
 * (the Bindox device, the binder device, /dev/shm for iceoryx, and null,
 * zero, random, urandom), and its own /proc. Network and file system are
 * the host's, as for a container with host networking.
 */
#ifndef IPCBENCH_CONTAINER_H
#define IPCBENCH_CONTAINER_H

#include <sys/types.h>

/*
 * Fork the container's init process, which calls @fn(@arg) and exits with
 * its result. Returns the host pid of that process (pid 1 inside), or a
 * negative errno. @devices: NULL-terminated list of /dev paths to bind in
 * (missing ones are skipped). @cgroup: a cgroup directory to join first,
 * or NULL. *@keeper receives the pid of the intermediate process that
 * created the namespaces, or -1; reap it with waitpid (it exits with the
 * status of the container's init), after killing it if this failed.
 */
pid_t container_spawn(const char *const *devices, const char *cgroup,
		      int (*fn)(void *arg), void *arg, pid_t *keeper);

#endif
