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
 * A *user* is the accounting of one uid over all its files (user.h). A
 * *queue account* counts one sender uid's, or one sender domain's, messages
 * in a proc's queue; the proc owns it, under its lock (queue.c).
 *
 * A *buffer* is memory for Mapping Delivery (buffer.h); a *hold* is a proc's
 * id for a buffer, in the proc's buffer table; each mapping of a buffer holds
 * its hold.
 *
 * Three words for nearby ideas: a *txn* (txn.c) is one message as an
 * object, built from the sender's payload, translated for the receiver
 * and copied out to it; a *transfer* (transfer.c) is what moves txns
 * between procs: a call, a one-way message, a receive, a reply; a
 * *message buffer* (msg_buffer.c, &struct bindox_msg_buffer) is a buffer
 * carried as an object of a txn, which takes it from the sender's hold and
 * gives the receiver a new one.
 *
 * Files, from the top: main.c; file.c and control.c (the devices);
 * ioctl.c (the ioctl layer: arguments, validation, who may do what);
 * transfer.c and proc.c (a proc's life); txn.c and park.c (calls a
 * signal interrupted, park.h); handle.c, msg_buffer.c
 * and buffer_map.c; coordinator.c and hold.c; node.c, queue.c (a proc's
 * incoming queue) and buffer.c; domain.c, policy.c, user.c and stats.c. A
 * file calls only files below it, and says why where it cannot (domain.c
 * installs file.c's file operations). Dropping a reference (*_unref())
 * may run the free function of any object; that is not a call up.
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
 *   5. proc->queue_lock  (spinlock: the incoming queue, queue.c; a sender
 *                         takes it alone, without the receiver's proc->lock)
 *   6. coordinator slot  (spinlock, taken alone or innermost)
 *   7. bindox_users_lock (spinlock, taken alone, inside user.c only)
 *
 * A proc's table of parked calls (proc->parked, an xarray) takes its own
 * lock alone.
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

/**
 * DOC: The life of a call
 *
 * The client: bindox_call() (lib/src/call.c) fills a struct
 * bindox_call_args and makes the BINDOX_IOC_CALL ioctl. bindox_ioctl()
 * hands it to bindox_ioctl_call(), which copies it in, checks it and the
 * domain's calls limit, and calls bindox_transfer_call().
 * bindox_transfer_start() resolves the handle (bindox_handle_node()) and
 * asks policy (bindox_handle_may_call()); bindox_txn_build() copies the
 * payload in and takes its objects (bindox_msg_buffer_attach() for
 * buffers); a call to handle 0 is checked by
 * bindox_coordinator_check_request(); bindox_proc_enqueue() queues it at
 * the node's owner and wakes a receiver, one that last ran on the caller's
 * CPU if one waits (bindox_proc_wake()); bindox_msg_buffer_commit() moves
 * the buffers. The caller sleeps on txn->wait.
 *
 * The server: bindox_reply_recv() (lib/src/recv.c) makes the
 * BINDOX_IOC_REPLY_RECV ioctl; bindox_ioctl_reply_recv() calls
 * bindox_transfer_receive(): bindox_transfer_take() takes the call off the
 * queue (bindox_proc_dequeue()), reserves its id and gives the receiver
 * its objects (bindox_txn_translate()); bindox_txn_copy_out() copies it to
 * the server, and bindox_transfer_publish() makes the id answerable. The
 * server's next bindox_reply_recv() carries the answer:
 * bindox_ioctl_reply_recv() calls bindox_transfer_reply(), which builds
 * the reply (bindox_txn_build()), lets the driver check a Coordinator's
 * answer (bindox_coordinator_check_reply()), commits its buffers and ends
 * the call with bindox_txn_complete(), a sync wakeup of the caller.
 *
 * The client again: bindox_transfer_await() wakes and
 * bindox_transfer_deliver_reply() translates the reply, copies it out
 * (bindox_txn_copy_out()) and publishes its buffer ids; back in
 * bindox_ioctl_call() the domain's call count drops, and bindox_call()
 * hands the reply to its caller (bindox_msg_payload_finish()). With the
 * module parameter busy_poll_ns, bindox_transfer_await() polls for the
 * reply, and bindox_proc_wait() for a message, before they sleep
 * (busy_poll.h). A signal that runs no handler parks the call instead
 * (park.h):
 * bindox_transfer_await() returns -ERESTARTNOHAND, the kernel restarts the
 * ioctl, and bindox_transfer_resume() waits on.
 */

#include <linux/types.h>

/* Limits a process can cause the kernel to allocate; module parameters. */
extern unsigned int bindox_max_handles;
extern unsigned int bindox_max_nodes;
extern unsigned int bindox_max_queued;
extern unsigned int bindox_max_queued_per_sender;

#endif /* __BINDOX_H */
