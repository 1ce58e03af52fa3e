// SPDX-License-Identifier: GPL-2.0
/*
 * A proc's incoming queue: adding, taking and putting back messages, with
 * the per-sender accounts, and waiting for one. Below proc.c's life of a
 * proc, so that handle.c and transfer.c use it without calling up.
 */
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/bindox.h>
#include "bindox.h"
#include "busy_poll.h"
#include "domain.h"
#include "proc.h"
#include "txn.h"

/*
 * The queue's accounts of a txn: messages per sender uid (todo_by_sender,
 * bindox_max_queued_per_sender) and, for one-way messages, count and bytes
 * per sender domain (oneway_by_domain, that domain's max_oneway and
 * max_oneway_bytes), both in one xarray value (bytes << 20 | count; both
 * limits are far below those widths). @delta is +1 or -1; with @force a
 * message that was queued before comes back whatever the limits. The
 * proc's lock is held.
 */
#define BINDOX_SHARE_COUNT_BITS	20

static int bindox_proc_account(struct bindox_proc *proc,
			       struct bindox_work *work, int delta, bool force)
{
	struct bindox_txn *txn = container_of(work, struct bindox_txn, work);
	/* A kuid is the uid in the initial namespace: no mapping needed. */
	unsigned long uid = __kuid_val(txn->sender_euid);
	struct bindox_domain *d = txn->sender_domain;
	unsigned long n, v, count, bytes;
	int err;

	lockdep_assert_held(&proc->lock);
	BUILD_BUG_ON(BITS_PER_LONG < 64);
	/* A count that a failed requeue left lower stays at 0. */
	n = xa_to_value(xa_load(&proc->todo_by_sender, uid));
	n = delta > 0 ? n + 1 : n - !!n;
	if (delta > 0 && !force && n > READ_ONCE(bindox_max_queued_per_sender))
		return -EAGAIN;
	if (txn->flags & BINDOX_TF_ONEWAY) {
		v = xa_to_value(xa_load(&proc->oneway_by_domain, d->id));
		count = v & GENMASK(BINDOX_SHARE_COUNT_BITS - 1, 0);
		bytes = v >> BINDOX_SHARE_COUNT_BITS;
		if (delta > 0) {
			count++;
			bytes += txn->data_size;
		} else {
			count -= !!count;
			bytes -= min_t(unsigned long, bytes, txn->data_size);
		}
		if (delta > 0 && !force &&
		    (count > bindox_domain_limit(d, BINDOX_LIMIT_ONEWAY) ||
		     bytes > bindox_domain_limit(d, BINDOX_LIMIT_ONEWAY_BYTES)))
			return -EAGAIN;
		/* Replacing or erasing an entry allocates nothing. */
		err = xa_err(count ?
			     xa_store(&proc->oneway_by_domain, d->id,
				      xa_mk_value(bytes << BINDOX_SHARE_COUNT_BITS |
						  count), GFP_KERNEL_ACCOUNT) :
			     xa_erase(&proc->oneway_by_domain, d->id));
		if (err)
			return err;
	}
	return xa_err(n ? xa_store(&proc->todo_by_sender, uid, xa_mk_value(n),
				   GFP_KERNEL_ACCOUNT) :
			  xa_erase(&proc->todo_by_sender, uid));
}

/**
 * bindox_proc_dequeue() - take a message off a proc's incoming queue
 * @proc:	the proc; its lock is held
 * @work:	the message, on @proc->todo; the caller gets the queue's
 *		reference
 */
void bindox_proc_dequeue(struct bindox_proc *proc, struct bindox_work *work)
{
	lockdep_assert_held(&proc->lock);
	list_del_init(&work->entry);
	proc->n_todo--;
	if (work->type == BINDOX_WORK_TXN)
		bindox_proc_account(proc, work, -1, false);
}

/**
 * bindox_proc_requeue() - put a message back at the head of the queue
 * @proc:	the proc; its lock is held
 * @work:	a message bindox_proc_dequeue() took, with its reference
 *
 * It was there before, so no limit applies; only the memory for its
 * accounts can fail, and then they are simply lower.
 */
void bindox_proc_requeue(struct bindox_proc *proc, struct bindox_work *work)
{
	lockdep_assert_held(&proc->lock);
	list_add(&work->entry, &proc->todo);
	proc->n_todo++;
	if (work->type == BINDOX_WORK_TXN)
		bindox_proc_account(proc, work, 1, true);
}

/**
 * bindox_proc_enqueue() - add a message to a proc's incoming queue
 * @proc:	the receiving proc
 * @work:	the message; on success the queue owns the caller's reference
 * @sync:	whether the caller is about to sleep (a call, not a one-way)
 *
 * Return: 0; BINDOX_EDEADPEER (negated) if the proc died; -EAGAIN if its
 * queue is full, or holds bindox_max_queued_per_sender messages from the
 * sender's uid, or (a one-way message) the sender domain's max_oneway
 * messages or max_oneway_bytes; -ENOMEM.
 */
int bindox_proc_enqueue(struct bindox_proc *proc, struct bindox_work *work,
			bool sync)
{
	int err = 0;

	mutex_lock(&proc->lock);
	if (proc->dead)
		err = -BINDOX_EDEADPEER;
	else if (proc->n_todo >= READ_ONCE(bindox_max_queued))
		err = -EAGAIN;
	else if (work->type == BINDOX_WORK_TXN)
		err = bindox_proc_account(proc, work, 1, false);
	if (err) {
		mutex_unlock(&proc->lock);
		return err;
	}
	list_add_tail(&work->entry, &proc->todo);
	proc->n_todo++;
	mutex_unlock(&proc->lock);
	bindox_proc_wake(proc, sync);
	return 0;
}

/* What bindox_proc_wake() passes to the receivers' wake function. */
struct bindox_wake_key {
	int cpu;		/* only a receiver that last ran here; or -1 */
	bool woken;		/* set when one was woken */
};

static int bindox_receiver_wake(struct wait_queue_entry *wq_entry,
				unsigned int mode, int sync, void *key)
{
	struct bindox_wake_key *k = key;
	struct task_struct *task = wq_entry->private;
	int ret;

	if (k->cpu >= 0 && task_cpu(task) != k->cpu)
		return 0;
	ret = woken_wake_function(wq_entry, mode, sync, NULL);
	if (ret)
		k->woken = true;
	return ret;
}

/**
 * bindox_proc_wake() - tell one receiver and every poller of new work
 * @proc:	the proc
 * @sync:	whether the caller is about to sleep (it sent a call)
 *
 * A caller that will sleep wakes, if it can, a receiver that last ran on
 * its own CPU: the receiver runs there, answers, and the caller wakes up
 * there too, instead of a pool's threads moving between CPUs with every
 * call.
 */
void bindox_proc_wake(struct bindox_proc *proc, bool sync)
{
	struct bindox_wake_key k = { .cpu = -1 };

	if (sync) {
		/* A hint: that the caller may move at once does no harm. */
		k.cpu = raw_smp_processor_id();
		__wake_up_sync_key(&proc->receivers, TASK_INTERRUPTIBLE, &k);
		k.cpu = -1;
	}
	if (!k.woken)
		__wake_up(&proc->receivers, TASK_INTERRUPTIBLE, 1, &k);
	if (wq_has_sleeper(&proc->wait))
		wake_up_interruptible_poll(&proc->wait, EPOLLIN | EPOLLRDNORM);
}

/* The proc died: every receiver and poller learns it. */
void bindox_proc_wake_all(struct bindox_proc *proc)
{
	struct bindox_wake_key k = { .cpu = -1 };

	__wake_up(&proc->receivers, TASK_INTERRUPTIBLE, 0, &k);
	wake_up_all(&proc->wait);
}

/**
 * bindox_proc_wait() - sleep until the queue has something
 * @proc:	the proc
 * @timeout:	jiffies left (MAX_SCHEDULE_TIMEOUT: forever), updated
 *
 * Receivers wait exclusively on @proc->receivers: one message wakes one
 * thread (bindox_proc_wake() says which).
 *
 * Return: 0 when there may be work, -ETIMEDOUT, -EINTR on a signal, or
 * -ENODEV once the proc was killed (its domain removed by force).
 */
int bindox_proc_wait(struct bindox_proc *proc, long *timeout)
{
	DEFINE_WAIT_FUNC(wait, bindox_receiver_wake);
	u64 poll_end = *timeout ? bindox_busy_poll_end() : 0;
	int err = 0;

	while (!READ_ONCE(proc->n_todo) && !READ_ONCE(proc->dead) &&
	       bindox_busy_poll_more(poll_end))
		cpu_relax();
	add_wait_queue_exclusive(&proc->receivers, &wait);
	while (!READ_ONCE(proc->n_todo)) {
		if (READ_ONCE(proc->dead)) {
			err = -ENODEV;
			break;
		}
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
		if (!*timeout) {
			err = -ETIMEDOUT;
			break;
		}
		*timeout = wait_woken(&wait, TASK_INTERRUPTIBLE, *timeout);
	}
	remove_wait_queue(&proc->receivers, &wait);
	return err;
}
