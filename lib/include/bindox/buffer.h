/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_BUFFER_H
#define BINDOX_BUFFER_H

/**
 * DOC: buffers (Mapping Delivery)
 *
 * A &BindoxBuffer is a block of memory that travels in messages without
 * being copied: the driver allocates it (zeroed), every process that
 * receives it maps the same physical pages, and the driver decides who may
 * map it and who may write it. Large buffers are backed by 2 MiB pages, each
 * one page table entry, so mapping 1 GiB costs about 512 entries; the
 * library has the driver fill them when it maps a buffer.
 *
 * Who may write, and when:
 *
 * - After bindox_buffer_alloc(), the allocating process is the only holder
 *   and may read and write (bindox_buffer_writable() is true).
 * - bindox_msg_append_buffer() with BINDOX_BUFFER_MOVE: when the message is
 *   sent (in fact as soon as the driver builds it), the sender loses all
 *   access: its mapping stays in place but any read or write through it
 *   faults (SIGBUS), so it can never change what the receiver reads. The
 *   receiver gets the buffer writable (unless it was sealed before). If the
 *   send fails before the message is queued, the driver gives the buffer
 *   back to the sender. When the same buffer later comes back to this
 *   connection, the library maps it into the mapping the moved buffer had
 *   (the driver checks it is the same buffer): bindox_buffer_data() of the
 *   moved &BindoxBuffer is then NULL. Never keep pointers into a buffer
 *   after moving it.
 * - With BINDOX_BUFFER_SHARE the buffer is sealed when the message is sent,
 *   for good, even if the send fails: nobody may write it any more. Writes
 *   fault (SIGBUS) for the sender and every receiver, mprotect(PROT_WRITE)
 *   fails with EACCES. The sender can still read it; any number of
 *   receivers map it read-only.
 * - Fill the buffer before appending it: from the append on,
 *   bindox_buffer_writable() is false, as the library cannot know when the
 *   message is sent.
 * - Moving or sealing a buffer fails with -EBUSY while a page of it is
 *   pinned for DMA (io_uring registered buffers, RDMA).
 *
 * Lifetime: a &BindoxBuffer owns the process's id of the buffer and its
 * mapping. bindox_buffer_release() unmaps it and drops the id, also after
 * the buffer was moved away (the id stays reserved until then). The memory
 * is freed when the last holder has released it, the last message carrying
 * it is gone, and nobody maps it; ids also go when their connection is
 * closed or the process dies. Release every buffer before closing the
 * &BindoxConn it came from.
 *
 * Memory is charged to the allocating process's memory cgroup and counts
 * against the driver's per-process and per-domain quotas (module
 * parameters max_proc_buffer_bytes and max_domain_buffer_bytes):
 * bindox_buffer_alloc() fails with -EDQUOT beyond them.
 *
 * A &BindoxBuffer may be read and written by several threads at once (it is
 * plain memory), but allocating, appending and releasing it are not
 * thread-safe.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bindox/conn.h>
#include <bindox/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct BindoxBuffer BindoxBuffer;

#define BINDOX_BUFFER_MOVE 1  /* ownership passes; sender loses write access */
#define BINDOX_BUFFER_SHARE 2 /* sealed read-only; several receivers */

/**
 * bindox_buffer_alloc() - allocate a buffer and map it read-write
 * @c:		connection
 * @size:	bytes wanted, at least 1 (rounded up to the page size)
 * @out:	the new buffer, writable
 *
 * Return: 0; -EINVAL; -EDQUOT over a quota; -ENOSPC if the process holds
 * too many buffer ids; -ENOMEM; -EINTR if a fatal signal arrived while the
 * memory was being allocated.
 */
int bindox_buffer_alloc(BindoxConn *c, size_t size, BindoxBuffer **out);

/**
 * bindox_buffer_data() - where the buffer is mapped
 * @b:	buffer
 *
 * Return: the address (valid until bindox_buffer_release()), NULL for NULL.
 */
void *bindox_buffer_data(const BindoxBuffer *b);

/**
 * bindox_buffer_size() - size of the buffer in bytes
 * @b:	buffer
 *
 * Return: the size, a multiple of the page size; 0 for NULL.
 */
size_t bindox_buffer_size(const BindoxBuffer *b);

/**
 * bindox_buffer_writable() - whether this process may write the buffer now
 * @b:	buffer
 *
 * Return: true for a buffer allocated here or received with
 * BINDOX_BUFFER_MOVE while open, until it is appended to a message; false
 * for a sealed buffer, after an append, and for NULL.
 */
bool bindox_buffer_writable(const BindoxBuffer *b);

/**
 * bindox_buffer_id() - the buffer's id in this process's table
 * @b:	buffer
 *
 * Return: the id (its mmap offset on the connection's fd is id times the
 * page size), 0 for NULL.
 */
uint32_t bindox_buffer_id(const BindoxBuffer *b);

/**
 * bindox_msg_append_buffer() - append a buffer object to a message
 * @m:		message
 * @b:		a buffer of this process
 * @mode:	BINDOX_BUFFER_MOVE or BINDOX_BUFFER_SHARE
 *
 * Like bindox_msg_append_handle(): pads to 8 bytes, records the offset and
 * writes a BINDOX_OBJ_BUFFER object. @b stays valid (release it when done);
 * it is no longer writable.
 *
 * Return: 0; -EINVAL for NULL arguments or another mode; -EMSGSIZE;
 * -ENOMEM.
 */
int bindox_msg_append_buffer(BindoxMsg *m, BindoxBuffer *b, uint32_t mode);

/**
 * bindox_msg_get_buffer() - take a received buffer, mapped
 * @m:			a message received with bindox_call(), bindox_recv()
 *			or bindox_reply_recv() (or bindox_reply())
 * @object_index:	index of a BINDOX_OBJ_BUFFER object (0-based, as for
 *			bindox_msg_get_object())
 * @out:		the buffer, mapped read-write if this process may write
 *			it, read-only otherwise
 *
 * The returned buffer owns the id the driver delivered: each object can be
 * taken once. Buffers that are not taken keep their ids until the
 * connection is closed.
 *
 * Return: 0; -EINVAL for NULL arguments, an index out of range or a message
 * that was not received; -EBADMSG if the object is not a buffer;
 * -EALREADY if it was taken already; -ENOMEM; an error of mmap(2).
 */
int bindox_msg_get_buffer(BindoxMsg *m, size_t object_index, BindoxBuffer **out);

/**
 * bindox_buffer_release() - unmap a buffer and drop this process's id
 * @b:	buffer, or NULL (no-op)
 */
void bindox_buffer_release(BindoxBuffer *b);

#ifdef __cplusplus
}
#endif

#endif /* BINDOX_BUFFER_H */
