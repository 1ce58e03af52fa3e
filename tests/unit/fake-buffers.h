/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Mapping Delivery buffers in the fake driver (fake-driver.c). The fake
 * keeps a table of ids per descriptor like the module, allocates zeroed
 * memory, and implements the rules of <linux/bindox.h>: BINDOX_BUF_MOVE
 * leaves the sender a moved id (no more mappings), BINDOX_BUF_SHARE seals
 * (read-only mappings only), a receiver gets an id of its own with the mode,
 * BINDOX_BUF_WRITABLE and the size. A "mapping" is the fake's memory itself:
 * the fake checks who may map what, but cannot make a stale mapping fault.
 *
 * fake-driver.c calls the fake_buffers_* functions with its lock held;
 * bindox_conn_mmap()/bindox_conn_munmap() (the library's backend) take the
 * buffers' own lock.
 */

#include <stdint.h>
#include <linux/bindox.h>

/* BINDOX_IOC_BUFFER_*: the ioctl's result, or -ENOTTY for other requests. */
int fake_buffers_ioctl(int fd, unsigned long request, void *arg);
/* Check a BINDOX_OBJ_BUFFER object @fd sends: 0, -EINVAL or -EBUSY. */
int fake_buffers_check(int fd, const struct bindox_object *obj);
/* Deliver a checked object from @from to @to, rewriting it for @to. */
void fake_buffers_deliver(int from, int to, struct bindox_object *obj);
/* The process behind @fd died: drop its ids. */
void fake_buffers_drop(int fd);
