/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_USER_H
#define __BINDOX_USER_H

/**
 * DOC: Users
 *
 * A user is the accounting of one uid (the effective uid a bindox file was
 * opened with, as the initial user namespace sees it): what all files of
 * that uid together make the kernel hold, whatever their number. The
 * per-file limits (max_nodes, max_handles, max_queued) bound one file; a
 * process can open many, so the same kinds are also counted per user and
 * bounded by max_user_nodes, max_user_handles and max_user_msg_bytes (the
 * bytes of messages the user has sent that are not consumed yet: queued,
 * being received, or calls waiting for their reply). Buffer memory is
 * counted per file, per domain and per user (max_user_buffer_bytes, in the
 * spirit of RLIMIT_MEMLOCK: it is memory that stays resident), so that one
 * member of a domain cannot take all of the domain's buffer memory.
 *
 * Every proc holds a reference to its user, and every txn to its sender's
 * until the txn is freed. Users live in a global tree under a spinlock
 * that is taken alone; the counters are atomic.
 */

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/rbtree.h>
#include <linux/uidgid.h>

extern unsigned int bindox_max_user_nodes;
extern unsigned int bindox_max_user_handles;
extern unsigned long bindox_max_user_msg_bytes;
extern unsigned long bindox_max_user_buffer_bytes;

struct bindox_user {
	struct kref kref;
	kuid_t uid;
	struct rb_node rb;		/* in the global tree */
	atomic_t nodes;
	atomic_t handles;
	atomic64_t msg_bytes;
	atomic64_t buffer_bytes;	/* of live buffers its files allocated */
};

struct bindox_user *bindox_user_get(kuid_t uid);
void bindox_user_unref(struct bindox_user *user);
int bindox_user_charge(atomic_t *counter, unsigned int limit);
int bindox_user_charge_bytes(struct bindox_user *user, u64 bytes);

static inline struct bindox_user *bindox_user_ref(struct bindox_user *user)
{
	if (user)
		kref_get(&user->kref);
	return user;
}

#endif /* __BINDOX_USER_H */
