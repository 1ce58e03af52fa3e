// SPDX-License-Identifier: GPL-2.0
/*
 * Handles: a proc's table of node references, and death subscriptions.
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <uapi/linux/bindox.h>
#include "bindox.h"
#include "coordinator.h"
#include "domain.h"
#include "handle.h"
#include "node.h"
#include "policy.h"
#include "proc.h"
#include "stats.h"
#include "user.h"

/**
 * bindox_handle_node() - the node a handle refers to
 * @proc:	the proc whose table is searched; its lock is held
 * @id:		the handle; 0 is the Coordinator
 *
 * Return: a new node reference, ERR_PTR(-EINVAL) for an unknown handle,
 * ERR_PTR(-ENXIO) for handle 0 while there is no Coordinator.
 */
struct bindox_node *bindox_handle_node(struct bindox_proc *proc, u32 id)
{
	struct bindox_handle *handle;
	struct bindox_node *node;

	lockdep_assert_held(&proc->lock);
	if (id == BINDOX_HANDLE_COORDINATOR) {
		node = bindox_coordinator_node();
		return node ? node : ERR_PTR(-ENXIO);
	}
	handle = xa_load(&proc->handles, id);
	if (!handle)
		return ERR_PTR(-EINVAL);
	return bindox_node_ref(handle->node);
}

/**
 * bindox_handle_may_call() - policy check of a call through a handle
 * @proc:	the caller; its lock is held
 * @id:		the handle, not 0 (calls to the Coordinator are not checked)
 *
 * The decision is cached on the handle for the policy generation it was
 * made in and the node's name at the time, so that loading a new policy or
 * registering the node under another name re-checks (and may revoke)
 * access through handles already held.
 *
 * Return: 0, -EACCES if policy refuses, -EINVAL for an unknown handle.
 */
int bindox_handle_may_call(struct bindox_proc *proc, u32 id)
{
	struct bindox_handle *handle;
	u64 gen;

	lockdep_assert_held(&proc->lock);
	handle = xa_load(&proc->handles, id);
	if (!handle)
		return -EINVAL;
	/* Read before deciding: a load meanwhile makes the cache stale. */
	gen = bindox_policy_generation() + 1;
	if (handle->call_checked_gen != gen ||
	    handle->call_checked_name != READ_ONCE(handle->node->name_seq)) {
		handle->call_allowed =
			bindox_node_call_allowed(handle->node, proc,
						 &handle->call_checked_name);
		handle->call_checked_gen = gen;
	}
	return handle->call_allowed ? 0 : -EACCES;
}

static struct bindox_handle *bindox_handle_find(struct bindox_proc *proc,
						struct bindox_node *node,
						struct rb_node ***link,
						struct rb_node **parent)
{
	struct rb_node **p = &proc->handles_by_node.rb_node;
	struct bindox_handle *handle;

	*parent = NULL;
	while (*p) {
		*parent = *p;
		handle = rb_entry(*p, struct bindox_handle, node_rb);
		if (node < handle->node)
			p = &(*p)->rb_left;
		else if (node > handle->node)
			p = &(*p)->rb_right;
		else
			return handle;
	}
	*link = p;
	return NULL;
}

/**
 * bindox_handle_add() - give a proc one more reference to a node
 * @proc:	the receiving proc; its lock is held
 * @node:	the node
 * @id:		the handle, out
 *
 * A proc has one handle per node; a repeated delivery raises its count.
 *
 * Return: 0, -ENOSPC over the quota, -EOVERFLOW, -ENOMEM.
 */
int bindox_handle_add(struct bindox_proc *proc, struct bindox_node *node,
		      u32 *id)
{
	struct bindox_handle *handle;
	struct rb_node **link, *parent;
	int err;

	lockdep_assert_held(&proc->lock);
	handle = bindox_handle_find(proc, node, &link, &parent);
	if (handle) {
		if (handle->count == U32_MAX)
			return -EOVERFLOW;
		handle->count++;
		*id = handle->id;
		return 0;
	}
	if (proc->n_handles >= bindox_domain_limit(proc->domain,
						   BINDOX_LIMIT_HANDLES) ||
	    bindox_user_charge(&proc->user->handles,
			       READ_ONCE(bindox_max_user_handles)))
		return -ENOSPC;
	handle = kzalloc(sizeof(*handle), GFP_KERNEL_ACCOUNT);
	err = handle ? xa_alloc(&proc->handles, &handle->id, handle,
				XA_LIMIT(1, U32_MAX), GFP_KERNEL_ACCOUNT) :
		       -ENOMEM;
	if (err) {
		kfree(handle);
		atomic_dec(&proc->user->handles);
		return err == -EBUSY ? -ENOSPC : err;
	}
	handle->count = 1;
	handle->node = bindox_node_ref(node);
	rb_link_node(&handle->node_rb, parent, link);
	rb_insert_color(&handle->node_rb, &proc->handles_by_node);
	proc->n_handles++;
	bindox_stat_inc(BINDOX_STAT_HANDLES);
	*id = handle->id;
	return 0;
}

/* Disarm a death subscription wherever it is: on the node or queued. */
static void bindox_death_unlink(struct bindox_proc *proc,
				struct bindox_death *death)
{
	struct bindox_node *node = death->handle->node;

	spin_lock(&node->lock);
	list_del_init(&death->node_entry);
	spin_unlock(&node->lock);
	bindox_proc_dequeue(proc, &death->work);
	death->handle->death = NULL;
	bindox_death_free(death);
}

/**
 * bindox_handle_destroy() - remove a handle whatever its count
 * @proc:	the proc; its lock is held
 * @handle:	the handle
 */
void bindox_handle_destroy(struct bindox_proc *proc,
			   struct bindox_handle *handle)
{
	lockdep_assert_held(&proc->lock);
	if (handle->death)
		bindox_death_unlink(proc, handle->death);
	xa_erase(&proc->handles, handle->id);
	rb_erase(&handle->node_rb, &proc->handles_by_node);
	proc->n_handles--;
	atomic_dec(&proc->user->handles);
	bindox_node_unref(handle->node);
	kfree(handle);
	bindox_stat_dec(BINDOX_STAT_HANDLES);
}

static void bindox_handle_put(struct bindox_proc *proc,
			      struct bindox_handle *handle)
{
	if (--handle->count == 0)
		bindox_handle_destroy(proc, handle);
}

/**
 * bindox_handle_put_node() - take back one delivery of a node
 * @proc:	the proc; its lock is held
 * @node:	the node that bindox_handle_add() gave a handle for
 *
 * Found by node, not by number: between the delivery and its undoing
 * another thread of @proc may have released the number, and another
 * delivery may have given it to a different node. If @proc holds no handle
 * to @node any more, its count went already.
 */
void bindox_handle_put_node(struct bindox_proc *proc, struct bindox_node *node)
{
	struct bindox_handle *handle;
	struct rb_node **link, *parent;

	lockdep_assert_held(&proc->lock);
	handle = bindox_handle_find(proc, node, &link, &parent);
	if (handle)
		bindox_handle_put(proc, handle);
}

/**
 * bindox_handle_put_id() - BINDOX_IOC_HANDLE_RELEASE
 * @proc:	the proc
 * @id:		the handle
 *
 * Return: 0, or -EINVAL for handle 0 or an unknown handle.
 */
int bindox_handle_put_id(struct bindox_proc *proc, u32 id)
{
	struct bindox_handle *handle;
	int err = 0;

	if (id == BINDOX_HANDLE_COORDINATOR)
		return -EINVAL;
	mutex_lock(&proc->lock);
	handle = xa_load(&proc->handles, id);
	if (handle)
		bindox_handle_put(proc, handle);
	else
		err = -EINVAL;
	mutex_unlock(&proc->lock);
	return err;
}

/**
 * bindox_death_watch() - watch the node behind a handle
 * @proc:	the subscriber
 * @id:		the handle (not 0)
 * @cookie:	returned in the BINDOX_MSG_DEATH message
 *
 * Return: 0, -EINVAL for an unknown handle, -EBUSY if the handle already
 * has a subscription, -ENOMEM.
 */
int bindox_death_watch(struct bindox_proc *proc, u32 id, u64 cookie)
{
	struct bindox_handle *handle;
	struct bindox_death *death;
	struct bindox_node *node;
	bool fired = false;
	int err = 0;

	mutex_lock(&proc->lock);
	handle = id ? xa_load(&proc->handles, id) : NULL;
	if (!handle) {
		err = -EINVAL;
		goto out;
	}
	if (handle->death) {
		err = -EBUSY;
		goto out;
	}
	death = kzalloc(sizeof(*death), GFP_KERNEL_ACCOUNT);
	if (!death) {
		err = -ENOMEM;
		goto out;
	}
	bindox_stat_inc(BINDOX_STAT_DEATHS);
	INIT_LIST_HEAD(&death->work.entry);
	death->work.type = BINDOX_WORK_DEATH;
	INIT_LIST_HEAD(&death->node_entry);
	death->proc = proc;
	death->handle = handle;
	death->cookie = cookie;
	handle->death = death;

	node = handle->node;
	spin_lock(&node->lock);
	if (node->dead)
		fired = true;
	else
		list_add_tail(&death->node_entry, &node->deaths);
	spin_unlock(&node->lock);
	if (fired)
		bindox_proc_queue_death(proc, &death->work);
out:
	mutex_unlock(&proc->lock);
	if (fired)
		bindox_proc_wake(proc, false);
	return err;
}

/**
 * bindox_death_unwatch() - stop watching, if not yet delivered
 * @proc:	the subscriber
 * @id:		the handle
 * @cookie:	the cookie given when subscribing
 *
 * Return: 0, or -EINVAL if there is no such subscription.
 */
int bindox_death_unwatch(struct bindox_proc *proc, u32 id, u64 cookie)
{
	struct bindox_handle *handle;
	int err = -EINVAL;

	mutex_lock(&proc->lock);
	handle = id ? xa_load(&proc->handles, id) : NULL;
	if (handle && handle->death && handle->death->cookie == cookie) {
		bindox_death_unlink(proc, handle->death);
		err = 0;
	}
	mutex_unlock(&proc->lock);
	return err;
}

/**
 * bindox_death_free() - free a death subscription no longer linked anywhere
 * @death:	the subscription
 */
void bindox_death_free(struct bindox_death *death)
{
	kfree(death);
	bindox_stat_dec(BINDOX_STAT_DEATHS);
}

/**
 * bindox_death_fire() - queue every subscription of a dead node
 * @node:	the node, already marked dead
 *
 * A subscription may only be touched under its subscriber's lock, which
 * ranks above the node's: so take the subscriber of the first entry, drop
 * the node lock, lock the subscriber, and move the entries at the head
 * that are that subscriber's.
 */
void bindox_death_fire(struct bindox_node *node)
{
	struct bindox_death *death;
	struct bindox_proc *proc;

	for (;;) {
		spin_lock(&node->lock);
		death = list_first_entry_or_null(&node->deaths,
						 struct bindox_death,
						 node_entry);
		proc = death ? bindox_proc_ref(death->proc) : NULL;
		spin_unlock(&node->lock);
		if (!proc)
			break;

		mutex_lock(&proc->lock);
		spin_lock(&node->lock);
		/*
		 * Only from the head, so that every entry is looked at once
		 * (scanning the whole list per subscriber was quadratic).
		 */
		while ((death = list_first_entry_or_null(&node->deaths,
							 struct bindox_death,
							 node_entry)) &&
		       death->proc == proc) {
			list_del_init(&death->node_entry);
			bindox_proc_queue_death(proc, &death->work);
		}
		spin_unlock(&node->lock);
		mutex_unlock(&proc->lock);
		bindox_proc_wake(proc, false);
		bindox_proc_unref(proc);
		cond_resched();
	}
}
