/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * An in-process fake of the bindox driver, for unit tests that exercise the
 * library's transaction paths without a kernel. It replaces the library's
 * ioctl backend (bindox_conn_ioctl()) at link time and answers as
 * <linux/bindox.h> says the driver does (module/transfer.c, handle.c and
 * coordinator.c implement it): one "process" per file descriptor, nodes
 * named by cookies, per process handle tables (one handle per node, one
 * reference per received object), calls with ids, E2BIG over the message
 * limits, replies checked against the caller's capacity (-EMSGSIZE to the
 * replier, -EINVAL for an unknown id), EMSGSIZE on receive that keeps the
 * message queued and reports the needed sizes, CALL only with flags 0 and
 * SEND only with exactly BINDOX_TF_ONEWAY, nothing but well-formed
 * Coordinator requests (calls, never one-way) to handle 0, one Coordinator
 * (-EBUSY for any second claim, -EEXIST for a claimant that owns node 0),
 * one death subscription per handle (-EBUSY for a second one), -ENXIO for
 * handle 0 without a Coordinator, and EOWNERDEAD for calls to dead nodes.
 * test-fake-driver.c pins each of these rules.
 *
 * It is a model of the contract, not of the kernel module: policy, quotas
 * and bugs in shared assumptions are only caught by the in-guest tests.
 *
 * Descriptors are any open fds (tests open /dev/null); a process comes to
 * life with its first BINDOX_IOC_VERSION and dies with fake_driver_kill().
 */

#include <stdint.h>
#include <sys/types.h>

/* Forget all processes, nodes and calls; restore the default version. */
void fake_driver_reset(void);

/* What BINDOX_IOC_VERSION reports from now on. */
void fake_driver_set_version(uint32_t major, uint32_t minor);

/* Credentials the driver stamps on messages sent through @fd. */
void fake_driver_set_creds(int fd, pid_t pid, uid_t euid, gid_t egid, uint32_t domain);

/*
 * The process behind @fd is ended, as by a forced domain removal: its calls
 * fail with BINDOX_EDEADPEER, its nodes die, a receive it waits in and
 * every later ioctl on @fd fail with ENODEV (until a BINDOX_IOC_VERSION,
 * which the fake takes for a new file that reuses the number).
 */
void fake_driver_kill(int fd);

/* Number of live handles in @fd's table (leak checks), -1 if unknown fd. */
int fake_driver_count_handles(int fd);

/* References @fd holds through @handle, 0 if none. */
unsigned int fake_driver_handle_refs(int fd, uint32_t handle);

/* Messages queued for @fd. */
unsigned int fake_driver_count_queued(int fd);

/* Number of BINDOX_IOC_* calls seen for @nr (the ioctl number's low byte). */
unsigned int fake_driver_count_ioctls(unsigned int nr);

/*
 * The timeouts of the receives (RECV and REPLY_RECV) since the last reset
 * or read, oldest first, at most FAKE_RECV_LOG: what each was given and
 * what it left in timeout_ns (on EMSGSIZE, from driver version 1.2 on,
 * the time left). Copied to @out and forgotten; returns how many.
 */
#define FAKE_RECV_LOG 8
typedef struct FakeRecvTimeout {
	int64_t given, left;
} FakeRecvTimeout;
unsigned int fake_driver_recv_timeouts(FakeRecvTimeout *out, unsigned int max);

/* ---- buffers (fake-buffers.c) ---- */

/* Live buffers, over all processes. */
unsigned int fake_driver_count_buffers(void);
/* Buffer ids in @fd's table (moved ones included). */
unsigned int fake_driver_count_buffer_ids(int fd);
/* Allocations above @bytes fail with -EDQUOT (UINT64_MAX: no quota). */
void fake_driver_set_buffer_quota(uint64_t bytes);
/* bindox_conn_mmap() fails with @error from now on (0: works again). */
void fake_driver_fail_mmap(int error);
