// SPDX-License-Identifier: GPL-2.0
/*
 * Buffers in messages: taking them from the sender, handing them to the
 * receiver, and giving them back when a message never left.
 */
#include <linux/slab.h>
#include <uapi/linux/bindox.h>
#include "buffer.h"
#include "hold.h"
#include "proc.h"
#include "txn.h"
#include "bindox_trace.h"

/**
 * bindox_msg_buffer_attach() - take a BINDOX_OBJ_BUFFER into a message
 * @txn:	the message being built
 * @index:	the object's index
 * @sender:	the sender; its lock is held
 * @obj:	the object as the sender wrote it
 *
 * BINDOX_BUF_MOVE turns the sender's hold SENDING (no access from now on);
 * BINDOX_BUF_SHARE needs an ACTIVE hold. bindox_msg_buffer_revoke()
 * finishes the job once the lock is dropped.
 *
 * Return: 0; -EINVAL for bad flags, a reserved field set or an unknown or
 * moved id; -EBUSY if the id is being moved by another message; -ENOMEM.
 */
int bindox_msg_buffer_attach(struct bindox_txn *txn, u32 index,
			     struct bindox_proc *sender,
			     const struct bindox_object *obj)
{
	struct bindox_msg_buffer *mbuf;
	struct bindox_hold *hold;
	int state;

	lockdep_assert_held(&sender->lock);
	if ((obj->flags != BINDOX_BUF_MOVE && obj->flags != BINDOX_BUF_SHARE) ||
	    obj->reserved || obj->value > U32_MAX)
		return -EINVAL;
	hold = bindox_hold_lookup(sender, obj->value);
	if (!hold)
		return -EINVAL;
	if (!txn->bufs) {
		txn->bufs = kcalloc(txn->n_objs, sizeof(*txn->bufs),
				    GFP_KERNEL_ACCOUNT);
		if (!txn->bufs)
			return -ENOMEM;
	}
	if (obj->flags == BINDOX_BUF_MOVE)
		state = atomic_cmpxchg(&hold->state, BINDOX_HOLD_ACTIVE,
				       BINDOX_HOLD_SENDING);
	else
		state = atomic_read(&hold->state);
	if (state != BINDOX_HOLD_ACTIVE)
		return state == BINDOX_HOLD_SENDING ? -EBUSY : -EINVAL;

	mbuf = &txn->bufs[index];
	mbuf->mode = obj->flags;
	mbuf->buffer = bindox_buffer_ref(hold->buffer);
	if (obj->flags == BINDOX_BUF_MOVE)
		mbuf->from = bindox_hold_ref(hold);
	return 0;
}

/**
 * bindox_msg_buffer_revoke() - make the sender's loss of rights stick
 * @txn:	the message, its objects attached; no lock held
 *
 * A moved buffer loses the sender's mappings; a shared one is sealed and
 * loses every writable mapping. Pages referenced from outside the driver
 * make moving or sealing an open buffer fail.
 *
 * Return: 0 or -EBUSY.
 */
int bindox_msg_buffer_revoke(struct bindox_txn *txn)
{
	u32 i;
	int err = 0;

	for (i = 0; txn->bufs && i < txn->n_objs && !err; i++) {
		struct bindox_msg_buffer *mbuf = &txn->bufs[i];
		struct bindox_buffer *buffer = mbuf->buffer;

		if (!buffer)
			continue;
		if (mbuf->mode == BINDOX_BUF_MOVE)
			err = bindox_buffer_revoke(buffer,
						   !test_bit(BINDOX_BUFFER_SEALED_CLEAN,
							     &buffer->flags));
		else
			err = bindox_buffer_seal(buffer);
	}
	return err;
}

/**
 * bindox_msg_buffer_commit() - the message left: moves are final
 * @txn:	a message just queued, or a reply just handed to its caller
 * @sender:	its sender; its lock is not held
 *
 * The sender's holds turn MOVED and let go of the memory; from now on the
 * buffers belong to the message, and to its receiver once delivered.
 */
void bindox_msg_buffer_commit(struct bindox_txn *txn,
			      struct bindox_proc *sender)
{
	u32 i;

	if (!txn->bufs)
		return;
	mutex_lock(&sender->lock);
	for (i = 0; i < txn->n_objs; i++) {
		struct bindox_hold *from = txn->bufs[i].from;

		if (from && atomic_cmpxchg(&from->state, BINDOX_HOLD_SENDING,
					   BINDOX_HOLD_MOVED) ==
			    BINDOX_HOLD_SENDING) {
			trace_bindox_buffer_move(bindox_buffer_ino(from->buffer),
						 from->buffer->size, 0);
			/* The message holds the buffer: never the last ref. */
			bindox_buffer_unref(from->buffer);
			from->buffer = NULL;
		}
	}
	mutex_unlock(&sender->lock);
}

/**
 * bindox_msg_buffer_uncommit() - a committed reply nobody took
 * @txn:	a reply bindox_msg_buffer_commit() committed, never delivered
 *		(its caller had given up)
 * @sender:	its sender; its lock is not held
 *
 * The reply is the only holder of the buffers it moved, so the sender's
 * MOVED holds, where the sender has not released them, get their buffers
 * back and turn ACTIVE again, as if the reply had never been sent.
 */
void bindox_msg_buffer_uncommit(struct bindox_txn *txn,
				struct bindox_proc *sender)
{
	u32 i;

	if (!txn->bufs)
		return;
	mutex_lock(&sender->lock);
	for (i = 0; i < txn->n_objs; i++) {
		struct bindox_hold *from = txn->bufs[i].from;

		if (from && atomic_read(&from->state) == BINDOX_HOLD_MOVED) {
			from->buffer = bindox_buffer_ref(txn->bufs[i].buffer);
			atomic_set(&from->state, BINDOX_HOLD_ACTIVE);
		}
	}
	mutex_unlock(&sender->lock);
}

/**
 * bindox_msg_buffer_translate() - give the receiver an id for a buffer
 * @txn:	the message
 * @index:	index of a BINDOX_OBJ_BUFFER object
 * @proc:	the receiver; its lock is held
 * @obj:	the object in the message's data, rewritten
 *
 * The object delivered carries the receiver's id, the mode it was sent
 * with, BINDOX_BUF_WRITABLE if the receiver may write, and the size. The
 * new hold is PENDING until bindox_msg_buffer_publish().
 *
 * Return: 0, or an error of bindox_hold_add().
 */
int bindox_msg_buffer_translate(struct bindox_txn *txn, u32 index,
				struct bindox_proc *proc,
				struct bindox_object *obj)
{
	struct bindox_msg_buffer *mbuf = &txn->bufs[index];
	struct bindox_hold *hold;

	lockdep_assert_held(&proc->lock);
	hold = bindox_hold_add(proc, mbuf->buffer, BINDOX_HOLD_PENDING);
	if (IS_ERR(hold))
		return PTR_ERR(hold);
	mbuf->to = bindox_hold_ref(hold);
	obj->value = hold->id;
	obj->flags = mbuf->mode;
	/* What the hold will allow once published. */
	if (!test_bit(BINDOX_BUFFER_SEALED, &mbuf->buffer->flags))
		obj->flags |= BINDOX_BUF_WRITABLE;
	obj->size = mbuf->buffer->size;
	return 0;
}

/**
 * bindox_msg_buffer_untranslate() - undo bindox_msg_buffer_translate()
 * @txn:	the message, about to go back to the queue
 * @index:	the object's index
 * @proc:	the receiver; its lock is held
 *
 * The hold is still PENDING (the copy to the receiver failed): nothing
 * could look it up, so it is still in the table, unused and unmapped, and
 * there is nothing to revoke.
 */
void bindox_msg_buffer_untranslate(struct bindox_txn *txn, u32 index,
				   struct bindox_proc *proc)
{
	struct bindox_msg_buffer *mbuf = &txn->bufs[index];
	struct bindox_hold *to = mbuf->to;
	bool was_active;

	lockdep_assert_held(&proc->lock);
	if (!to)
		return;
	if (!WARN_ON_ONCE(atomic_read(&to->state) != BINDOX_HOLD_PENDING))
		/* The message holds the buffer: never the last ref. */
		bindox_buffer_unref(bindox_hold_remove(proc, to, &was_active));
	mbuf->to = bindox_hold_unref(to);
}

/**
 * bindox_msg_buffer_publish() - the receiver has the message: ids go live
 * @txn:	the message, translated and copied out to its receiver
 *
 * Turns the receiver's PENDING holds ACTIVE.
 */
void bindox_msg_buffer_publish(struct bindox_txn *txn)
{
	u32 i;

	for (i = 0; txn->bufs && i < txn->n_objs; i++) {
		struct bindox_hold *to = txn->bufs[i].to;

		if (to)
			atomic_cmpxchg(&to->state, BINDOX_HOLD_PENDING,
				       BINDOX_HOLD_ACTIVE);
	}
}

/**
 * bindox_msg_buffer_free() - drop a message's buffers
 * @txn:	the message, being freed
 *
 * A move that was never committed gives the buffer back to its sender.
 */
void bindox_msg_buffer_free(struct bindox_txn *txn)
{
	u32 i;

	for (i = 0; txn->bufs && i < txn->n_objs; i++) {
		struct bindox_msg_buffer *mbuf = &txn->bufs[i];

		if (mbuf->from) {
			atomic_cmpxchg(&mbuf->from->state, BINDOX_HOLD_SENDING,
				       BINDOX_HOLD_ACTIVE);
			bindox_hold_unref(mbuf->from);
		}
		bindox_hold_unref(mbuf->to);
		bindox_buffer_unref(mbuf->buffer);
	}
	kfree(txn->bufs);
}
