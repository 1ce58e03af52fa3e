/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Setting up bindox, the same in every mode: the benchmark's Coordinator
 * (bench-coord.h) in a child of its own, and a connection with its two
 * messages.
 */
#ifndef IPCBENCH_BINDOX_SETUP_H
#define IPCBENCH_BINDOX_SETUP_H

#include <stddef.h>
#include <sys/types.h>
#include <bindox/bindox.h>

/*
 * Start a child that becomes the Coordinator on @device and answers
 * @lookups LOOKUPs of @service, then exits (reap it with reap_child). If another
 * process is the Coordinator already (bindoxd), that one answers: *@pid is
 * -1 then. Returns 0 once the service can be registered, or -errno.
 */
int bench_coordinator_start(const char *device, const char *service, unsigned int lookups,
			    pid_t *pid);

/*
 * Open a connection on @device and two messages (outgoing, incoming), each
 * with room for @bytes of data and @handles objects. On failure nothing is
 * left open (the pointers are NULL).
 */
int bindox_open_with_msgs(const char *device, size_t bytes, size_t handles,
			  BindoxConn **conn, BindoxMsg **out, BindoxMsg **in);

#endif
