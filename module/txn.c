// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: copying a message in, checking its objects, rewriting them
 * for the receiver, and copying it out.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "buffer.h"
#include "domain.h"
#include "handle.h"
#include "node.h"
#include "proc.h"
#include "stats.h"
#include "txn.h"
#include "user.h"

/* Wraps after 2^32 messages: a trace pairs events far closer than that. */
static atomic_t bindox_txn_debug_ids = ATOMIC_INIT(0);

/*
 * Small messages are the common case: their data lives inside the txn, so
 * that a message costs one allocation, not two. And mostly not even that:
 * a freed txn becomes one of its sender's spares (proc->spare_txns), which
 * the sender's next messages take. A caller waiting for its reply and a
 * server answering one call at a time then send without allocating.
 *
 * Larger data, up to BINDOX_TXN_SPARE_DATA_MAX, is kept the same way
 * (proc->spare_data): with init_on_alloc, Debian's default, a new buffer
 * is zeroed before the copy from the sender overwrites it, and for a
 * stream of 4 KiB messages that zeroing was a tenth of the CPU time.
 * Only the sender's own earlier data is in a spare, and only data_size
 * bytes of a message are ever read.
 *
 * A one-way sender runs ahead of its receiver by a message or more: with
 * one spare of each, its next message often found the spare still in use
 * and allocated (kmalloc's zeroing was 3-4% of a 4 KiB stream's samples;
 * 0.1-0.8% with BINDOX_SPARES of each).
 *
 * Spares were allocated by the sender itself, so their memory stays
 * charged where it was; they are freed with the proc.
 */
#define BINDOX_TXN_INLINE_MAX		256U
#define BINDOX_TXN_SPARE_DATA_MAX	(16U * 1024U)

/* A spare data buffer keeps its size in its first bytes. */
struct bindox_spare_data {
	u32 cap;
};

/* Take one of @spares, or NULL if there is none. */
static void *bindox_spare_take(struct bindox_spares *spares)
{
	void *p;
	int i;

	for (i = 0; i < BINDOX_SPARES; i++) {
		if (!READ_ONCE(spares->slot[i]))
			continue;
		p = xchg(&spares->slot[i], NULL);
		if (p)
			return p;
	}
	return NULL;
}

/*
 * Keep @p in a free slot of @spares, or else in place of the first: the
 * latest freed fits what the sender sends now. Returns what to free.
 */
static void *bindox_spare_put(struct bindox_spares *spares, void *p)
{
	int i;

	for (i = 0; i < BINDOX_SPARES; i++)
		if (!READ_ONCE(spares->slot[i]) &&
		    !cmpxchg(&spares->slot[i], NULL, p))
			return NULL;
	return xchg(&spares->slot[0], p);
}

static struct bindox_txn *bindox_txn_alloc(struct bindox_proc *sender,
					   u32 flags)
{
	struct bindox_txn *txn = bindox_spare_take(&sender->spare_txns);

	if (txn)
		memset(txn, 0, sizeof(*txn));
	else
		txn = kzalloc(struct_size(txn, inline_data,
					  BINDOX_TXN_INLINE_MAX),
			      GFP_KERNEL_ACCOUNT);
	if (!txn)
		return NULL;
	kref_init(&txn->kref);
	INIT_LIST_HEAD(&txn->work.entry);
	INIT_LIST_HEAD(&txn->call_entry);
	txn->work.type = BINDOX_WORK_TXN;
	txn->home = bindox_proc_ref(sender);
	txn->flags = flags;
	txn->debug_id = (u32)atomic_inc_return(&bindox_txn_debug_ids);
	spin_lock_init(&txn->lock);
	txn->state = BINDOX_TXN_NEW;
	init_waitqueue_head(&txn->wait);
	bindox_stat_inc(BINDOX_STAT_TXNS);
	return txn;
}

/*
 * Room for @size bytes of data: inside the txn if it fits there, else
 * one of the sender's spares if large enough, else a new buffer, of a
 * power of two up to the spare limit (the size kmalloc gives anyway) so
 * that it can serve larger messages when it is a spare.
 */
static int bindox_txn_alloc_data(struct bindox_txn *txn, u32 size)
{
	struct bindox_spare_data *spare;
	int i;

	if (size <= BINDOX_TXN_INLINE_MAX) {
		txn->data = txn->inline_data;
		return 0;
	}
	if (size <= BINDOX_TXN_SPARE_DATA_MAX) {
		/* A spare too small for this size is freed. */
		for (i = 0; i < BINDOX_SPARES; i++) {
			spare = bindox_spare_take(&txn->home->spare_data);
			if (!spare)
				break;
			if (spare->cap >= size) {
				txn->data_cap = spare->cap;
				txn->data = spare;
				return 0;
			}
			kvfree(spare);
		}
		size = roundup_pow_of_two(size);
		txn->data_cap = size;
	}
	txn->data = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	return txn->data ? 0 : -ENOMEM;
}

/* Keep a freed txn's data buffer as one of its sender's spares. */
static void bindox_txn_park_data(struct bindox_txn *txn)
{
	struct bindox_spare_data *spare = txn->data;

	if (!spare || txn->data == txn->inline_data)
		return;
	if (!txn->data_cap) {
		kvfree(spare);
		return;
	}
	spare->cap = txn->data_cap;
	kvfree(bindox_spare_put(&txn->home->spare_data, spare));
}

/* Keep a freed txn as one of its sender's spares. */
static void bindox_txn_park(struct bindox_txn *txn)
{
	struct bindox_proc *home = txn->home;

	bindox_txn_park_data(txn);
	kfree(bindox_spare_put(&home->spare_txns, txn));
	/* Last: dropping it may free @home, and with it the spares. */
	bindox_proc_unref(home);
}

/**
 * bindox_txn_drop_spares() - free a proc's spare txns and data buffers
 * @proc:	the proc, being freed
 */
void bindox_txn_drop_spares(struct bindox_proc *proc)
{
	int i;

	for (i = 0; i < BINDOX_SPARES; i++) {
		kfree(xchg(&proc->spare_txns.slot[i], NULL));
		kvfree(xchg(&proc->spare_data.slot[i], NULL));
	}
}

/*
 * The payload is copied here, not in the ioctl layer: its sizes are only
 * known, and its memory only allocated, once the message exists.
 */
static int bindox_txn_copy_in(struct bindox_txn *txn,
			      const struct bindox_payload *payload)
{
	u32 n = payload->offsets_count;

	if (payload->data_size) {
		int err = bindox_txn_alloc_data(txn, payload->data_size);

		if (err)
			return err;
		if (copy_from_user(txn->data,
				   u64_to_user_ptr(payload->data_ptr),
				   payload->data_size))
			return -EFAULT;
		txn->data_size = payload->data_size;
	}
	if (n) {
		txn->offsets = kvmalloc_array(n, sizeof(*txn->offsets),
					      GFP_KERNEL_ACCOUNT);
		txn->objs = kcalloc(n, sizeof(*txn->objs), GFP_KERNEL_ACCOUNT);
		if (!txn->offsets || !txn->objs)
			return -ENOMEM;
		if (copy_from_user(txn->offsets,
				   u64_to_user_ptr(payload->offsets_ptr),
				   array_size(n, sizeof(*txn->offsets))))
			return -EFAULT;
		txn->n_objs = n;
	}
	return 0;
}

/*
 * Check the object table: each offset 8-byte aligned, inside the data,
 * after the end of the previous object (so in order and not overlapping).
 * Resolve each object to a node reference while the sender's lock is held.
 */
static int bindox_txn_resolve(struct bindox_txn *txn,
			      struct bindox_proc *sender)
{
	const size_t obj_size = sizeof(struct bindox_object);
	u64 min_offset = 0;
	int err = 0;
	u32 i;

	if (!txn->n_objs)
		return 0;
	mutex_lock(&sender->lock);
	for (i = 0; i < txn->n_objs; i++) {
		u64 off = txn->offsets[i];
		struct bindox_object *obj;
		struct bindox_node *node;

		if (off % BINDOX_OBJECT_ALIGN || off < min_offset ||
		    off > txn->data_size || txn->data_size - off < obj_size) {
			err = -EINVAL;
			break;
		}
		min_offset = off + obj_size;
		obj = txn->data + off;
		if (obj->type == BINDOX_OBJ_BUFFER) {
			err = bindox_msg_buffer_attach(txn, i, sender, obj);
			if (err)
				break;
			continue;
		}
		if (obj->flags || obj->reserved) {
			err = -EINVAL;
			break;
		}
		switch (obj->type) {
		case BINDOX_OBJ_NODE:
			node = bindox_node_get_or_create(sender, obj->value);
			break;
		case BINDOX_OBJ_HANDLE:
			node = obj->value > U32_MAX ? ERR_PTR(-EINVAL) :
				bindox_handle_node(sender, obj->value);
			break;
		default:
			node = ERR_PTR(-EINVAL);
			break;
		}
		if (IS_ERR(node)) {
			err = PTR_ERR(node);
			break;
		}
		txn->objs[i] = node;
	}
	mutex_unlock(&sender->lock);
	return err;
}

/**
 * bindox_txn_build() - copy a message in from the sender
 * @sender:	the sending proc (of the current task)
 * @payload:	the user's payload description
 * @flags:	BINDOX_TF_*
 *
 * Return: the txn with one reference, or an ERR_PTR: -E2BIG over the
 * limits, -EDQUOT over the sender's user's max_user_msg_bytes, -EFAULT for
 * bad pointers, -EINVAL for a malformed object table or an unknown handle,
 * -ENXIO for handle 0 without a Coordinator, -ENOSPC or -ENOMEM.
 */
struct bindox_txn *bindox_txn_build(struct bindox_proc *sender,
				    const struct bindox_payload *payload,
				    u32 flags)
{
	u32 size = payload->data_size;
	struct bindox_txn *txn;
	u64 bytes;
	int err;

	if (size > BINDOX_MAX_DATA_SIZE ||
	    payload->offsets_count > BINDOX_MAX_OBJECTS)
		return ERR_PTR(-E2BIG);
	txn = bindox_txn_alloc(sender, flags);
	if (!txn)
		return ERR_PTR(-ENOMEM);
	/* Both bounded above: no overflow. */
	bytes = sizeof(*txn) + size + (u64)payload->offsets_count *
		(sizeof(*txn->offsets) + sizeof(*txn->objs));
	err = bindox_user_charge_bytes(sender->user, bytes);
	if (!err) {
		txn->sender_user = bindox_user_ref(sender->user);
		txn->charged = bytes;
		err = bindox_txn_copy_in(txn, payload);
	}
	if (!err)
		err = bindox_txn_resolve(txn, sender);
	if (!err)
		err = bindox_msg_buffer_revoke(txn);
	if (err) {
		bindox_txn_unref(txn);
		return ERR_PTR(err);
	}
	txn->sender_pid = get_pid(sender->opener);
	txn->sender_euid = sender->cred->euid;
	txn->sender_egid = sender->cred->egid;
	txn->sender_domain = bindox_domain_ref(sender->domain);
	return txn;
}

/**
 * bindox_txn_free() - kref release function of a txn
 * @kref:	the txn's kref
 */
void bindox_txn_free(struct kref *kref)
{
	struct bindox_txn *txn = container_of(kref, struct bindox_txn, kref);
	u32 i;

	for (i = 0; i < txn->n_objs; i++)
		bindox_node_unref(txn->objs[i]);
	bindox_msg_buffer_free(txn);
	kfree(txn->objs);
	kvfree(txn->offsets);
	put_pid(txn->sender_pid);
	bindox_domain_unref(txn->sender_domain);
	if (txn->sender_user)
		atomic64_sub(txn->charged, &txn->sender_user->msg_bytes);
	bindox_user_unref(txn->sender_user);
	bindox_node_unref(txn->target);
	bindox_proc_unref(txn->to);
	bindox_txn_unref(txn->reply);
	bindox_txn_park(txn);
	bindox_stat_dec(BINDOX_STAT_TXNS);
}

/**
 * bindox_txn_complete() - finish a call with a reply or an error
 * @txn:	the call
 * @reply:	the reply (its reference moves to @txn once done), or NULL
 * @error:	0 or a negative errno for the caller
 *
 * A call that is already done or abandoned is left alone; the reference to
 * @reply stays with the caller then.
 *
 * Return: true if the call is now done with @reply and @error.
 */
bool bindox_txn_complete(struct bindox_txn *txn, struct bindox_txn *reply,
			 int error)
{
	bool done = false;

	spin_lock(&txn->lock);
	if (txn->state != BINDOX_TXN_DONE &&
	    txn->state != BINDOX_TXN_ABANDONED) {
		txn->reply = reply;
		txn->error = error;
		/* Publishes reply and error to bindox_transfer_done(). */
		smp_store_release(&txn->state, BINDOX_TXN_DONE);
		done = true;
	}
	spin_unlock(&txn->lock);
	if (done)
		wake_up_interruptible_sync(&txn->wait);
	return done;
}

/* Drop the handles that translating the first @n objects added. */
static void bindox_txn_untranslate_first(struct bindox_txn *txn,
					 struct bindox_proc *proc, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		struct bindox_object *obj = txn->data + txn->offsets[i];

		if (obj->type == BINDOX_OBJ_HANDLE)
			bindox_handle_put_node(proc, txn->objs[i]);
		else if (obj->type == BINDOX_OBJ_BUFFER)
			bindox_msg_buffer_untranslate(txn, i, proc);
	}
}

/**
 * bindox_txn_translate() - rewrite the objects for the receiving proc
 * @txn:	the message
 * @proc:	the receiver; its lock is held
 *
 * Nodes the receiver owns come back as BINDOX_OBJ_NODE with its cookie,
 * every other node as a handle in its table.
 *
 * Return: 0, or an error of bindox_handle_add() with nothing changed;
 * -ENODEV if @proc was killed.
 */
int bindox_txn_translate(struct bindox_txn *txn, struct bindox_proc *proc)
{
	u32 i;
	int err;

	lockdep_assert_held(&proc->lock);
	/* Killed meanwhile (its domain removed): nothing may be added. */
	if (proc->dead)
		return -ENODEV;
	for (i = 0; i < txn->n_objs; i++) {
		struct bindox_object *obj = txn->data + txn->offsets[i];
		struct bindox_node *node = txn->objs[i];
		u32 id;

		if (obj->type == BINDOX_OBJ_BUFFER) {
			err = bindox_msg_buffer_translate(txn, i, proc, obj);
			if (err) {
				bindox_txn_untranslate_first(txn, proc, i);
				return err;
			}
			continue;
		}
		if (node->owner == proc) {
			obj->type = BINDOX_OBJ_NODE;
			obj->value = node->cookie;
			continue;
		}
		err = bindox_handle_add(proc, node, &id);
		if (err) {
			bindox_txn_untranslate_first(txn, proc, i);
			return err;
		}
		obj->type = BINDOX_OBJ_HANDLE;
		obj->value = id;
	}
	return 0;
}

/**
 * bindox_txn_untranslate() - undo bindox_txn_translate()
 * @txn:	the message
 * @proc:	the receiver; its lock is held
 */
void bindox_txn_untranslate(struct bindox_txn *txn, struct bindox_proc *proc)
{
	lockdep_assert_held(&proc->lock);
	bindox_txn_untranslate_first(txn, proc, txn->n_objs);
}

/**
 * bindox_txn_fits() - whether a message fits the receiver's capacities
 * @txn:	the message
 * @cap:	the receiver's payload capacities
 *
 * Return: true if it fits.
 */
bool bindox_txn_fits(const struct bindox_txn *txn,
		     const struct bindox_payload *cap)
{
	return txn->data_size <= cap->data_size &&
	       txn->n_objs <= cap->offsets_count;
}

/**
 * bindox_txn_copy_out() - copy a translated message to the receiver
 * @txn:	the message, already translated for the current proc
 * @msg:	the receiver's message description (kernel copy), filled in
 * @type:	enum bindox_message_type
 * @cookie:	the cookie to report
 *
 * Credentials are translated into the current task's namespaces. The
 * payload goes to the buffers @msg names from here, as only the message
 * knows it.
 *
 * Return: 0 or -EFAULT.
 */
int bindox_txn_copy_out(struct bindox_txn *txn, struct bindox_message *msg,
			u32 type, u64 cookie)
{
	struct user_namespace *user_ns = current_user_ns();

	if (txn->data_size &&
	    copy_to_user(u64_to_user_ptr(msg->payload.data_ptr), txn->data,
			 txn->data_size))
		return -EFAULT;
	if (txn->n_objs &&
	    copy_to_user(u64_to_user_ptr(msg->payload.offsets_ptr),
			 txn->offsets,
			 array_size(txn->n_objs, sizeof(*txn->offsets))))
		return -EFAULT;
	msg->type = type;
	msg->flags = txn->flags;
	msg->cookie = cookie;
	/* 0 once the opener is gone: its number may be someone else's. */
	msg->sender_pid = pid_has_task(txn->sender_pid, PIDTYPE_TGID) ?
			  pid_nr_ns(txn->sender_pid,
				    task_active_pid_ns(current)) : 0;
	msg->sender_euid = from_kuid_munged(user_ns, txn->sender_euid);
	msg->sender_egid = from_kgid_munged(user_ns, txn->sender_egid);
	msg->sender_domain = txn->sender_domain->id;
	msg->payload.data_size = txn->data_size;
	msg->payload.offsets_count = txn->n_objs;
	return 0;
}
