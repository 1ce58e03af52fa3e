// SPDX-License-Identifier: GPL-2.0
/*
 * The Coordinator slot and the form of requests sent to it.
 */
#include <linux/capability.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "coordinator.h"
#include "domain.h"
#include "node.h"
#include "proc.h"
#include "txn.h"

static DEFINE_SPINLOCK(bindox_coordinator_lock);
static struct bindox_node *bindox_coordinator;	/* ref, or NULL */
static bool bindox_coordinator_claiming;	/* a claim is under way */

/* Reserve the slot, so that only one claimant goes on to create a node. */
static bool bindox_coordinator_reserve(void)
{
	bool ok;

	spin_lock(&bindox_coordinator_lock);
	ok = !bindox_coordinator && !bindox_coordinator_claiming;
	if (ok)
		bindox_coordinator_claiming = true;
	spin_unlock(&bindox_coordinator_lock);
	return ok;
}

/* End a claim: publish @node (a reference), or free the slot if NULL. */
static void bindox_coordinator_publish(struct bindox_node *node)
{
	spin_lock(&bindox_coordinator_lock);
	bindox_coordinator = node;
	bindox_coordinator_claiming = false;
	spin_unlock(&bindox_coordinator_lock);
}

/**
 * bindox_coordinator_claim() - BINDOX_IOC_SET_COORDINATOR
 * @proc:	the claimant
 * @file:	its file, whose opener's credentials are checked too
 *
 * Return: 0; -EPERM without CAP_SYS_ADMIN in the initial user namespace or
 * outside the host domain; -EBUSY if there is a Coordinator; -EEXIST if the
 * proc already uses cookie 0 for a node; -ENOMEM.
 */
int bindox_coordinator_claim(struct bindox_proc *proc, struct file *file)
{
	struct bindox_node *node;

	if (!proc->domain->is_host || !capable(CAP_SYS_ADMIN) ||
	    !file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	if (!bindox_coordinator_reserve())
		return -EBUSY;

	mutex_lock(&proc->lock);
	node = bindox_node_create(proc, 0);
	if (!IS_ERR(node))
		node->is_coordinator = true;
	mutex_unlock(&proc->lock);
	if (IS_ERR(node)) {
		bindox_coordinator_publish(NULL);
		return PTR_ERR(node);
	}
	bindox_coordinator_publish(node);
	return 0;
}

/**
 * bindox_coordinator_drop() - free the slot if @proc holds it
 * @proc:	a dying proc
 */
void bindox_coordinator_drop(struct bindox_proc *proc)
{
	struct bindox_node *node = NULL;

	spin_lock(&bindox_coordinator_lock);
	if (bindox_coordinator && bindox_coordinator->owner == proc) {
		node = bindox_coordinator;
		bindox_coordinator = NULL;
	}
	spin_unlock(&bindox_coordinator_lock);
	bindox_node_unref(node);
}

/**
 * bindox_coordinator_node() - the Coordinator's node, what handle 0 means
 *
 * Return: a new reference, or NULL if there is no Coordinator.
 */
struct bindox_node *bindox_coordinator_node(void)
{
	struct bindox_node *node;

	spin_lock(&bindox_coordinator_lock);
	node = bindox_node_ref(bindox_coordinator);
	spin_unlock(&bindox_coordinator_lock);
	return node;
}

static bool bindox_name_valid(const char *name, u32 len)
{
	u32 i;

	if (len < 1 || len > BINDOX_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		/* Plain ASCII ranges: isalnum() also accepts Latin-1. */
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

/**
 * bindox_coordinator_check_request() - check a call to the Coordinator
 * @txn:	the call, built
 *
 * Return: 0 if it has the form the UAPI header describes, else -EINVAL.
 */
int bindox_coordinator_check_request(const struct bindox_txn *txn)
{
	const struct bindox_object *obj;
	struct bindox_coord_request req;
	u32 name_end;

	if (txn->flags & BINDOX_TF_ONEWAY || txn->data_size < sizeof(req))
		return -EINVAL;
	memcpy(&req, txn->data, sizeof(req));
	if (req.name_len > txn->data_size - sizeof(req) ||
	    !bindox_name_valid(txn->data + sizeof(req), req.name_len))
		return -EINVAL;
	name_end = sizeof(req) + req.name_len;

	switch (req.op) {
	case BINDOX_COORD_REGISTER:
		/* Nothing may follow the node object. */
		if (txn->n_objs != 1 ||
		    txn->offsets[0] != ALIGN(name_end, BINDOX_OBJECT_ALIGN) ||
		    txn->data_size != txn->offsets[0] + sizeof(*obj))
			return -EINVAL;
		obj = txn->data + txn->offsets[0];
		return obj->type == BINDOX_OBJ_NODE ? 0 : -EINVAL;
	case BINDOX_COORD_LOOKUP:
	case BINDOX_COORD_UNREGISTER:
		return txn->n_objs || txn->data_size != name_end ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}
