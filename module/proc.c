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
	spin_lock_init(&proc->queue_lock);
	proc->nodes = RB_ROOT;
	xa_init_flags(&proc->handles, XA_FLAGS_ALLOC1);
	proc->handles_by_node = RB_ROOT;
	INIT_LIST_HEAD(&proc->todo);
	INIT_LIST_HEAD(&proc->calls);
	xa_init(&proc->todo_by_sender);
	xa_init(&proc->oneway_by_domain);
	xa_init_flags(&proc->inflight, XA_FLAGS_ALLOC1);
	xa_init(&proc->parked);
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
	init_waitqueue_head(&proc->receivers);
	init_waitqueue_head(&proc->room);
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
	WARN_ON(!xa_empty(&proc->parked));
	xa_destroy(&proc->handles);
	xa_destroy(&proc->inflight);
	/* Empty but for slots a sender reserved as the proc died. */
	xa_destroy(&proc->todo_by_sender);
	xa_destroy(&proc->oneway_by_domain);
	bindox_txn_drop_spares(proc);
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
	struct bindox_handle *handle;
	struct bindox_txn *txn, *ttmp;
	struct rb_node *rb;
	unsigned long id;

	mutex_lock(&proc->lock);
	if (proc->dead) {
		mutex_unlock(&proc->lock);
		return false;
	}
	bindox_proc_close_queue(proc, txns);
	list_for_each_entry_safe(txn, ttmp, &proc->calls, call_entry) {
		list_del_init(&txn->call_entry);
		bindox_txn_complete(txn, NULL, -BINDOX_EDEADPEER);
	}
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
	bindox_proc_wake_all(proc);
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
			   READ_ONCE(proc->n_todo));
		mutex_unlock(&proc->lock);
	}
	mutex_unlock(&bindox_procs_lock);
}
