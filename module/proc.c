// SPDX-License-Identifier: GPL-2.0
/*
 * Procs: creation, the incoming queue, and teardown when the file goes.
 */
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <uapi/linux/bindox.h>
#include "bindox.h"
#include "coordinator.h"
#include "domain.h"
#include "handle.h"
#include "node.h"
#include "proc.h"
#include "stats.h"
#include "txn.h"
#include "user.h"

static DEFINE_MUTEX(bindox_procs_lock);
static LIST_HEAD(bindox_procs);

/**
 * bindox_proc_new() - create the proc of a newly opened file
 * @domain:	the domain whose device was opened
 * @cred:	the opener's credentials (file->f_cred)
 *
 * Runs in the opening task: the proc keeps its process too, so that the
 * identity a message carries is the opener's, pid and ids alike.
 *
 * Return: the proc with one reference (the file's), or NULL.
 */
struct bindox_proc *bindox_proc_new(struct bindox_domain *domain,
				    const struct cred *cred)
{
	struct bindox_proc *proc;

	proc = kzalloc(sizeof(*proc), GFP_KERNEL_ACCOUNT);
	if (!proc)
		return NULL;
	proc->user = bindox_user_get(cred->euid);
	if (!proc->user) {
		kfree(proc);
		return NULL;
	}
	kref_init(&proc->kref);
	proc->domain = bindox_domain_ref(domain);
	proc->cred = get_cred(cred);
	proc->opener = get_task_pid(current, PIDTYPE_TGID);
	mutex_init(&proc->lock);
	proc->nodes = RB_ROOT;
	xa_init_flags(&proc->handles, XA_FLAGS_ALLOC1);
	proc->handles_by_node = RB_ROOT;
	INIT_LIST_HEAD(&proc->todo);
	INIT_LIST_HEAD(&proc->calls);
	xa_init(&proc->todo_by_sender);
	xa_init(&proc->oneway_by_domain);
	xa_init_flags(&proc->inflight, XA_FLAGS_ALLOC1);
	/*
	 * Reserving the last slot of the first chunk keeps that chunk
	 * allocated: a call that takes and frees slot 1 then costs no
	 * xarray node allocation (and no RCU free) per call.
	 */
	if (xa_reserve(&proc->inflight, XA_CHUNK_SIZE - 1, GFP_KERNEL_ACCOUNT)) {
		bindox_user_unref(proc->user);
		put_pid(proc->opener);
		put_cred(proc->cred);
		bindox_domain_unref(proc->domain);
		kfree(proc);
		return NULL;
	}
	init_waitqueue_head(&proc->wait);
	bindox_buffer_table_init(&proc->buffers);
	bindox_stat_inc(BINDOX_STAT_PROCS);

	mutex_lock(&bindox_procs_lock);
	list_add_tail(&proc->procs_entry, &bindox_procs);
	mutex_unlock(&bindox_procs_lock);
	return proc;
}

/**
 * bindox_proc_free() - kref release function of a proc
 * @kref:	the proc's kref
 */
void bindox_proc_free(struct kref *kref)
{
	struct bindox_proc *proc = container_of(kref, struct bindox_proc, kref);

	WARN_ON(!list_empty(&proc->todo));
	WARN_ON(!RB_EMPTY_ROOT(&proc->nodes));
	xa_destroy(&proc->handles);
	xa_destroy(&proc->inflight);
	bindox_user_unref(proc->user);
	put_pid(proc->opener);
	put_cred(proc->cred);
	bindox_domain_unref(proc->domain);
	mutex_destroy(&proc->lock);
	kfree(proc);
	bindox_stat_dec(BINDOX_STAT_PROCS);
}

/*
 * Take everything off a dying proc under its lock, so that the rest of the
 * teardown can run without it (it takes other procs' locks). The calls it
 * made fail at once. Returns false if it was dead already.
 */
static bool bindox_proc_detach(struct bindox_proc *proc,
			       struct list_head *txns, struct list_head *nodes)
{
	struct bindox_work *work, *tmp;
	struct bindox_handle *handle;
	struct bindox_txn *txn, *ttmp;
	struct rb_node *rb;
	unsigned long id;

	mutex_lock(&proc->lock);
	if (proc->dead) {
		mutex_unlock(&proc->lock);
		return false;
	}
	WRITE_ONCE(proc->dead, true);
	list_for_each_entry_safe(txn, ttmp, &proc->calls, call_entry) {
		list_del_init(&txn->call_entry);
		bindox_txn_complete(txn, NULL, -BINDOX_EDEADPEER);
	}
	/* Queued deaths stay with their handles, which free them below. */
	list_for_each_entry_safe(work, tmp, &proc->todo, entry) {
		list_del_init(&work->entry);
		if (work->type == BINDOX_WORK_TXN)
			list_add_tail(&work->entry, txns);
	}
	proc->n_todo = 0;
	xa_destroy(&proc->todo_by_sender);
	xa_destroy(&proc->oneway_by_domain);
	xa_for_each(&proc->inflight, id, txn) {
		xa_erase(&proc->inflight, id);
		list_add_tail(&txn->work.entry, txns);
	}
	/* A proc may hold bindox_max_handles of them: let others run. */
	xa_for_each(&proc->handles, id, handle) {
		bindox_handle_destroy(proc, handle);
		cond_resched();
	}
	while ((rb = rb_first(&proc->nodes))) {
		struct bindox_node *node;

		node = rb_entry(rb, struct bindox_node, owner_rb);
		rb_erase(rb, &proc->nodes);
		RB_CLEAR_NODE(rb);
		list_add_tail(&node->reap_entry, nodes);
	}
	atomic_sub(proc->n_nodes, &proc->user->nodes);
	atomic_sub(proc->n_nodes, &proc->domain->nodes);
	proc->n_nodes = 0;
	mutex_unlock(&proc->lock);
	return true;
}

/*
 * The proc dies: calls waiting in its queue or being handled, and the calls
 * it made, fail with BINDOX_EDEADPEER, its nodes die and tell their
 * watchers, its handles and buffer ids drop. Once only; the struct stays.
 */
static void bindox_proc_kill(struct bindox_proc *proc)
{
	struct bindox_node *node, *ntmp;
	struct bindox_work *work, *tmp;
	LIST_HEAD(nodes);
	LIST_HEAD(txns);

	bindox_coordinator_drop(proc);
	if (!bindox_proc_detach(proc, &txns, &nodes))
		return;
	/* Receivers still waiting learn that it is over. */
	wake_up_all(&proc->wait);
	bindox_buffer_table_release(proc);

	list_for_each_entry_safe(work, tmp, &txns, entry) {
		struct bindox_txn *txn = container_of(work, struct bindox_txn,
						      work);

		list_del_init(&work->entry);
		bindox_txn_complete(txn, NULL, -BINDOX_EDEADPEER);
		bindox_txn_unref(txn);
		cond_resched();
	}
	list_for_each_entry_safe(node, ntmp, &nodes, reap_entry) {
		list_del_init(&node->reap_entry);
		bindox_node_kill(node);
		bindox_death_fire(node);
		bindox_node_unref(node);
		cond_resched();
	}
}

/**
 * bindox_proc_release() - the file was released: the proc dies
 * @proc:	the proc; the file's reference is dropped
 */
void bindox_proc_release(struct bindox_proc *proc)
{
	bindox_proc_kill(proc);
	bindox_domain_close(proc->domain);
	mutex_lock(&bindox_procs_lock);
	list_del(&proc->procs_entry);
	mutex_unlock(&bindox_procs_lock);
	bindox_proc_unref(proc);
}

/**
 * bindox_procs_kill_domain() - end every open file of a removed domain
 * @domain:	the domain, no longer openable
 *
 * The files stay open but dead: their ioctls fail with ENODEV. Takes the
 * procs one at a time, with no lock held while one dies.
 */
void bindox_procs_kill_domain(struct bindox_domain *domain)
{
	struct bindox_proc *proc;

	for (;;) {
		struct bindox_proc *victim = NULL;

		mutex_lock(&bindox_procs_lock);
		list_for_each_entry(proc, &bindox_procs, procs_entry) {
			if (proc->domain == domain && !READ_ONCE(proc->dead)) {
				victim = bindox_proc_ref(proc);
				break;
			}
		}
		mutex_unlock(&bindox_procs_lock);
		if (!victim)
			break;
		bindox_proc_kill(victim);
		bindox_proc_unref(victim);
		cond_resched();
	}
}

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
	unsigned long uid = from_kuid(&init_user_ns, txn->sender_euid);
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
	if (sync)
		wake_up_interruptible_sync(&proc->wait);
	else
		wake_up_interruptible(&proc->wait);
	return 0;
}

/**
 * bindox_proc_wait() - sleep until the queue has something
 * @proc:	the proc
 * @timeout:	jiffies left (MAX_SCHEDULE_TIMEOUT: forever), updated
 *
 * Receivers wait exclusively: one message wakes one thread.
 *
 * Return: 0 when there may be work, -ETIMEDOUT, -EINTR on a signal, or
 * -ENODEV once the proc was killed (its domain removed by force).
 */
int bindox_proc_wait(struct bindox_proc *proc, long *timeout)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err = 0;

	add_wait_queue_exclusive(&proc->wait, &wait);
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
	remove_wait_queue(&proc->wait, &wait);
	return err;
}

/**
 * bindox_procs_dump() - describe every proc, for debugfs
 * @m:	the seq_file
 */
void bindox_procs_dump(struct seq_file *m)
{
	struct bindox_proc *proc;

	mutex_lock(&bindox_procs_lock);
	list_for_each_entry(proc, &bindox_procs, procs_entry) {
		mutex_lock(&proc->lock);
		seq_printf(m, "proc %p domain %u euid %u dead %d nodes %u handles %u queued %u\n",
			   proc, proc->domain->id,
			   from_kuid_munged(&init_user_ns, proc->cred->euid),
			   proc->dead, proc->n_nodes, proc->n_handles,
			   proc->n_todo);
		mutex_unlock(&proc->lock);
	}
	mutex_unlock(&bindox_procs_lock);
}
