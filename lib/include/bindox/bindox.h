/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_BINDOX_H
#define BINDOX_BINDOX_H

/**
 * DOC: libbindox
 *
 * libbindox is the userspace side of Bindox: it opens the device
 * (&BindoxConn), builds and reads messages (&BindoxMsg), performs calls,
 * one-way sends and receives (bindox/transact.h), speaks the Coordinator
 * protocol (bindox/coord.h), manages handles and death notifications
 * (bindox/handle.h), passes large payloads without copying them
 * (&BindoxBuffer, bindox/buffer.h), sends payloads of any size the
 * cheapest way, inline or in a buffer (bindox/payload.h), and runs
 * multi-threaded servers
 * (&BindoxServer).
 *
 * Conventions, everywhere:
 *
 * - Functions returning int return a negative errno on failure, passed up
 *   unchanged from the driver or the C library; 0 on success. A positive
 *   return is a documented condition the caller has to handle.
 * - Destructors (bindox_conn_close(), bindox_msg_free(), ...) accept NULL
 *   and return NULL so that call sites read `m = bindox_msg_free(m);`.
 * - There is no global mutable state. A &BindoxConn may be used by many
 *   threads at once (each call is an ioctl on its file descriptor); a
 *   &BindoxMsg belongs to one thread at a time.
 * - Nothing is restarted on EINTR: a call interrupted by a signal may
 *   already have been delivered, so -EINTR is returned and the caller
 *   decides.
 * - The kernel interface is <linux/bindox.h> (installed with this library,
 *   see bindox.pc); its constants, such as BINDOX_HANDLE_COORDINATOR,
 *   BINDOX_MAX_DATA_SIZE and BINDOX_EDEADPEER, are used as they are.
 */

#include <bindox/buffer.h>
#include <bindox/conn.h>
#include <bindox/coord.h>
#include <bindox/error.h>
#include <bindox/handle.h>
#include <bindox/msg.h>
#include <bindox/payload.h>
#include <bindox/server.h>
#include <bindox/transact.h>

#endif /* BINDOX_BINDOX_H */
