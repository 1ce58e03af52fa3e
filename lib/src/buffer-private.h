/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the rest of the library may ask a BindoxBuffer (buffer.c). */

#include <bindox/buffer.h>
#include <bindox/conn.h>

/* The connection @b belongs to; NULL for NULL. */
BindoxConn *bindox_buffer_conn(const BindoxBuffer *b);
