/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_MSG_H
#define BINDOX_MSG_H

/**
 * DOC: messages
 *
 * A &BindoxMsg is a reusable heap object holding a message's data (bytes)
 * and its object offsets (positions of &struct bindox_object inside the
 * data), plus, once received, the header the driver filled in (type, id,
 * cookie, sender credentials).
 *
 * Writing appends to the data: raw bytes, u32 and u64 values (host byte
 * order, unaligned: both ends run on the same host), strings and objects.
 * An object is first aligned to BINDOX_OBJECT_ALIGN (8) bytes with zero
 * padding, then its offset is recorded. A message holds at most
 * BINDOX_MAX_DATA_SIZE bytes and BINDOX_MAX_OBJECTS objects; appending beyond
 * that fails with -EMSGSIZE.
 *
 * Strings are encoded as a u32 length n, n bytes without NUL, then one NUL
 * byte, so that a reader can hand out a pointer into the message.
 *
 * A message may start with a payload that the library sends inline or in a
 * buffer depending on its size: see bindox/payload.h.
 *
 * Reading goes through a cursor that starts at the beginning of the data
 * whenever a message is received (or bindox_msg_rewind() is called). Reads
 * mirror the writes: the same sequence of read calls decodes what the write
 * calls produced. Every read checks bounds and the object layout: a data
 * read may not run into an object that has not been read, and an object
 * read expects the next recorded offset at the next 8-byte boundary. A read
 * that fails returns -EBADMSG and leaves the cursor where it was.
 *
 * Pointers handed out by reads (bindox_msg_read_bytes(),
 * bindox_msg_read_string()) point into the message and stay valid until
 * the message is modified, reset, received into or freed.
 *
 * Receive capacity: a message used for receiving offers its allocated
 * capacity to the driver. bindox_msg_reserve() sets a minimum; when a
 * queued message does not fit, the library grows the buffers to the size
 * the driver reports (up to the UAPI limits) and receives again.
 *
 * A &BindoxMsg is not thread-safe: one thread at a time.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/bindox.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct BindoxMsg BindoxMsg;

/**
 * struct BindoxCreds - the sender of a received message, as the driver saw it
 * @pid:	sending process in the receiver's pid namespace, 0 if not visible
 * @euid:	effective uid the sender opened the device with, in the
 *		receiver's user namespace (overflow uid if unmapped)
 * @egid:	likewise for the effective gid
 * @domain:	id of the sender's domain (container)
 *
 * Captured by the kernel, never by the sender.
 */
typedef struct BindoxCreds {
	pid_t pid;
	uid_t euid;
	gid_t egid;
	uint32_t domain;
} BindoxCreds;

/**
 * bindox_msg_new() - allocate an empty message
 * @out:	the new message
 *
 * Return: 0, -EINVAL if @out is NULL, -ENOMEM.
 */
int bindox_msg_new(BindoxMsg **out);

/**
 * bindox_msg_free() - free a message
 * @m:	message, or NULL
 *
 * Also releases the buffer of a buffer payload the message holds
 * (bindox/payload.h): free such a message before closing its connection.
 *
 * Return: NULL.
 */
BindoxMsg *bindox_msg_free(BindoxMsg *m);

/**
 * bindox_msg_reset() - empty a message, keeping its allocated capacity
 * @m:	message, or NULL (no-op)
 *
 * Clears the data, the offsets, the cursor and the received header, and
 * releases the buffer of a buffer payload (bindox/payload.h).
 */
void bindox_msg_reset(BindoxMsg *m);

/**
 * bindox_msg_reserve() - ensure capacity, for building or for receiving
 * @m:		message
 * @data_bytes:	capacity for data, at most BINDOX_MAX_DATA_SIZE
 * @n_objects:	capacity for objects, at most BINDOX_MAX_OBJECTS
 *
 * Grows the buffers if needed; never shrinks them, keeps the content.
 *
 * Return: 0, -EINVAL for NULL @m or sizes above the limits, -ENOMEM.
 */
int bindox_msg_reserve(BindoxMsg *m, size_t data_bytes, size_t n_objects);

/**
 * bindox_msg_append_bytes() - append raw bytes
 * @m:	message
 * @p:	bytes (may be NULL if @n is 0)
 * @n:	count
 *
 * Return: 0, -EINVAL, -EMSGSIZE above BINDOX_MAX_DATA_SIZE, -ENOMEM.
 */
int bindox_msg_append_bytes(BindoxMsg *m, const void *p, size_t n);

/**
 * bindox_msg_append_u32() - append a 32-bit value (host order, 4 bytes)
 * @m:	message
 * @v:	value
 *
 * Return: as bindox_msg_append_bytes().
 */
int bindox_msg_append_u32(BindoxMsg *m, uint32_t v);

/**
 * bindox_msg_append_u64() - append a 64-bit value (host order, 8 bytes)
 * @m:	message
 * @v:	value
 *
 * Return: as bindox_msg_append_bytes().
 */
int bindox_msg_append_u64(BindoxMsg *m, uint64_t v);

/**
 * bindox_msg_append_string() - append a length-prefixed string
 * @m:	message
 * @s:	NUL-terminated string
 *
 * Writes u32 strlen(@s), the bytes, and a NUL.
 *
 * Return: as bindox_msg_append_bytes(); -EINVAL if @s is NULL.
 */
int bindox_msg_append_string(BindoxMsg *m, const char *s);

/**
 * bindox_msg_append_handle() - append a BINDOX_OBJ_HANDLE object
 * @m:		message
 * @handle:	a handle in the sender's table; the receiver gets its own
 *		handle to the same node (the sender keeps its handle)
 *
 * Pads the data with zeros to the next 8-byte boundary, records the offset
 * and writes a &struct bindox_object.
 *
 * Return: 0, -EINVAL, -EMSGSIZE (data or object limit), -ENOMEM.
 */
int bindox_msg_append_handle(BindoxMsg *m, uint32_t handle);

/**
 * bindox_msg_append_node() - append a BINDOX_OBJ_NODE object
 * @m:		message
 * @cookie:	names a node owned by the sender; the driver creates the
 *		node the first time the sender sends this cookie, and calls
 *		to it carry this cookie (bindox_msg_get_cookie())
 *
 * Return: as bindox_msg_append_handle().
 */
int bindox_msg_append_node(BindoxMsg *m, uint64_t cookie);

/**
 * bindox_msg_rewind() - move the read cursor back to the start
 * @m:	message, or NULL (no-op)
 */
void bindox_msg_rewind(BindoxMsg *m);

/**
 * bindox_msg_read_bytes() - read raw bytes
 * @m:		message
 * @n:		count
 * @out:	set to the bytes, inside the message
 *
 * Return: 0; -EINVAL for NULL arguments; -EBADMSG if fewer than @n bytes
 * remain or they would run into an unread object.
 */
int bindox_msg_read_bytes(BindoxMsg *m, size_t n, const void **out);

/**
 * bindox_msg_read_u32() - read a value written by bindox_msg_append_u32()
 * @m:		message
 * @out:	the value
 *
 * Return: as bindox_msg_read_bytes().
 */
int bindox_msg_read_u32(BindoxMsg *m, uint32_t *out);

/**
 * bindox_msg_read_u64() - read a value written by bindox_msg_append_u64()
 * @m:		message
 * @out:	the value
 *
 * Return: as bindox_msg_read_bytes().
 */
int bindox_msg_read_u64(BindoxMsg *m, uint64_t *out);

/**
 * bindox_msg_read_string() - read a string written by bindox_msg_append_string()
 * @m:		message
 * @out:	set to the NUL-terminated string, inside the message
 * @len_out:	its length without the NUL, or NULL
 *
 * Return: as bindox_msg_read_bytes(); -EBADMSG also if the terminating NUL
 * is missing or the string contains a NUL.
 */
int bindox_msg_read_string(BindoxMsg *m, const char **out, size_t *len_out);

/**
 * bindox_msg_read_object() - read the next object
 * @m:		message
 * @out:	the object (a copy)
 *
 * Skips to the next 8-byte boundary, which must be where the next recorded
 * object is, and reads it. The padding skipped is not checked.
 *
 * Return: 0; -EINVAL for NULL arguments; -EBADMSG if no object is there, or
 * it is out of bounds, of an unknown type or has non-zero flags/reserved.
 */
int bindox_msg_read_object(BindoxMsg *m, struct bindox_object *out);

/**
 * bindox_msg_read_handle() - read the next object, which must be a handle
 * @m:		message
 * @out:	the handle in the receiver's table
 *
 * A received handle is a reference owned by the receiver: release it with
 * bindox_handle_release() when it is no longer needed.
 *
 * Return: as bindox_msg_read_object(); -EBADMSG also if the object is not a
 * BINDOX_OBJ_HANDLE or its value does not fit 32 bits.
 */
int bindox_msg_read_handle(BindoxMsg *m, uint32_t *out);

/**
 * bindox_msg_read_node() - read the next object, which must be a node
 * @m:		message
 * @out:	the cookie of one of the receiver's own nodes
 *
 * Return: as bindox_msg_read_object(); -EBADMSG also if the object is not a
 * BINDOX_OBJ_NODE.
 */
int bindox_msg_read_node(BindoxMsg *m, uint64_t *out);

/**
 * bindox_msg_read_end() - check that everything has been read
 * @m:	message
 *
 * Return: 0 if the cursor is at the end of the data and every object was
 * read; -EBADMSG otherwise; -EINVAL if @m is NULL.
 */
int bindox_msg_read_end(const BindoxMsg *m);

/**
 * bindox_msg_get_data() - the data
 * @m:		message
 * @size:	set to the number of bytes, or NULL
 *
 * Return: the data (NULL if there is none), valid until @m changes.
 */
const void *bindox_msg_get_data(const BindoxMsg *m, size_t *size);

/**
 * bindox_msg_get_n_objects() - number of objects recorded
 * @m:	message
 *
 * Return: the count, 0 if @m is NULL.
 */
size_t bindox_msg_get_n_objects(const BindoxMsg *m);

/**
 * bindox_msg_get_object() - random access to an object
 * @m:		message
 * @index:	0 .. bindox_msg_get_n_objects() - 1
 * @out:	the object, or NULL
 * @offset:	its offset in the data, or NULL
 *
 * Does not move the cursor. Useful to release every handle of a message
 * that is refused without being parsed.
 *
 * Return: 0; -EINVAL; -EBADMSG if the recorded offset is misaligned or out of
 * bounds.
 */
int bindox_msg_get_object(const BindoxMsg *m, size_t index, struct bindox_object *out,
			  size_t *offset);

/**
 * bindox_msg_get_type() - type of a received message
 * @m:	message
 *
 * Return: enum bindox_message_type (BINDOX_MSG_CALL, ...), 0 for a message
 * that was built rather than received, or for NULL.
 */
uint32_t bindox_msg_get_type(const BindoxMsg *m);

/**
 * bindox_msg_get_flags() - BINDOX_TF_* flags of a received message
 * @m:	message
 *
 * Return: the flags, 0 for NULL.
 */
uint32_t bindox_msg_get_flags(const BindoxMsg *m);

/**
 * bindox_msg_get_id() - id of a received BINDOX_MSG_CALL
 * @m:	message
 *
 * Return: the id to pass to bindox_reply_recv() or bindox_reply(); 0 for
 * other messages or NULL.
 */
uint64_t bindox_msg_get_id(const BindoxMsg *m);

/**
 * bindox_msg_get_cookie() - cookie of a received message
 * @m:	message
 *
 * Return: CALL/ONEWAY: the cookie of the receiver's node that was called;
 * DEATH: the cookie given to bindox_death_subscribe(); 0 for NULL.
 */
uint64_t bindox_msg_get_cookie(const BindoxMsg *m);

/**
 * bindox_msg_get_creds() - credentials of the sender of a received message
 * @m:		message
 * @out:	the credentials
 *
 * Return: 0, or -EINVAL for NULL arguments.
 */
int bindox_msg_get_creds(const BindoxMsg *m, BindoxCreds *out);

#ifdef __cplusplus
}
#endif

#endif /* BINDOX_MSG_H */
