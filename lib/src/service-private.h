/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The client side of the Coordinator protocol with a timeout, for the
 * library's own use (the server's registration keeper).
 */

#include <stdint.h>
#include <bindox/conn.h>

/*
 * One Coordinator transaction: build the request (@op, @name, @cookie for
 * REGISTER), call handle 0 waiting at most @timeout_ns, parse the reply.
 * @handle_out: NULL unless a LOOKUP is made.
 *
 * Return: the Coordinator's status (0 or a negative errno), -ELOOP for a
 * LOOKUP of one of our own nodes, or a transport or format error.
 */
int service_transact(BindoxConn *c, uint32_t op, const char *name, uint64_t cookie,
		     uint32_t *handle_out, int64_t timeout_ns);
