// SPDX-License-Identifier: GPL-2.0
/*
 * Users: what the files of one uid together may make the kernel hold.
 */
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "user.h"

unsigned int bindox_max_user_nodes = 65536;
module_param_named(max_user_nodes, bindox_max_user_nodes, uint, 0644);
MODULE_PARM_DESC(max_user_nodes, "Most nodes the files of one uid may own");

unsigned int bindox_max_user_handles = 262144;
module_param_named(max_user_handles, bindox_max_user_handles, uint, 0644);
MODULE_PARM_DESC(max_user_handles, "Most handles the files of one uid may hold");

unsigned long bindox_max_user_msg_bytes = 128UL << 20;
module_param_named(max_user_msg_bytes, bindox_max_user_msg_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_msg_bytes,
		 "Most bytes of unconsumed messages one uid may have sent");

unsigned long bindox_max_user_buffer_bytes = 8UL << 30;
module_param_named(max_user_buffer_bytes, bindox_max_user_buffer_bytes, ulong,
		   0644);
MODULE_PARM_DESC(max_user_buffer_bytes,
		 "Most bytes of buffers the files of one uid may have allocated");

static DEFINE_SPINLOCK(bindox_users_lock);
static struct rb_root bindox_users = RB_ROOT;

/**
 * bindox_user_get() - the user of a uid, created on first use
 * @uid:	the uid
 *
 * Return: a new reference, or NULL without memory.
 */
struct bindox_user *bindox_user_get(kuid_t uid)
{
	struct bindox_user *user, *new;
	struct rb_node **link, *parent;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return NULL;
	kref_init(&new->kref);
	new->uid = uid;

	spin_lock(&bindox_users_lock);
	link = &bindox_users.rb_node;
	parent = NULL;
	while (*link) {
		parent = *link;
		user = rb_entry(parent, struct bindox_user, rb);
		if (uid_lt(uid, user->uid)) {
			link = &parent->rb_left;
		} else if (uid_gt(uid, user->uid)) {
			link = &parent->rb_right;
		} else {
			/*
			 * The last reference only goes under the lock
			 * (kref_put_lock()), which also unlinks it: a user
			 * in the tree is alive.
			 */
			kref_get(&user->kref);
			spin_unlock(&bindox_users_lock);
			kfree(new);
			return user;
		}
	}
	rb_link_node(&new->rb, parent, link);
	rb_insert_color(&new->rb, &bindox_users);
	spin_unlock(&bindox_users_lock);
	return new;
}

/* Called with bindox_users_lock held (kref_put_lock()); drops it. */
static void bindox_user_free(struct kref *kref)
	__releases(&bindox_users_lock)
{
	struct bindox_user *user = container_of(kref, struct bindox_user, kref);

	lockdep_assert_held(&bindox_users_lock);
	rb_erase(&user->rb, &bindox_users);
	spin_unlock(&bindox_users_lock);
	WARN_ON(atomic_read(&user->nodes) || atomic_read(&user->handles) ||
		atomic64_read(&user->msg_bytes) ||
		atomic64_read(&user->buffer_bytes));
	kfree(user);
}

/**
 * bindox_user_unref() - drop a reference to a user
 * @user:	the user, or NULL
 */
void bindox_user_unref(struct bindox_user *user)
{
	if (user)
		kref_put_lock(&user->kref, bindox_user_free,
			      &bindox_users_lock);
}

/**
 * bindox_user_charge() - count one more object against a limit
 * @counter:	one of a user's counters
 * @limit:	its limit
 *
 * Return: 0, or -ENOSPC (nothing counted) at the limit.
 */
int bindox_user_charge(atomic_t *counter, unsigned int limit)
{
	if (atomic_inc_return(counter) > limit) {
		atomic_dec(counter);
		return -ENOSPC;
	}
	return 0;
}

/**
 * bindox_user_charge_bytes() - count the bytes of a message sent
 * @user:	the sender's user
 * @bytes:	what the message holds in the kernel
 *
 * Return: 0, or -EDQUOT (nothing counted) over max_user_msg_bytes.
 */
int bindox_user_charge_bytes(struct bindox_user *user, u64 bytes)
{
	if (atomic64_add_return(bytes, &user->msg_bytes) >
	    READ_ONCE(bindox_max_user_msg_bytes)) {
		atomic64_sub(bytes, &user->msg_bytes);
		return -EDQUOT;
	}
	return 0;
}
