/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_HANDLE_H
#define BINDOX_HANDLE_H

/**
 * DOC: handles and death notifications
 *
 * A handle is a process's name for a reference to a node (a service
 * endpoint owned by some process). Handles arrive inside messages (as
 * BINDOX_OBJ_HANDLE objects, see bindox_msg_read_handle()) and each one
 * received holds a reference: the receiver owns it and gives it back with
 * bindox_handle_release() when done. Handle 0 is the Coordinator and is
 * never released.
 *
 * A process can watch a handle: when the node's owner dies, the driver
 * queues a BINDOX_MSG_DEATH message whose cookie is the one given at
 * subscription (bindox_msg_get_cookie()).
 */

#include <stdint.h>
#include <bindox/conn.h>
#include <bindox/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * bindox_handle_release() - drop a reference received in a message
 * @c:		connection
 * @handle:	the handle
 *
 * Each handle object received counts as one reference; release each one.
 *
 * Return: 0, -EINVAL if @c is NULL, or the driver's negative errno (for
 * instance for handle 0 or a handle not in the table).
 */
int bindox_handle_release(BindoxConn *c, uint32_t handle);

/**
 * bindox_msg_release_handles() - drop every reference a received message holds
 * @c:		the connection @m was received on
 * @m:		the message
 *
 * For a message the receiver refuses or does not expect (a malformed
 * request, a one-way message nobody reads): each BINDOX_OBJ_HANDLE object
 * in it is released with bindox_handle_release(), so that nothing leaks.
 * Objects that are not handles (nodes, buffers) are left alone, and a
 * handle the driver refuses to release is skipped.
 *
 * Return: 0, or -EINVAL if @c or @m is NULL.
 */
int bindox_msg_release_handles(BindoxConn *c, const BindoxMsg *m);

/**
 * bindox_death_subscribe() - be told when a handle's node dies
 * @c:		connection
 * @handle:	the watched handle
 * @cookie:	a value of the caller's choosing, returned in the
 *		BINDOX_MSG_DEATH message
 *
 * Return: 0 or a negative errno from the driver.
 */
int bindox_death_subscribe(BindoxConn *c, uint32_t handle, uint64_t cookie);

/**
 * bindox_death_unsubscribe() - cancel bindox_death_subscribe()
 * @c:		connection
 * @handle:	the watched handle
 * @cookie:	the cookie given when subscribing
 *
 * Return: 0 or a negative errno from the driver.
 */
int bindox_death_unsubscribe(BindoxConn *c, uint32_t handle, uint64_t cookie);

#ifdef __cplusplus
}
#endif

#endif /* BINDOX_HANDLE_H */
