/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_TXN_H
#define __BINDOX_TXN_H

/**
 * DOC: Transactions
 *
 * A txn is one message: a call, a one-way message or a reply. Building it
 * copies the sender's data in once, checks every embedded object, resolves
 * each one to a node reference (@objs) and captures the sender's
 * credentials. The sender's user pays for its bytes until it is freed
 * (user.h). Delivering it rewrites the objects for the receiver: a node
 * owned by the receiver comes back as its cookie, any other node as a handle
 * in the receiver's table.
 *
 * A call moves through states, each change under @lock:
 *
 *   QUEUED   on the target's queue (the queue holds a reference)
 *   RECEIVED in the target's in-flight table under an id (the table holds
 *            the queue's reference)
 *   DONE     a reply or an error is attached; the caller is woken
 *   ABANDONED the caller gave up (signal, timeout): whoever holds the txn
 *            next drops it, and a late reply is thrown away
 *
 * The caller sleeps on @wait holding its own reference, so a waker always
 * wakes a live wait queue.
 */

#include <linux/kref.h>
#include <linux/pid.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <uapi/linux/bindox.h>
#include "proc.h"

struct bindox_msg_buffer;
struct bindox_queue_account;
struct bindox_node;

enum bindox_txn_state {
	BINDOX_TXN_NEW,
	BINDOX_TXN_QUEUED,
	BINDOX_TXN_RECEIVED,
	BINDOX_TXN_DONE,
	BINDOX_TXN_ABANDONED,
};

struct bindox_txn {
	struct kref kref;
	struct bindox_work work;
	struct bindox_proc *home;	/* ref: the sender, whose spare it becomes */
	struct list_head call_entry;	/* a call: in its caller's proc->calls */
	u32 flags;			/* BINDOX_TF_* */
	u32 debug_id;			/* names it in trace events */
	struct bindox_node *target;	/* ref; NULL for a reply */
	struct bindox_proc *to;		/* ref: where it is queued */

	/* the sender's identity: its file's opener */
	struct pid *sender_pid;		/* ref */
	kuid_t sender_euid;
	kgid_t sender_egid;
	struct bindox_domain *sender_domain;	/* ref */
	struct bindox_user *sender_user; /* ref, charged @charged bytes */
	u64 charged;
	/* queued: the accounts that count it, else NULL; queue.c, queue_lock */
	struct bindox_queue_account *by_sender, *by_domain;

	/* payload */
	void *data;
	u32 data_size;
	u32 data_cap;			/* of a buffer that can become a spare */
	u32 n_objs;
	u32 handle;			/* the sender's for @target (trace) */
	u64 *offsets;
	struct bindox_node **objs;	/* one ref per node or handle object */
	struct bindox_msg_buffer *bufs; /* per object, NULL without buffers */

	/* calls only */
	u32 reply_data_cap;
	u32 reply_objs_cap;
	u64 id;				/* in to->inflight once RECEIVED */
	spinlock_t lock;		/* protects state, reply, error */
	enum bindox_txn_state state;
	struct bindox_txn *reply;
	int error;
	wait_queue_head_t wait;

	u8 inline_data[] __aligned(8);	/* @data of a small message */
};

struct bindox_txn *bindox_txn_build(struct bindox_proc *sender,
				    const struct bindox_payload *payload,
				    u32 flags);
void bindox_txn_free(struct kref *kref);
void bindox_txn_drop_spares(struct bindox_proc *proc);
bool bindox_txn_complete(struct bindox_txn *txn, struct bindox_txn *reply,
			 int error);
int bindox_txn_translate(struct bindox_txn *txn, struct bindox_proc *proc);
void bindox_txn_untranslate(struct bindox_txn *txn, struct bindox_proc *proc);
int bindox_txn_copy_out(struct bindox_txn *txn, struct bindox_message *msg,
			u32 type, u64 cookie);
bool bindox_txn_fits(const struct bindox_txn *txn,
		     const struct bindox_payload *cap);

static inline struct bindox_txn *bindox_txn_ref(struct bindox_txn *txn)
{
	if (txn)
		kref_get(&txn->kref);
	return txn;
}

static inline struct bindox_txn *bindox_txn_unref(struct bindox_txn *txn)
{
	if (txn)
		kref_put(&txn->kref, bindox_txn_free);
	return NULL;
}

#endif /* __BINDOX_TXN_H */
