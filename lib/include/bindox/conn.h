/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_CONN_H
#define BINDOX_CONN_H

/**
 * DOC: connections
 *
 * A &BindoxConn is one open file description of a bindox device: in the
 * driver's terms, one process. Handles, nodes, pending calls and death
 * subscriptions all belong to it and die with it. It wraps a file
 * descriptor that can be handed to poll(2), epoll or sd-event, which is
 * meant to become readable (POLLIN) when a message is queued for it (the
 * UAPI header does not state poll support yet). Without poll, use
 * bindox_recv() with a timeout of 0.
 *
 * A connection may be used from many threads at once. Close it only when no
 * thread uses it any more (stop its &BindoxServer first).
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The device opened when bindox_conn_open() is given NULL. */
#define BINDOX_DEVICE_DEFAULT "/dev/bindox"

typedef struct BindoxConn BindoxConn;

/**
 * bindox_conn_open() - open a bindox device
 * @path:	device node, NULL for BINDOX_DEVICE_DEFAULT
 * @out:	the new connection
 *
 * Opens @path with O_RDWR | O_CLOEXEC and asks the driver for its version
 * (BINDOX_IOC_VERSION). The driver's major version must equal the
 * BINDOX_VERSION_MAJOR this library was built with; minor versions are
 * compatible in both directions.
 *
 * Return: 0 on success; -EINVAL if @out is NULL; -EPROTO if the major
 * versions differ; -ENOTTY if @path is not a bindox device; otherwise the
 * negative errno of open(2) or the ioctl.
 */
int bindox_conn_open(const char *path, BindoxConn **out);

/**
 * bindox_conn_close() - close a connection
 * @c:	connection, or NULL
 *
 * Closes the file descriptor: the driver drops the process's handles and
 * nodes, fails calls waiting on them and notifies death subscribers.
 *
 * Return: NULL.
 */
BindoxConn *bindox_conn_close(BindoxConn *c);

/**
 * bindox_conn_fd() - the connection's file descriptor
 * @c:	connection
 *
 * For poll(2)/epoll/sd-event. The descriptor stays owned by @c: do not close
 * it, and do not read or write it other than through this library.
 *
 * Return: the file descriptor, or -EINVAL if @c is NULL.
 */
int bindox_conn_fd(const BindoxConn *c);

/**
 * bindox_conn_get_version() - the driver's interface version
 * @c:		connection
 * @major:	BINDOX_VERSION_MAJOR of the driver, or NULL
 * @minor:	BINDOX_VERSION_MINOR of the driver, or NULL
 *
 * Return: 0, or -EINVAL if @c is NULL.
 */
int bindox_conn_get_version(const BindoxConn *c, uint32_t *major, uint32_t *minor);

/**
 * bindox_conn_become_coordinator() - make this process the Coordinator
 * @c:	connection
 *
 * BINDOX_IOC_SET_COORDINATOR: afterwards handle 0 (BINDOX_HANDLE_COORDINATOR)
 * in every process of the device refers to this process. Needs
 * CAP_SYS_ADMIN in the initial user namespace.
 *
 * Return: 0, or a negative errno (-EPERM without the capability, or the
 * driver's error if another Coordinator is active).
 */
int bindox_conn_become_coordinator(BindoxConn *c);

#ifdef __cplusplus
}
#endif

#endif /* BINDOX_CONN_H */
