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
	xa_init(&proc->todo_by_sender);
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
 * teardown can run without it (it takes other procs' locks).
 */
static void bindox_proc_detach(struct bindox_proc *proc,
			       struct list_head *txns, struct list_head *nodes)
{
	struct bindox_work *work, *tmp;
	struct bindox_handle *handle;
	struct bindox_txn *txn;
	struct rb_node *rb;
	unsigned long id;

	mutex_lock(&proc->lock);
	proc->dead = true;
	/* Queued deaths stay with their handles, which free them below. */
	list_for_each_entry_safe(work, tmp, &proc->todo, entry) {
		list_del_init(&work->entry);
		if (work->type == BINDOX_WORK_TXN)
			list_add_tail(&work->entry, txns);
	}
	proc->n_todo = 0;
	xa_destroy(&proc->todo_by_sender);
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
	proc->n_nodes = 0;
	mutex_unlock(&proc->lock);
}

/**
 * bindox_proc_release() - the file was released: the proc dies
 * @proc:	the proc; the file's reference is dropped
 *
 * Calls waiting in the queue or being handled fail with BINDOX_EDEADPEER,
 * the proc's nodes die and tell their watchers, its handles drop.
 */
void bindox_proc_release(struct bindox_proc *proc)
{
	struct bindox_node *node, *ntmp;
	struct bindox_work *work, *tmp;
	LIST_HEAD(nodes);
	LIST_HEAD(txns);

	bindox_coordinator_drop(proc);
	bindox_proc_detach(proc, &txns, &nodes);
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
		bindox_node_unref(node);
		cond_resched();
	}

	mutex_lock(&bindox_procs_lock);
	list_del(&proc->procs_entry);
	mutex_unlock(&bindox_procs_lock);
	bindox_proc_unref(proc);
}

/* The index of a txn's sender in @proc->todo_by_sender. */
static unsigned long bindox_proc_sender_index(const struct bindox_work *work)
{
	const struct bindox_txn *txn = container_of(work, struct bindox_txn,
						    work);

	return from_kuid(&init_user_ns, txn->sender_euid);
}

/*
 * Count one more txn of its sender's uid in @proc's queue, if that uid is
 * below its share. The proc's lock is held.
 */
static int bindox_proc_charge_sender(struct bindox_proc *proc,
				     struct bindox_work *work, bool force)
{
	unsigned long index = bindox_proc_sender_index(work);
	unsigned long n;

	n = xa_to_value(xa_load(&proc->todo_by_sender, index));
	if (!force && n >= READ_ONCE(bindox_max_queued_per_sender))
		return -EAGAIN;
	return xa_err(xa_store(&proc->todo_by_sender, index,
			       xa_mk_value(n + 1), GFP_KERNEL_ACCOUNT));
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
	if (work->type == BINDOX_WORK_TXN) {
		unsigned long index = bindox_proc_sender_index(work);
		unsigned long n;

		n = xa_to_value(xa_load(&proc->todo_by_sender, index));
		/* Replacing an entry allocates nothing. */
		if (n > 1)
			xa_store(&proc->todo_by_sender, index,
				 xa_mk_value(n - 1), 0);
		else
			xa_erase(&proc->todo_by_sender, index);
	}
}

/**
 * bindox_proc_requeue() - put a message back at the head of the queue
 * @proc:	the proc; its lock is held
 * @work:	a message bindox_proc_dequeue() took, with its reference
 *
 * It was there before, so no limit applies; only the memory for its count
 * can fail, and then the count is simply lower.
 */
void bindox_proc_requeue(struct bindox_proc *proc, struct bindox_work *work)
{
	lockdep_assert_held(&proc->lock);
	list_add(&work->entry, &proc->todo);
	proc->n_todo++;
	if (work->type == BINDOX_WORK_TXN)
		bindox_proc_charge_sender(proc, work, true);
}

/**
 * bindox_proc_enqueue() - add a message to a proc's incoming queue
 * @proc:	the receiving proc
 * @work:	the message; on success the queue owns the caller's reference
 * @sync:	whether the caller is about to sleep (a call, not a one-way)
 *
 * Return: 0; BINDOX_EDEADPEER (negated) if the proc died; -EAGAIN if its
 * queue is full, or holds bindox_max_queued_per_sender messages from the
 * sender's uid; -ENOMEM.
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
		err = bindox_proc_charge_sender(proc, work, false);
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
 * Return: 0 when there may be work, -ETIMEDOUT, or -EINTR on a signal.
 */
int bindox_proc_wait(struct bindox_proc *proc, long *timeout)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err = 0;

	add_wait_queue_exclusive(&proc->wait, &wait);
	while (!READ_ONCE(proc->n_todo)) {
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
