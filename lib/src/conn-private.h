/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The connection object and the one place where libbindox talks to the
 * driver. bindox_conn_ioctl(), bindox_conn_mmap(), bindox_conn_remap() and
 * bindox_conn_munmap() are implemented in ioctl-linux.c for the real library; the unit tests link
 * a fake driver in their place.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bindox/buffer.h>
#include <bindox/conn.h>

struct BindoxConn {
	int fd;
	uint32_t version_major;
	uint32_t version_minor;
	/*
	 * The buffer this connection last moved away: a buffer received
	 * later may take over its mapping (buffer.c). Under moved_lock.
	 */
	pthread_mutex_t moved_lock;
	BindoxBuffer *moved;
	/* Smallest payload that goes in a buffer (payload.c); any thread sets it. */
	atomic_size_t payload_buffer_min;
};

/**
 * bindox_conn_ioctl() - issue one ioctl on the connection's descriptor
 * @fd:		file descriptor
 * @request:	BINDOX_IOC_*
 * @arg:	its argument
 *
 * Never restarts on EINTR.
 *
 * Return: 0 on success, the negative errno otherwise.
 */
int bindox_conn_ioctl(int fd, unsigned long request, void *arg);

/**
 * bindox_conn_mmap() - map a buffer, MAP_SHARED, its page tables filled
 * (BINDOX_IOC_BUFFER_MAP, or mmap(2) and madvise(2) on an older driver)
 * @fd:		file descriptor
 * @size:	bytes
 * @offset:	the buffer's offset (id times the page size)
 * @writable:	PROT_READ | PROT_WRITE rather than PROT_READ
 * @out:	the address
 *
 * Return: 0 or the negative errno.
 */
int bindox_conn_mmap(int fd, size_t size, uint64_t offset, bool writable, void **out);

/**
 * bindox_conn_remap() - let a received buffer take over the mapping of a
 * buffer moved away (BINDOX_IOC_BUFFER_MAP with BINDOX_MAP_REUSE): the
 * driver accepts only a mapping of the same buffer that gives no access
 * @fd:		file descriptor
 * @id:		the received buffer's id
 * @addr:	the old mapping
 * @size:	its size (the buffer's)
 * @writable:	whether it is writable (it must match the new rights)
 *
 * Return: 0 (the mapping now serves @id, filled), or the negative errno
 * (nothing changed: map anew).
 */
int bindox_conn_remap(int fd, uint32_t id, void *addr, size_t size, bool writable);

/**
 * bindox_conn_munmap() - undo bindox_conn_mmap()
 * @p:		the address
 * @size:	the size mapped
 */
void bindox_conn_munmap(void *p, size_t size);
