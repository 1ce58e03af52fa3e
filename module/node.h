/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_NODE_H
#define __BINDOX_NODE_H

/**
 * DOC: Nodes
 *
 * A node is a service endpoint. It is owned by exactly one proc, which names
 * it by a 64-bit cookie of its own choosing and receives every message sent
 * to it. A node is created the first time its owner sends the cookie as a
 * BINDOX_OBJ_NODE object (or, for the Coordinator, when it takes the slot).
 *
 * Other procs reach a node only through handles, which they get in messages.
 * The owner's node tree, every handle and every transaction aimed at the
 * node hold references. The node dies with its owner: @dead is set, calls
 * aimed at it fail with BINDOX_EDEADPEER, and each death subscription on
 * @deaths is moved to its subscriber's queue. The memory goes when the last
 * reference does.
 */

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>

struct bindox_proc;

struct bindox_node {
	struct kref kref;
	struct bindox_proc *owner;	/* ref; fixed for the node's life */
	u64 cookie;
	struct rb_node owner_rb;	/* in owner->nodes, under owner->lock */
	struct list_head reap_entry;	/* while its owner dies */
	bool is_coordinator;		/* set before it is published */

	spinlock_t lock;		/* protects the fields below */
	bool dead;
	char *name;			/* registered under last, or NULL */
	u32 name_len;
	u32 name_seq;			/* bumped with every new name */
	struct list_head deaths;	/* armed struct bindox_death */
};

struct bindox_node *bindox_node_create(struct bindox_proc *proc, u64 cookie);
struct bindox_node *bindox_node_get_or_create(struct bindox_proc *proc,
					      u64 cookie);
void bindox_node_free(struct kref *kref);
void bindox_node_kill(struct bindox_node *node);
bool bindox_node_is_dead(struct bindox_node *node);
void bindox_node_set_name(struct bindox_node *node, const char *name,
			  u32 len);
bool bindox_node_call_allowed(struct bindox_node *node,
			      const struct bindox_proc *caller, u32 *name_seq);

static inline struct bindox_node *bindox_node_ref(struct bindox_node *node)
{
	if (node)
		kref_get(&node->kref);
	return node;
}

static inline struct bindox_node *bindox_node_unref(struct bindox_node *node)
{
	if (node)
		kref_put(&node->kref, bindox_node_free);
	return NULL;
}

#endif /* __BINDOX_NODE_H */
