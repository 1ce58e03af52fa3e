// SPDX-License-Identifier: GPL-2.0
/*
 * Calls, one-way messages, receiving and replying.
 */
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include "buffer.h"
#include "busy_poll.h"
#include "domain.h"
#include "handle.h"
#include "node.h"
#include "park.h"
#include "proc.h"
#include "transfer.h"
#include "coordinator.h"
#include "txn.h"
#include "bindox_trace.h"

/*
 * At least @ns: one jiffy more than @ns holds, since part of the current
 * one is gone already (a timeout of 100 ms on a 250 Hz kernel could end
 * after 96 ms otherwise).
 */
static long bindox_timeout_jiffies(s64 ns)
{
	unsigned long j;

	if (ns < 0)
		return MAX_SCHEDULE_TIMEOUT;
	if (ns == 0)
		return 0;
	j = nsecs_to_jiffies(ns) + 1;
	if (j >= MAX_SCHEDULE_TIMEOUT)
		return MAX_SCHEDULE_TIMEOUT - 1;
	return j;
}

/*
 * What is left of a positive @timeout_ns once the wait's @total jiffies are
 * down to @left; at least 1 ns, so that a retry still waits (a 0 would be
 * a poll). Others stay as they are.
 */
static s64 bindox_timeout_left_ns(s64 timeout_ns, long total, long left)
{
	u64 waited;

	if (timeout_ns <= 0)
		return timeout_ns;
	waited = jiffies_to_nsecs(total - left);
	return waited < timeout_ns ? timeout_ns - waited : 1;
}

/*
 * The node @handle refers to, if the policy lets @proc call it through
 * that handle (calls to the Coordinator are not checked). Return: a node
 * reference or an ERR_PTR.
 */
static struct bindox_node *bindox_transfer_target(struct bindox_proc *proc,
						  u32 handle)
{
	struct bindox_node *node;
	int err;

	mutex_lock(&proc->lock);
	node = bindox_handle_node(proc, handle);
	if (!IS_ERR(node) && handle != BINDOX_HANDLE_COORDINATOR) {
		err = bindox_handle_may_call(proc, handle);
		if (err) {
			bindox_node_unref(node);
			node = ERR_PTR(err);
		}
	}
	mutex_unlock(&proc->lock);
	return node;
}

/* Build a call or one-way message to @handle and queue it at the owner. */
static struct bindox_txn *bindox_transfer_start(struct bindox_proc *proc,
						const struct bindox_transaction *tx,
						const struct bindox_payload *reply_cap)
{
	struct bindox_node *node;
	struct bindox_txn *txn;
	bool oneway = tx->flags & BINDOX_TF_ONEWAY;
	int err;

	node = bindox_transfer_target(proc, tx->handle);
	if (IS_ERR(node))
		return ERR_CAST(node);

	/* How the sender waits is not part of the message. */
	txn = bindox_txn_build(proc, &tx->payload,
			       tx->flags & ~BINDOX_TF_WAIT_ROOM);
	if (IS_ERR(txn)) {
		bindox_node_unref(node);
		return txn;
	}
	txn->target = node;
	txn->handle = tx->handle;
	txn->to = bindox_proc_ref(node->owner);
	if (reply_cap) {
		txn->reply_data_cap = min(reply_cap->data_size,
					  BINDOX_MAX_DATA_SIZE);
		txn->reply_objs_cap = min(reply_cap->offsets_count,
					  BINDOX_MAX_OBJECTS);
	}
	if (READ_ONCE(node->is_coordinator)) {
		err = bindox_coordinator_check_request(txn, proc);
		if (err)
			goto fail;
	}
	if (bindox_node_is_dead(node)) {
		err = -BINDOX_EDEADPEER;
		goto fail;
	}
	txn->state = BINDOX_TXN_QUEUED;
	err = bindox_proc_enqueue(txn->to, bindox_txn_ref(txn), !oneway);
	if (err) {
		bindox_txn_unref(txn);
		goto fail;
	}
	bindox_msg_buffer_commit(txn, proc);
	return txn;
fail:
	bindox_txn_unref(txn);
	return ERR_PTR(err);
}

/*
 * The caller gave up. Whoever holds the call next drops it; if it is still
 * queued, take it off the queue now.
 */
static bool bindox_transfer_abandon(struct bindox_txn *txn)
{
	enum bindox_txn_state state;
	struct bindox_proc *to = txn->to;

	spin_lock(&txn->lock);
	state = txn->state;
	if (state != BINDOX_TXN_DONE)
		txn->state = BINDOX_TXN_ABANDONED;
	spin_unlock(&txn->lock);
	if (state == BINDOX_TXN_DONE)
		return false;

	if (state == BINDOX_TXN_QUEUED) {
		bool queued;

		/*
		 * Once @to is dead its teardown owns everything that was
		 * queued (it moved the entry to a list of its own).
		 */
		mutex_lock(&to->lock);
		queued = !to->dead && bindox_proc_dequeue(to, &txn->work);
		mutex_unlock(&to->lock);
		if (queued)
			bindox_txn_unref(txn);
	}
	return true;
}

/* Whether the call is done. */
static bool bindox_transfer_done(struct bindox_txn *txn)
{
	/* Pairs with bindox_txn_complete(): reply and error are visible. */
	return smp_load_acquire(&txn->state) == BINDOX_TXN_DONE;
}

/*
 * Hand the reply of a finished call to the calling proc. The copy-out is
 * here, not in the ioctl layer, because its failure must take back the
 * handles and buffer ids the reply gave.
 */
static int bindox_transfer_deliver_reply(struct bindox_proc *proc,
					 struct bindox_txn *reply,
					 struct bindox_message *msg,
					 struct bindox_message __user *umsg)
{
	/* A reply without objects gives nothing to take back: no lock. */
	bool objects = reply->n_objs;
	int err = 0;

	if (objects) {
		mutex_lock(&proc->lock);
		err = bindox_txn_translate(reply, proc);
		mutex_unlock(&proc->lock);
	} else if (READ_ONCE(proc->dead)) {
		err = -ENODEV;
	}
	if (err)
		return err;
	err = bindox_txn_copy_out(reply, msg, BINDOX_MSG_REPLY, 0);
	msg->id = 0;
	if (!err && copy_to_user(umsg, msg, sizeof(*msg)))
		err = -EFAULT;
	if (!objects)
		return err;
	mutex_lock(&proc->lock);
	if (err)
		bindox_txn_untranslate(reply, proc);
	else
		bindox_msg_buffer_publish(reply);
	mutex_unlock(&proc->lock);
	return err;
}

/* The call is over, answered or not: off the caller's list, and freed. */
static int bindox_transfer_call_end(struct bindox_proc *proc,
				    struct bindox_txn *txn, int err)
{
	mutex_lock(&proc->lock);
	list_del_init(&txn->call_entry);
	mutex_unlock(&proc->lock);
	trace_bindox_call_done(txn->debug_id, err);
	bindox_txn_unref(txn);
	return err;
}

/* A park nobody resumed ends like an interrupted call. */
static void bindox_transfer_drop_park(struct bindox_proc *proc,
				      struct bindox_park *park)
{
	bindox_transfer_abandon(park->txn);
	bindox_transfer_call_end(proc, park->txn, -EINTR);
	atomic_dec(&proc->domain->calls);
	bindox_park_free(park);
}

/*
 * A signal that runs no handler interrupted the wait: park the call for the
 * ioctl's restart (park.h). The park keeps the call's place in the domain's
 * limit. Returns false if it cannot be parked.
 */
static bool bindox_transfer_park(struct bindox_proc *proc,
				 const struct bindox_park *wait)
{
	struct bindox_park *park, *stale;

	park = bindox_park_new(wait);
	if (!park)
		return false;
	if (put_user(park->token, &wait->uargs->reply.id) ||
	    bindox_park_store(proc, park, &stale)) {
		bindox_park_free(park);
		return false;
	}
	atomic_inc(&proc->domain->calls);
	if (stale)
		bindox_transfer_drop_park(proc, stale);
	return true;
}

static long bindox_jiffies_left(unsigned long deadline)
{
	long left = (long)(deadline - jiffies);

	return left > 0 ? left : 0;
}

/*
 * Wait for the reply of the call @wait describes and copy it out; the
 * call's reference is consumed, unless the call is parked (-ERESTARTNOHAND).
 */
static int bindox_transfer_await(struct bindox_proc *proc,
				 struct bindox_park *wait)
{
	struct bindox_txn *txn = wait->txn;
	enum bindox_signal_effect effect;
	struct bindox_busy_poll_wait poll;
	long timeout, left;
	bool slept;
	int err;

	bindox_busy_poll_start(&poll, wait->forever ||
			       bindox_jiffies_left(wait->deadline) ?
			       &proc->call_poll : NULL);
	while (!bindox_transfer_done(txn) && bindox_busy_poll_more(&poll))
		cpu_relax();
	slept = !bindox_transfer_done(txn);
	bindox_busy_poll_stop(&poll, !slept);
	trace_bindox_call_poll(&poll, !slept);
	do {
		timeout = wait->forever ? MAX_SCHEDULE_TIMEOUT :
			  bindox_jiffies_left(wait->deadline);
		left = wait_event_interruptible_timeout(txn->wait,
							bindox_transfer_done(txn),
							timeout);
		effect = left < 0 ? bindox_signal_effect() : BINDOX_SIGNAL_GONE;
		if (effect == BINDOX_SIGNAL_RESTARTS &&
		    bindox_transfer_park(proc, wait))
			return -ERESTARTNOHAND;
		/* Woken for a signal another thread took: wait on. */
	} while (left < 0 && effect == BINDOX_SIGNAL_GONE);
	if (slept)
		bindox_busy_poll_learn(&poll);

	if (left <= 0 && bindox_transfer_abandon(txn))
		return bindox_transfer_call_end(proc, txn,
						left ? -EINTR : -ETIMEDOUT);
	err = txn->error;
	if (!err)
		err = bindox_transfer_deliver_reply(proc, txn->reply,
						    &wait->args.reply,
						    &wait->uargs->reply);
	return bindox_transfer_call_end(proc, txn, err);
}

/**
 * bindox_transfer_call() - send a call, wait for its reply
 * @proc:	the caller's proc
 * @args:	the call, checked by the ioctl layer; its reply is filled in
 * @uargs:	where @args are in user memory
 *
 * A signal that runs a handler (or kills) ends the wait with -EINTR, the
 * timeout with -ETIMEDOUT; the call is then abandoned (a later reply is
 * dropped) and never restarted, since the server may already have acted on
 * it. A signal that runs no handler parks the call instead (park.h).
 *
 * Return: 0 with the reply copied out, -ERESTARTNOHAND once parked, or a
 * negative errno.
 */
int bindox_transfer_call(struct bindox_proc *proc,
			 struct bindox_call_args *args,
			 struct bindox_call_args __user *uargs)
{
	long timeout = bindox_timeout_jiffies(args->timeout_ns);
	struct bindox_park wait = {
		.uargs = uargs,
		.forever = timeout == MAX_SCHEDULE_TIMEOUT,
		.deadline = jiffies + timeout,
	};
	struct bindox_txn *txn;

	txn = bindox_transfer_start(proc, &args->tx, &args->reply.payload);
	if (IS_ERR(txn))
		return PTR_ERR(txn);
	/* Killing this proc fails the calls it made (proc->calls). */
	mutex_lock(&proc->lock);
	if (proc->dead)
		bindox_txn_complete(txn, NULL, -ENODEV);
	else
		list_add(&txn->call_entry, &proc->calls);
	mutex_unlock(&proc->lock);

	wait.txn = txn;
	wait.args = *args;
	/* What a restart's arguments are compared with (resume). */
	wait.args.reply.id = 0;
	return bindox_transfer_await(proc, &wait);
}

/**
 * bindox_transfer_resume() - go on with the current thread's parked call
 * @proc:	the caller's proc
 * @args:	a BINDOX_IOC_CALL's arguments, checked by the ioctl layer
 * @err:	the call's result, when resumed
 *
 * A restarted ioctl comes with the park's token in the reply's id and
 * otherwise the same arguments. Any other call means that the thread's
 * park, if it has one, will never be resumed: it is dropped.
 *
 * Return: true if the parked call was resumed (*@err is its result), false
 * for a new call.
 */
bool bindox_transfer_resume(struct bindox_proc *proc,
			    const struct bindox_call_args *args, int *err)
{
	struct bindox_park *park = bindox_park_take(proc);
	struct bindox_call_args restarted;
	struct bindox_park wait;

	if (!park)
		return false;
	restarted = *args;
	restarted.reply.id = 0;
	if (park->token != args->reply.id ||
	    memcmp(&park->args, &restarted, sizeof(restarted))) {
		bindox_transfer_drop_park(proc, park);
		return false;
	}
	wait = *park;
	bindox_park_free(park);
	*err = bindox_transfer_await(proc, &wait);
	atomic_dec(&proc->domain->calls);
	return true;
}

/**
 * bindox_transfer_drop_parked() - the file is released: no park resumes
 * @proc:	the proc
 */
void bindox_transfer_drop_parked(struct bindox_proc *proc)
{
	struct bindox_park *park;

	while ((park = bindox_park_take_any(proc)))
		bindox_transfer_drop_park(proc, park);
}

/*
 * Wait until the queue of @handle's owner has room for a one-way message of
 * @size bytes from @proc. Return: 0 (there may be room: the send decides),
 * -ERESTARTSYS, or the handle's error (it changed since the refused send).
 */
static int bindox_transfer_wait_room(struct bindox_proc *proc, u32 handle,
				     u32 size)
{
	struct bindox_proc *to;
	struct bindox_node *node;
	int err;

	node = bindox_transfer_target(proc, handle);
	if (IS_ERR(node))
		return PTR_ERR(node);
	to = bindox_proc_ref(node->owner);
	bindox_node_unref(node);
	err = bindox_proc_wait_room(to, proc, size);
	bindox_proc_unref(to);
	return err;
}

/**
 * bindox_transfer_send() - queue a one-way message
 * @proc:	the sender's proc
 * @tx:		the message, checked by the ioctl layer (BINDOX_TF_ONEWAY,
 *		maybe BINDOX_TF_WAIT_ROOM)
 *
 * A full queue refuses the message (-EAGAIN); with BINDOX_TF_WAIT_ROOM the
 * sender waits for room and tries again, as often as another sender takes
 * the room first; not for a message that could never fit (-EMSGSIZE, see
 * bindox_proc_enqueue()).
 *
 * Return: 0 once queued, or a negative errno.
 */
int bindox_transfer_send(struct bindox_proc *proc,
			 const struct bindox_transaction *tx)
{
	bool wait = tx->flags & BINDOX_TF_WAIT_ROOM;
	struct bindox_txn *txn;
	int err;

	for (;;) {
		txn = bindox_transfer_start(proc, tx, NULL);
		if (!IS_ERR(txn))
			break;
		err = PTR_ERR(txn);
		if (!wait || err != -EAGAIN)
			return err;
		err = bindox_transfer_wait_room(proc, tx->handle,
						tx->payload.data_size);
		if (err)
			return err;
		/*
		 * The room test and the queue's limits agree, so a sender
		 * that was let through finds room or lost it to another;
		 * should they ever disagree, this loop would not sleep.
		 */
		cond_resched();
	}
	bindox_txn_unref(txn);
	return 0;
}

/* Take a death notification off the queue; the proc's lock is held. */
static void bindox_transfer_take_death(struct bindox_proc *proc,
				       struct bindox_work *work,
				       struct bindox_message *msg)
{
	struct bindox_death *death = container_of(work, struct bindox_death,
						  work);

	lockdep_assert_held(&proc->lock);
	bindox_proc_dequeue(proc, work);
	msg->type = BINDOX_MSG_DEATH;
	msg->flags = 0;
	msg->id = 0;
	msg->cookie = death->cookie;
	msg->sender_pid = 0;
	msg->sender_euid = 0;
	msg->sender_egid = 0;
	msg->sender_domain = 0;
	msg->payload.data_size = 0;
	msg->payload.offsets_count = 0;
	death->handle->death = NULL;
	bindox_death_free(death);
}

/*
 * Take the first message for the receiver, or tell why not. Returns 1 when
 * the queue is empty, 0 with *taken set (a txn) or with @msg filled (a death).
 * The proc's lock is held.
 *
 * A taken txn belongs to the receiving thread alone (with the queue's
 * reference) until bindox_transfer_publish() or _untake(): a call's slot
 * in @proc->inflight is only reserved, so that no other thread can answer
 * the call before its receiver has it, and its buffers' new holds are
 * PENDING.
 */
static int bindox_transfer_take(struct bindox_proc *proc,
				struct bindox_message *msg,
				struct bindox_txn **taken)
{
	struct bindox_work *work;
	struct bindox_txn *txn;
	bool oneway;
	u32 slot = 0;
	u64 id = 0;
	int err;

	lockdep_assert_held(&proc->lock);
	*taken = NULL;
	for (;;) {
		work = bindox_proc_queue_head(proc);
		if (!work)
			return 1;
		if (work->type == BINDOX_WORK_DEATH) {
			bindox_transfer_take_death(proc, work, msg);
			return 0;
		}
		txn = container_of(work, struct bindox_txn, work);
		spin_lock(&txn->lock);
		if (txn->state != BINDOX_TXN_ABANDONED)
			break;
		spin_unlock(&txn->lock);
		bindox_proc_dequeue(proc, work);
		bindox_txn_unref(txn);
	}
	spin_unlock(&txn->lock);

	if (!bindox_txn_fits(txn, &msg->payload)) {
		msg->payload.data_size = txn->data_size;
		msg->payload.offsets_count = txn->n_objs;
		return -EMSGSIZE;
	}
	oneway = txn->flags & BINDOX_TF_ONEWAY;
	if (!oneway) {
		err = xa_alloc(&proc->inflight, &slot, NULL, xa_limit_32b,
			       GFP_KERNEL_ACCOUNT);
		if (err < 0)
			return err == -EBUSY ? -ENOSPC : err;
		proc->call_seq++;
		id = (u64)proc->call_seq << 32 | slot;
	}
	err = bindox_txn_translate(txn, proc);
	if (err) {
		if (!oneway)
			xa_release(&proc->inflight, slot);
		/* It will not fit later either: off the queue, see refuse. */
		bindox_proc_dequeue(proc, work);
		*taken = txn;
		return err;
	}
	bindox_proc_dequeue(proc, work);
	if (!oneway) {
		spin_lock(&txn->lock);
		txn->id = id;
		if (txn->state == BINDOX_TXN_QUEUED)
			txn->state = BINDOX_TXN_RECEIVED;
		spin_unlock(&txn->lock);
	}
	msg->id = id;
	*taken = txn;
	return 0;
}

/*
 * A message whose objects the receiver's tables have no room for (or that
 * cannot be translated for another reason) must not block the queue: a
 * call fails with the error, a one-way message is dropped, and the
 * receiver is told with the same error.
 */
static void bindox_transfer_refuse(struct bindox_txn *txn, int err)
{
	if (!(txn->flags & BINDOX_TF_ONEWAY))
		bindox_txn_complete(txn, NULL, err);
	bindox_txn_unref(txn);		/* the queue's reference */
}

/*
 * The receiver has the message: a call can be answered from now on, and the
 * ids of its buffers can be used. The call's queue reference moves to the
 * in-flight table.
 */
static int bindox_transfer_publish(struct bindox_proc *proc,
				   struct bindox_txn *txn)
{
	/*
	 * A one-way message without objects has nothing to publish: it was
	 * the receiver's once taken. Not taking the lock a second time keeps
	 * the receiver off the lock its senders queue on.
	 */
	if (txn->flags & BINDOX_TF_ONEWAY && !txn->n_objs)
		return 0;
	mutex_lock(&proc->lock);
	/* Killed while copying out: its teardown took the ids already. */
	if (proc->dead) {
		mutex_unlock(&proc->lock);
		bindox_transfer_refuse(txn, -BINDOX_EDEADPEER);
		return -ENODEV;
	}
	bindox_msg_buffer_publish(txn);
	/* Fills the slot take reserved: no allocation, cannot fail. */
	if (!(txn->flags & BINDOX_TF_ONEWAY))
		xa_store(&proc->inflight, lower_32_bits(txn->id), txn,
			 GFP_KERNEL_ACCOUNT);
	mutex_unlock(&proc->lock);
	return 0;
}

/* Copying out failed: put the message back at the head of the queue. */
static void bindox_transfer_untake(struct bindox_proc *proc,
				   struct bindox_txn *txn)
{
	mutex_lock(&proc->lock);
	if (proc->dead) {
		/* Killed meanwhile: its teardown took the ids already. */
		mutex_unlock(&proc->lock);
		bindox_transfer_refuse(txn, -BINDOX_EDEADPEER);
		return;
	}
	bindox_txn_untranslate(txn, proc);
	if (!(txn->flags & BINDOX_TF_ONEWAY)) {
		xa_release(&proc->inflight, lower_32_bits(txn->id));
		spin_lock(&txn->lock);
		if (txn->state == BINDOX_TXN_RECEIVED)
			txn->state = BINDOX_TXN_QUEUED;
		spin_unlock(&txn->lock);
	}
	bindox_proc_requeue(proc, &txn->work);
	mutex_unlock(&proc->lock);
}

/*
 * Receivers wait exclusively, so a receiver that leaves without taking a
 * message (it does not fit, a signal came with the wakeup, ...) hands the
 * wakeup on to the next waiter.
 */
static void bindox_transfer_pass_wakeup(struct bindox_proc *proc)
{
	if (READ_ONCE(proc->n_todo))
		bindox_proc_wake(proc, false);
}

/**
 * bindox_transfer_receive() - wait for the next message and copy it out
 * @proc:	the receiving proc
 * @msg:	a kernel copy of @umsg: the receiver's room, in and out
 * @umsg:	where the message goes in user memory
 * @timeout_ns:	how long to wait: 0 not at all, < 0 for ever; on -EMSGSIZE
 *		what is left of a positive one
 *
 * A message that does not fit stays queued (-EMSGSIZE, with the sizes it
 * needs written back, and the time left for the receive that takes it
 * with larger room: the whole receive waits no longer than asked, and
 * the caller reads no clock); one that cannot be copied out goes back to
 * the head of the queue (-EFAULT); one whose objects cannot be given to
 * the receiver is refused (bindox_transfer_refuse()). A death
 * notification that cannot be copied out is lost. The copy-out is done
 * here, not by the ioctl layer, because its failure must put the message
 * back.
 *
 * Return: 0 with a message, -EAGAIN (timeout 0) or -ETIMEDOUT with none,
 * -EINTR on a signal (-ERESTARTNOHAND when waiting for ever), -EMSGSIZE,
 * -EFAULT, -ENOSPC, -ENOMEM.
 */
int bindox_transfer_receive(struct bindox_proc *proc,
			    struct bindox_message *msg,
			    struct bindox_message __user *umsg, s64 *timeout_ns)
{
	long total = bindox_timeout_jiffies(*timeout_ns);
	long timeout = total;
	struct bindox_txn *txn;
	int err;

	for (;;) {
		mutex_lock(&proc->lock);
		err = bindox_transfer_take(proc, msg, &txn);
		mutex_unlock(&proc->lock);
		if (err <= 0)
			break;
		if (!*timeout_ns)
			return -EAGAIN;
		err = bindox_proc_wait(proc, &timeout);
		if (err) {
			bindox_transfer_pass_wakeup(proc);
			/*
			 * Nothing was taken, so a receive waiting for ever is
			 * restarted after a signal that runs no handler (stop
			 * and continue, freezing), as a socket's read is.
			 */
			if (err == -EINTR && *timeout_ns < 0)
				return -ERESTARTNOHAND;
			return err;
		}
	}
	if (err) {
		if (txn)
			bindox_transfer_refuse(txn, err);
		bindox_transfer_pass_wakeup(proc);
		if (err != -EMSGSIZE)
			return err;
		*timeout_ns = bindox_timeout_left_ns(*timeout_ns, total,
						     timeout);
		if (copy_to_user(umsg, msg, sizeof(*msg)))
			return -EFAULT;
		return err;
	}
	if (!txn)	/* a death notification */
		return copy_to_user(umsg, msg, sizeof(*msg)) ? -EFAULT : 0;

	err = bindox_txn_copy_out(txn, msg, txn->flags & BINDOX_TF_ONEWAY ?
				  BINDOX_MSG_ONEWAY : BINDOX_MSG_CALL,
				  txn->target->cookie);
	if (!err && copy_to_user(umsg, msg, sizeof(*msg)))
		err = -EFAULT;
	if (err) {
		bindox_transfer_untake(proc, txn);
		bindox_transfer_pass_wakeup(proc);
		return err;
	}
	err = bindox_transfer_publish(proc, txn);
	if (!err)
		trace_bindox_receive(txn->debug_id, msg->id);
	if (!err && txn->flags & BINDOX_TF_ONEWAY)
		bindox_txn_unref(txn);
	return err;
}

/**
 * bindox_transfer_reply() - answer a call
 * @proc:	the server's proc, which received the call
 * @id:		the call's id (struct bindox_message.id)
 * @payload:	the reply, checked by the ioctl layer
 *
 * Return: 0 once the reply is handed over (or dropped, if the caller gave
 * up); -EINVAL for an unknown id; -EMSGSIZE over the caller's room; the
 * errors of building a message.
 */
int bindox_transfer_reply(struct bindox_proc *proc, u64 id,
			  const struct bindox_payload *payload)
{
	u32 slot = lower_32_bits(id);
	struct bindox_txn *call, *reply;
	int verdict = 0;
	int err = 0;

	mutex_lock(&proc->lock);
	call = xa_load(&proc->inflight, slot);
	/* txn->id is written under this lock when the call is received. */
	if (call && call->id != id)
		call = NULL;
	bindox_txn_ref(call);
	mutex_unlock(&proc->lock);
	if (!call)
		return -EINVAL;
	if (payload->data_size > call->reply_data_cap ||
	    payload->offsets_count > call->reply_objs_cap) {
		err = -EMSGSIZE;
		goto out;
	}
	reply = bindox_txn_build(proc, payload, 0);
	if (IS_ERR(reply)) {
		err = PTR_ERR(reply);
		goto out;
	}
	/* Another thread may have answered the same id meanwhile. */
	if (xa_cmpxchg(&proc->inflight, slot, call, NULL, 0) != call) {
		bindox_txn_unref(reply);
		err = -EINVAL;
		goto out;
	}
	/* The Coordinator answers: the driver checks what it hands out. */
	if (READ_ONCE(call->target->is_coordinator))
		verdict = bindox_coordinator_check_reply(call, reply);
	trace_bindox_reply(call->debug_id, reply->debug_id, reply->data_size,
			   verdict);
	if (verdict)
		reply = bindox_txn_unref(reply);
	else
		bindox_msg_buffer_commit(reply, proc);
	if (!bindox_txn_complete(call, reply, verdict) && reply) {
		/* The caller gave up: what the reply moved comes back. */
		bindox_msg_buffer_uncommit(reply, proc);
		bindox_txn_unref(reply);
	}
	bindox_txn_unref(call);		/* the in-flight table's reference */
out:
	bindox_txn_unref(call);
	return err;
}
