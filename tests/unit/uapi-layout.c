/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UAPI layout, two ways from one list (see uapi-m32.sh):
 *
 * - built natively and run, it prints the size of every UAPI structure and
 *   the offset of every field as #defines;
 * - built with -DLAYOUT_CHECK -include <that output> (for -m32), it asserts
 *   at compile time that the other ABI has exactly the same numbers. It
 *   needs no C library then, only the compiler's <stddef.h>.
 */

#include <stddef.h>
#include <linux/bindox.h>

#define LAYOUT_STRUCTS(S)              \
	S(bindox_object)               \
	S(bindox_payload)              \
	S(bindox_transaction)          \
	S(bindox_message)              \
	S(bindox_call_args)            \
	S(bindox_recv_args)            \
	S(bindox_reply_recv_args)      \
	S(bindox_version)              \
	S(bindox_handle_args)          \
	S(bindox_death_args)           \
	S(bindox_coord_request)        \
	S(bindox_coord_reply)          \
	S(bindox_buffer_alloc)         \
	S(bindox_buffer_info)

#define LAYOUT_FIELDS(F)                                \
	F(bindox_object, type)                          \
	F(bindox_object, flags)                         \
	F(bindox_object, value)                         \
	F(bindox_object, reserved)                      \
	F(bindox_object, size)                          \
	F(bindox_payload, data_ptr)                     \
	F(bindox_payload, offsets_ptr)                  \
	F(bindox_payload, data_size)                    \
	F(bindox_payload, offsets_count)                \
	F(bindox_transaction, handle)                   \
	F(bindox_transaction, flags)                    \
	F(bindox_transaction, payload)                  \
	F(bindox_message, type)                         \
	F(bindox_message, flags)                        \
	F(bindox_message, id)                           \
	F(bindox_message, cookie)                       \
	F(bindox_message, sender_pid)                   \
	F(bindox_message, sender_euid)                  \
	F(bindox_message, sender_egid)                  \
	F(bindox_message, sender_domain)                \
	F(bindox_message, reserved)                     \
	F(bindox_message, payload)                      \
	F(bindox_call_args, tx)                         \
	F(bindox_call_args, reply)                      \
	F(bindox_call_args, timeout_ns)                 \
	F(bindox_recv_args, msg)                        \
	F(bindox_recv_args, timeout_ns)                 \
	F(bindox_reply_recv_args, reply_id)             \
	F(bindox_reply_recv_args, reserved)             \
	F(bindox_reply_recv_args, reply)                \
	F(bindox_reply_recv_args, msg)                  \
	F(bindox_reply_recv_args, timeout_ns)           \
	F(bindox_version, major)                        \
	F(bindox_version, minor)                        \
	F(bindox_handle_args, handle)                   \
	F(bindox_handle_args, reserved)                 \
	F(bindox_death_args, handle)                    \
	F(bindox_death_args, reserved)                  \
	F(bindox_death_args, cookie)                    \
	F(bindox_coord_request, op)                     \
	F(bindox_coord_request, name_len)               \
	F(bindox_coord_reply, status)                   \
	F(bindox_coord_reply, reserved)                 \
	F(bindox_buffer_alloc, size)                    \
	F(bindox_buffer_alloc, flags)                   \
	F(bindox_buffer_alloc, id)                      \
	F(bindox_buffer_alloc, offset)                  \
	F(bindox_buffer_info, id)                       \
	F(bindox_buffer_info, flags)                    \
	F(bindox_buffer_info, size)                     \
	F(bindox_buffer_info, offset)

#ifdef LAYOUT_CHECK

#define CHECK_SIZE(s) \
	_Static_assert(sizeof(struct s) == SIZE_##s, "sizeof(struct " #s ") differs");
#define CHECK_FIELD(s, f) \
	_Static_assert(offsetof(struct s, f) == OFF_##s##_##f, "offset of " #s "." #f " differs");

LAYOUT_STRUCTS(CHECK_SIZE)
LAYOUT_FIELDS(CHECK_FIELD)

/* The ioctl numbers encode the sizes: they must match as well. */
_Static_assert(BINDOX_IOC_CALL == IOC_CALL, "BINDOX_IOC_CALL differs");
_Static_assert(BINDOX_IOC_RECV == IOC_RECV, "BINDOX_IOC_RECV differs");
_Static_assert(BINDOX_IOC_REPLY_RECV == IOC_REPLY_RECV, "BINDOX_IOC_REPLY_RECV differs");
_Static_assert(BINDOX_IOC_SET_COORDINATOR == IOC_SET_COORDINATOR, "SET_COORDINATOR differs");
_Static_assert(BINDOX_IOC_BUFFER_ALLOC == IOC_BUFFER_ALLOC, "BUFFER_ALLOC differs");
_Static_assert(BINDOX_IOC_BUFFER_INFO == IOC_BUFFER_INFO, "BUFFER_INFO differs");

typedef int layout_check_unused;

#else /* print mode */

#include <stdio.h>

#define PRINT_SIZE(s) printf("#define SIZE_%s %zuU\n", #s, sizeof(struct s));
#define PRINT_FIELD(s, f) printf("#define OFF_%s_%s %zuU\n", #s, #f, offsetof(struct s, f));

int main(void)
{
	LAYOUT_STRUCTS(PRINT_SIZE)
	LAYOUT_FIELDS(PRINT_FIELD)
	printf("#define IOC_CALL %#xU\n", (unsigned int)BINDOX_IOC_CALL);
	printf("#define IOC_RECV %#xU\n", (unsigned int)BINDOX_IOC_RECV);
	printf("#define IOC_REPLY_RECV %#xU\n", (unsigned int)BINDOX_IOC_REPLY_RECV);
	printf("#define IOC_SET_COORDINATOR %#xU\n", (unsigned int)BINDOX_IOC_SET_COORDINATOR);
	printf("#define IOC_BUFFER_ALLOC %#xU\n", (unsigned int)BINDOX_IOC_BUFFER_ALLOC);
	printf("#define IOC_BUFFER_INFO %#xU\n", (unsigned int)BINDOX_IOC_BUFFER_INFO);
	return 0;
}

#endif
