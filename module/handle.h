/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_HANDLE_H
#define __BINDOX_HANDLE_H

/**
 * DOC: Handles and death subscriptions
 *
 * A handle is a proc's reference to a node: a number (1 and up) in the
 * proc's table. Handle 0 is not in the table; it always names the node of
 * the Coordinator of the moment. A node delivered to a proc that already
 * holds a handle to it gets the same number again, and the handle counts
 * the deliveries: each BINDOX_IOC_HANDLE_RELEASE drops one, and the handle
 * (with its node reference) goes away at zero or when the proc dies.
 *
 * A handle may carry one death subscription. While the node lives the
 * subscription sits on node->deaths; when the node dies it moves to the
 * subscriber's queue, and delivering the BINDOX_MSG_DEATH message ends it.
 * If the node is already dead when the subscription is made, the message is
 * queued at once. A death is only touched with its subscriber's lock held.
 */

#include <linux/list.h>
#include <linux/rbtree.h>
#include "proc.h"

struct bindox_node;

struct bindox_death {
	struct bindox_work work;	/* on proc->todo once fired */
	struct list_head node_entry;	/* on node->deaths while armed */
	struct bindox_proc *proc;	/* the subscriber (no ref, see DOC) */
	struct bindox_handle *handle;
	u64 cookie;
};

struct bindox_handle {
	u32 id;
	u32 count;
	struct bindox_node *node;	/* ref */
	struct rb_node node_rb;		/* in proc->handles_by_node */
	struct bindox_death *death;
	u64 call_checked_gen;		/* policy generation + 1, 0: never */
	u32 call_checked_name;		/* the node's name_seq then */
	bool call_allowed;		/* the decision of that generation */
};

struct bindox_node *bindox_handle_node(struct bindox_proc *proc, u32 id);
int bindox_handle_may_call(struct bindox_proc *proc, u32 id);
int bindox_handle_add(struct bindox_proc *proc, struct bindox_node *node,
		      u32 *id);
void bindox_handle_put_node(struct bindox_proc *proc, struct bindox_node *node);
int bindox_handle_put_id(struct bindox_proc *proc, u32 id);
void bindox_handle_destroy(struct bindox_proc *proc,
			   struct bindox_handle *handle);
int bindox_death_watch(struct bindox_proc *proc, u32 id, u64 cookie);
int bindox_death_unwatch(struct bindox_proc *proc, u32 id, u64 cookie);
void bindox_death_free(struct bindox_death *death);
void bindox_death_fire(struct bindox_node *node);

#endif /* __BINDOX_HANDLE_H */
