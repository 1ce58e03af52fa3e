// SPDX-License-Identifier: GPL-2.0
/*
 * The Coordinator slot and the form of requests sent to it.
 */
#include <linux/cred.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "coordinator.h"
#include "domain.h"
#include "node.h"
#include "policy.h"
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
 * bindox_coordinator_claim() - make @proc the Coordinator
 * @proc:	the claimant, whose right to claim the ioctl layer checked
 *
 * Return: 0; -EBUSY if there is a Coordinator; -EEXIST if the proc already
 * uses cookie 0 for a node; -ENOMEM.
 */
int bindox_coordinator_claim(struct bindox_proc *proc)
{
	struct bindox_node *node;

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

/**
 * bindox_coordinator_owned_by() - whether @proc is the Coordinator
 * @proc:	a proc
 *
 * Return: true if @proc holds the Coordinator slot.
 */
bool bindox_coordinator_owned_by(struct bindox_proc *proc)
{
	bool owned;

	spin_lock(&bindox_coordinator_lock);
	owned = bindox_coordinator && bindox_coordinator->owner == proc;
	spin_unlock(&bindox_coordinator_lock);
	return owned;
}

static bool bindox_name_valid(const char *name, u32 len)
{
	return len >= 1 && len <= BINDOX_NAME_MAX &&
	       bindox_name_chars_valid(name, len);
}

/* Policy check of a registration by @sender. */
static int bindox_coordinator_may_register(struct bindox_proc *sender,
					   const char *name, u32 len)
{
	struct bindox_policy_request req = {
		.action = BINDOX_POLICY_ACT_REGISTER,
		.domain = sender->domain,
		.euid = sender->cred->euid,
		.egid = sender->cred->egid,
		.service = name,
		.service_len = len,
		.peer = sender->domain,
	};

	return bindox_policy_allows(&req) ? 0 : -EACCES;
}

/**
 * bindox_coordinator_check_request() - check a call to the Coordinator
 * @txn:	the call, built
 * @sender:	its sender
 *
 * Return: 0 if it has the form the UAPI header describes (else -EINVAL)
 * and policy lets @sender register the name (else -EACCES).
 */
int bindox_coordinator_check_request(const struct bindox_txn *txn,
				     struct bindox_proc *sender)
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
		if (obj->type != BINDOX_OBJ_NODE)
			return -EINVAL;
		return bindox_coordinator_may_register(sender,
						       txn->data + sizeof(req),
						       req.name_len);
	case BINDOX_COORD_LOOKUP:
	case BINDOX_COORD_UNREGISTER:
		return txn->n_objs || txn->data_size != name_end ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

/**
 * bindox_coordinator_check_reply() - act on the Coordinator's answer
 * @call:	a call to the Coordinator, checked when it was sent
 * @reply:	the Coordinator's reply to it
 *
 * A successful REGISTER names the node (calls to it are checked under that
 * name). A successful LOOKUP hands the caller a handle: policy must let the
 * caller look the name up in the domain of the node's owner, and that holds
 * for every node the reply carries, whatever its form. Otherwise a reply
 * not in the protocol's form is passed on as it is (the caller's library
 * refuses it).
 *
 * Return: 0, or -EACCES: the caller gets that error instead of the reply.
 */
int bindox_coordinator_check_reply(struct bindox_txn *call,
				   const struct bindox_txn *reply)
{
	struct bindox_policy_request preq = {
		.action = BINDOX_POLICY_ACT_LOOKUP,
		.domain = call->sender_domain,
		.euid = call->sender_euid,
		.egid = call->sender_egid,
	};
	struct bindox_coord_request req;
	struct bindox_coord_reply rep;
	const char *name;
	u32 i;

	memcpy(&req, call->data, sizeof(req));
	name = call->data + sizeof(req);
	if (reply->data_size < sizeof(rep))
		return 0;
	memcpy(&rep, reply->data, sizeof(rep));
	if (rep.status)
		return 0;
	switch (req.op) {
	case BINDOX_COORD_REGISTER:
		bindox_node_set_name(call->objs[0], name, req.name_len);
		return 0;
	case BINDOX_COORD_LOOKUP:
		/* Every node it hands out, not only the one the protocol has. */
		preq.service = name;
		preq.service_len = req.name_len;
		for (i = 0; i < reply->n_objs; i++) {
			if (!reply->objs[i])	/* a buffer: no node */
				continue;
			preq.peer = reply->objs[i]->owner->domain;
			if (!bindox_policy_allows(&preq))
				return -EACCES;
		}
		return 0;
	default:
		return 0;
	}
}
