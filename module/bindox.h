/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_H
#define __BINDOX_H

/**
 * DOC: Bindox objects and lock order
 *
 * A *domain* is one device node (the host's /dev/bindox, later one per
 * container). A *proc* is one open file of a domain's device: every object a
 * process creates hangs off its proc. A *node* is a service endpoint, owned by
 * one proc and named by the owner's cookie. A *handle* is a proc's reference
 * to a node, a number in the proc's table; handle 0 always means the
 * Coordinator's node. A *txn* (transaction) is one message on its way: a call,
 * a one-way message or a reply. A *death* is a subscription to a node's death,
 * owned by the subscriber's handle.
 *
 * A *user* is the accounting of one uid over all its files (user.h).
 *
 * A *buffer* is memory for Mapping Delivery (buffer.h); a *hold* is a proc's
 * id for a buffer, in the proc's buffer table; each mapping of a buffer holds
 * its hold.
 *
 * Every object is reference counted; a pointer stored in another object holds
 * a reference, except death->proc (the death lives inside the proc's handle
 * table and dies with it).
 *
 * Lock order (a lock may only be taken while holding locks above it):
 *
 *   0. mm->mmap_lock     (the kernel's, held around bindox_buffer_mmap() and
 *                         the buffer fault handlers)
 *   1. bindox_procs_lock (mutex, global list of procs, for debugfs)
 *   2. proc->lock        (mutex; never two procs' locks at once)
 *   3. node->lock        (spinlock)
 *   4. txn->lock         (spinlock)
 *   5. coordinator slot  (spinlock, taken alone or innermost)
 *   6. bindox_users_lock (spinlock, taken alone, inside user.c only)
 *
 * bindox_domains_lock (mutex, domain.c: the domain list and every domain's
 * configuration) is taken alone too: removing a domain by force lets go
 * of it before it kills the domain's procs.
 *
 * No user memory is touched while a proc lock is held, so that a fault
 * never runs under it.
 *
 * Buffers add buffer->seal_lock (mutex, around sealing and its
 * revocation), buffer->map_lock (rw_semaphore: the fault handlers hold it
 * for reading, under mmap_lock, around their check and the entry they
 * install; bindox_buffer_revoke() takes it for writing, alone or inside
 * seal_lock, and releases it before zapping) and the kernel's locks that
 * unmap_mapping_range() takes (i_mmap_rwsem, page table locks), which nest
 * inside seal_lock. The fault handlers take no other bindox lock (they
 * only read a hold's state and the buffer's flags, both atomic), and
 * sealing and revoking run with no other bindox lock held, so these locks
 * never nest with the ones above.
 */

#include <linux/types.h>

/* Limits a process can cause the kernel to allocate; module parameters. */
extern unsigned int bindox_max_handles;
extern unsigned int bindox_max_nodes;
extern unsigned int bindox_max_queued;
extern unsigned int bindox_max_queued_per_sender;

#endif /* __BINDOX_H */
