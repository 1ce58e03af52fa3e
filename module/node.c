// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes: service endpoints, kept in their owner's tree by cookie.
 */
#include <linux/cred.h>
#include <linux/slab.h>
#include <uapi/linux/bindox.h>
#include "bindox.h"
#include "domain.h"
#include "node.h"
#include "policy.h"
#include "proc.h"
#include "stats.h"
#include "user.h"

static struct bindox_node *bindox_node_find(struct bindox_proc *proc,
					    u64 cookie, struct rb_node ***link,
					    struct rb_node **parent)
{
	struct rb_node **p = &proc->nodes.rb_node;
	struct bindox_node *node;

	*parent = NULL;
	while (*p) {
		*parent = *p;
		node = rb_entry(*p, struct bindox_node, owner_rb);
		if (cookie < node->cookie)
			p = &(*p)->rb_left;
		else if (cookie > node->cookie)
			p = &(*p)->rb_right;
		else
			return node;
	}
	*link = p;
	return NULL;
}

static struct bindox_node *bindox_node_insert(struct bindox_proc *proc,
					      u64 cookie, struct rb_node **link,
					      struct rb_node *parent)
{
	struct bindox_node *node;

	if (proc->dead)
		return ERR_PTR(-ENODEV);
	if (proc->n_nodes >= READ_ONCE(bindox_max_nodes))
		return ERR_PTR(-ENOSPC);
	if (bindox_user_charge(&proc->user->nodes,
			       READ_ONCE(bindox_max_user_nodes)))
		return ERR_PTR(-ENOSPC);
	if (bindox_user_charge(&proc->domain->nodes,
			       bindox_domain_limit(proc->domain,
						   BINDOX_LIMIT_NODES))) {
		atomic_dec(&proc->user->nodes);
		return ERR_PTR(-ENOSPC);
	}
	node = kzalloc(sizeof(*node), GFP_KERNEL_ACCOUNT);
	if (!node) {
		atomic_dec(&proc->domain->nodes);
		atomic_dec(&proc->user->nodes);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&node->kref);	/* the owner's tree's reference */
	node->owner = bindox_proc_ref(proc);
	node->cookie = cookie;
	INIT_LIST_HEAD(&node->reap_entry);
	spin_lock_init(&node->lock);
	INIT_LIST_HEAD(&node->deaths);
	rb_link_node(&node->owner_rb, parent, link);
	rb_insert_color(&node->owner_rb, &proc->nodes);
	proc->n_nodes++;
	bindox_stat_inc(BINDOX_STAT_NODES);
	return bindox_node_ref(node);
}

/**
 * bindox_node_create() - create a node with a cookie not yet in use
 * @proc:	the owner; its lock is held
 * @cookie:	the owner's name for the node
 *
 * Return: a new reference, ERR_PTR(-EEXIST) if the cookie is taken,
 * -ENOSPC over the quota, -ENOMEM.
 */
struct bindox_node *bindox_node_create(struct bindox_proc *proc, u64 cookie)
{
	struct rb_node **link, *parent;

	lockdep_assert_held(&proc->lock);
	if (bindox_node_find(proc, cookie, &link, &parent))
		return ERR_PTR(-EEXIST);
	return bindox_node_insert(proc, cookie, link, parent);
}

/**
 * bindox_node_get_or_create() - the owner's node for a cookie
 * @proc:	the owner; its lock is held
 * @cookie:	the owner's name for the node
 *
 * Return: a new reference, or an ERR_PTR as bindox_node_create().
 */
struct bindox_node *bindox_node_get_or_create(struct bindox_proc *proc,
					      u64 cookie)
{
	struct rb_node **link, *parent;
	struct bindox_node *node;

	lockdep_assert_held(&proc->lock);
	node = bindox_node_find(proc, cookie, &link, &parent);
	if (node)
		return bindox_node_ref(node);
	return bindox_node_insert(proc, cookie, link, parent);
}

/**
 * bindox_node_free() - kref release function of a node
 * @kref:	the node's kref
 */
void bindox_node_free(struct kref *kref)
{
	struct bindox_node *node = container_of(kref, struct bindox_node, kref);

	WARN_ON(!list_empty(&node->deaths));
	kfree(node->name);
	bindox_proc_unref(node->owner);
	kfree(node);
	bindox_stat_dec(BINDOX_STAT_NODES);
}

/**
 * bindox_node_kill() - the owner died: mark the node dead
 * @node:	the node, already out of its owner's tree
 *
 * Its watchers are told by the caller (bindox_death_fire()), which knows
 * the subscriptions; a node only lists them.
 */
void bindox_node_kill(struct bindox_node *node)
{
	spin_lock(&node->lock);
	node->dead = true;
	spin_unlock(&node->lock);
}

/**
 * bindox_node_is_dead() - whether the node's owner died
 * @node:	the node
 *
 * Return: true once bindox_node_kill() ran.
 */
bool bindox_node_is_dead(struct bindox_node *node)
{
	bool dead;

	spin_lock(&node->lock);
	dead = node->dead;
	spin_unlock(&node->lock);
	return dead;
}

/**
 * bindox_node_set_name() - remember the service name a node now has
 * @node:	the node
 * @name:	the name (not NUL-terminated)
 * @len:	its length, 1..BINDOX_NAME_MAX
 *
 * Calls to the node are checked against policy under this name. Without
 * memory the old name stays.
 */
void bindox_node_set_name(struct bindox_node *node, const char *name, u32 len)
{
	char *copy = kmemdup(name, len, GFP_KERNEL_ACCOUNT);

	if (!copy)
		return;
	spin_lock(&node->lock);
	swap(node->name, copy);
	node->name_len = len;
	/* Decisions cached on handles were made for the old name. */
	WRITE_ONCE(node->name_seq, node->name_seq + 1);
	spin_unlock(&node->lock);
	kfree(copy);
}

/**
 * bindox_node_call_allowed() - whether policy lets a proc call a node
 * @node:	the target
 * @caller:	the calling proc
 * @name_seq:	set to the node's name_seq the decision was made for
 *
 * Return: true if allowed.
 */
bool bindox_node_call_allowed(struct bindox_node *node,
			      const struct bindox_proc *caller, u32 *name_seq)
{
	struct bindox_policy_request req = {
		.action = BINDOX_POLICY_ACT_CALL,
		.domain = caller->domain,
		.euid = caller->cred->euid,
		.egid = caller->cred->egid,
		.peer = node->owner->domain,
	};
	bool allowed;

	spin_lock(&node->lock);
	req.service = node->name ? node->name : "";
	req.service_len = node->name_len;
	*name_seq = node->name_seq;
	allowed = bindox_policy_allows(&req);
	spin_unlock(&node->lock);
	return allowed;
}
