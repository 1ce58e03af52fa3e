/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_PROC_H
#define __BINDOX_PROC_H

/**
 * DOC: Procs
 *
 * A proc is one open file of a bindox device: the unit that owns nodes,
 * holds handles and receives messages. Any thread of any process holding the
 * file may use it; there is no per-thread state in the driver, so the number
 * of threads a process uses costs the kernel nothing.
 *
 * The proc's incoming queue (@todo) holds calls, one-way messages and
 * death notifications in arrival order. It holds at most bindox_max_queued
 * messages, at most bindox_max_queued_per_sender from the senders of one
 * uid (@todo_by_sender counts them; a few zero counts stay, see queue.c),
 * and one-way messages of one domain up to that domain's count and bytes
 * (@oneway_by_domain, like binder's async space), so that no sender can
 * fill it for everyone else. A one-way sender that finds no room fails with
 * EAGAIN or, if it asked to, waits on @room until a receiver takes a
 * message (queue.c). A call taken off the queue moves to @inflight until
 * one of the proc's threads replies to it. A call's id is its slot in
 * @inflight (low 32 bits: the lowest free one, so the table stays small and
 * warm) and a per-proc sequence number (high 32 bits), so a stale id never
 * answers a later call that reuses the slot.
 *
 * When the file is released the proc dies: @dead is set under @lock and
 * @queue_lock, so nothing is queued to it any more; queued and in-flight
 * calls, and the calls it made (@calls), fail with BINDOX_EDEADPEER; its
 * nodes die (their watchers are told); its handles and buffer ids drop.
 * Removing its domain by force kills it the same way while the file stays
 * open: every ioctl then fails with ENODEV. The struct itself stays while
 * nodes and transactions still point at it.
 */

#include <linux/cred.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include "buffer.h"
#include "busy_poll.h"
#include "hold.h"

struct bindox_domain;
struct bindox_user;

enum bindox_work_type {
	BINDOX_WORK_TXN,
	BINDOX_WORK_DEATH,
};

/* An entry of a proc's incoming queue, embedded in a txn or a death. */
struct bindox_work {
	struct list_head entry;
	enum bindox_work_type type;
};

/* How many freed txns, and data buffers, a proc keeps for its next sends. */
#define BINDOX_SPARES	4

/* Each slot NULL or a spare; taken and filled with xchg() and cmpxchg(). */
struct bindox_spares {
	void *slot[BINDOX_SPARES];
};

struct bindox_proc {
	struct kref kref;
	struct bindox_domain *domain;
	const struct cred *cred;
	struct pid *opener;		/* ref: the opening process */
	struct bindox_user *user;	/* ref: of cred's euid */
	struct list_head procs_entry;	/* under bindox_procs_lock */
	struct bindox_spares spare_txns;	/* freed txns (txn.c) */
	struct bindox_spares spare_data;	/* freed data buffers (txn.c) */
	struct xarray parked;		/* own lock: thread id -> park (park.h) */

	/*
	 * The incoming queue (queue.c). Senders take only this lock, not
	 * @lock: a receiver holds @lock while it translates what it takes.
	 * Removing from @todo takes @lock as well, so that a message at its
	 * head stays there while the receiver holding @lock works on it.
	 */
	spinlock_t queue_lock;		/* protects the queue's fields below */
	struct list_head todo;		/* struct bindox_work */
	u32 n_todo;
	struct xarray todo_by_sender;	/* sender's uid -> account (queue.c) */
	struct xarray oneway_by_domain;	/* sender domain -> account */
	u32 idle_by_sender, idle_by_domain;	/* their accounts at zero */

	struct mutex lock;		/* protects everything below */
	bool dead;			/* set under @queue_lock too */
	struct rb_root nodes;		/* owned nodes, by cookie */
	u32 n_nodes;
	struct xarray handles;		/* handle id -> struct bindox_handle */
	struct rb_root handles_by_node;	/* the same handles, by node */
	u32 n_handles;
	struct list_head calls;		/* txn.call_entry: calls it made */
	struct xarray inflight;		/* call slot -> received txn */
	u32 call_seq;			/* high half of the next call id */
	wait_queue_head_t wait;		/* poll() */
	wait_queue_head_t receivers;	/* exclusive: bindox_proc_wait() */
	atomic_t receivers_woken;	/* woken, not yet running (queue.c) */
	wait_queue_head_t room;		/* exclusive: senders, for room */
	struct bindox_busy_poll receive_poll;	/* its receivers' */
	struct bindox_busy_poll call_poll;	/* its callers' */
	struct bindox_buffer_table buffers;	/* under @lock but .bytes */
};

struct bindox_proc *bindox_proc_new(struct bindox_domain *domain,
				    const struct cred *cred);
void bindox_proc_free(struct kref *kref);
void bindox_proc_release(struct bindox_proc *proc);
void bindox_procs_kill_domain(struct bindox_domain *domain);
struct seq_file;
void bindox_procs_dump(struct seq_file *m);

/* queue.c: the incoming queue */
struct bindox_txn;
int bindox_proc_enqueue(struct bindox_proc *proc, struct bindox_txn *txn,
			bool sync);
struct bindox_work *bindox_proc_queue_head(struct bindox_proc *proc);
bool bindox_proc_dequeue(struct bindox_proc *proc, struct bindox_work *work);
void bindox_proc_requeue(struct bindox_proc *proc, struct bindox_work *work);
void bindox_proc_queue_death(struct bindox_proc *proc,
			     struct bindox_work *work);
void bindox_proc_close_queue(struct bindox_proc *proc, struct list_head *txns);
int bindox_proc_wait(struct bindox_proc *proc, long *timeout);
void bindox_proc_wake(struct bindox_proc *proc, bool sync);
void bindox_proc_wake_all(struct bindox_proc *proc);
int bindox_proc_wait_room(struct bindox_proc *proc, struct bindox_proc *sender,
			  u32 size);

static inline struct bindox_proc *bindox_proc_ref(struct bindox_proc *proc)
{
	if (proc)
		kref_get(&proc->kref);
	return proc;
}

static inline struct bindox_proc *bindox_proc_unref(struct bindox_proc *proc)
{
	if (proc)
		kref_put(&proc->kref, bindox_proc_free);
	return NULL;
}

#endif /* __BINDOX_PROC_H */
