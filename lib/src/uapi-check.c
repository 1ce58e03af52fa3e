/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compile-time checks that the UAPI structures have the sizes (and the
 * padding-free layouts) both the driver and 32-bit processes rely on.
 * tests/unit/uapi-m32.sh checks the same for -m32 builds.
 */

#include <stddef.h>
#include <linux/bindox.h>

_Static_assert(sizeof(struct bindox_object) == 24, "bindox_object layout");
_Static_assert(sizeof(struct bindox_payload) == 24, "bindox_payload layout");
_Static_assert(sizeof(struct bindox_transaction) == 32, "bindox_transaction layout");
_Static_assert(sizeof(struct bindox_message) == 72, "bindox_message layout");
_Static_assert(sizeof(struct bindox_call_args) == 112, "bindox_call_args layout");
_Static_assert(sizeof(struct bindox_recv_args) == 80, "bindox_recv_args layout");
_Static_assert(sizeof(struct bindox_reply_recv_args) == 120, "bindox_reply_recv_args layout");
_Static_assert(sizeof(struct bindox_version) == 8, "bindox_version layout");
_Static_assert(sizeof(struct bindox_handle_args) == 8, "bindox_handle_args layout");
_Static_assert(sizeof(struct bindox_death_args) == 16, "bindox_death_args layout");
_Static_assert(sizeof(struct bindox_coord_request) == 8, "bindox_coord_request layout");
_Static_assert(sizeof(struct bindox_coord_reply) == 8, "bindox_coord_reply layout");
_Static_assert(sizeof(struct bindox_buffer_alloc) == 24, "bindox_buffer_alloc layout");
_Static_assert(sizeof(struct bindox_buffer_info) == 24, "bindox_buffer_info layout");
_Static_assert(sizeof(struct bindox_buffer_map_args) == 24, "bindox_buffer_map_args layout");

_Static_assert(offsetof(struct bindox_object, size) == 16, "object.size");
_Static_assert(offsetof(struct bindox_transaction, payload) == 8, "transaction.payload");
_Static_assert(offsetof(struct bindox_message, payload) == 48, "message.payload");
_Static_assert(offsetof(struct bindox_call_args, reply) == 32, "call_args.reply");
_Static_assert(offsetof(struct bindox_call_args, timeout_ns) == 104, "call_args.timeout_ns");
_Static_assert(offsetof(struct bindox_reply_recv_args, msg) == 40, "reply_recv_args.msg");
_Static_assert(offsetof(struct bindox_reply_recv_args, timeout_ns) == 112,
	       "reply_recv_args.timeout_ns");

/* A coordinator REGISTER/LOOKUP object right after an 8-byte header is aligned. */
_Static_assert(sizeof(struct bindox_coord_reply) % BINDOX_OBJECT_ALIGN == 0,
	       "coord reply object alignment");

/* ISO C forbids an empty translation unit. */
typedef int bindox_uapi_check_unused;
