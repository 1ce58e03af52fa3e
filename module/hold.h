/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_HOLD_H
#define __BINDOX_HOLD_H

/**
 * DOC: Holds
 *
 * A *hold* is a proc's claim on a buffer: an id in the proc's buffer table
 * (&struct bindox_buffer_table) and the right to map the buffer. Ids are
 * per proc, like handles. A hold is PENDING (delivered in a message that
 * is still being copied out to the receiver: invisible, no access; see
 * below), ACTIVE (may map; may write if the buffer is not sealed), SENDING
 * (being moved in a message that is not yet queued: no access), MOVED
 * (moved away: no access, only the id is left until the proc releases it)
 * or RELEASED (out of the table).
 *
 * Invariant: a buffer that is not sealed has exactly one ACTIVE or SENDING
 * hold, and only that hold may write. Sending with BINDOX_BUF_MOVE turns the
 * sender's hold SENDING while the message is built; once it is queued (or a
 * reply is handed over) the hold is MOVED, and if that never happens it
 * turns ACTIVE again when the message is freed (as it does when a reply's
 * caller gave up before the reply reached it). The receiver gets a new
 * hold when the message is delivered: PENDING while the message is copied
 * out, ACTIVE once that succeeded (bindox_msg_buffer_publish()). A copy
 * that fails removes the PENDING hold again and the message goes back to
 * the queue; since nothing can look a PENDING hold up, map or send it, no
 * thread of the receiver ever used that id, and the next delivery's hold
 * is again the only one. Sending with BINDOX_BUF_SHARE seals the buffer
 * for good; holds never gain the right to write.
 */

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct bindox_buffer;
struct bindox_buffer_alloc;
struct bindox_buffer_info;
struct bindox_proc;

/* The most ids one proc may hold, a module parameter. */
extern unsigned int bindox_max_buffers;

enum bindox_hold_state {
	BINDOX_HOLD_PENDING,
	BINDOX_HOLD_ACTIVE,
	BINDOX_HOLD_SENDING,
	BINDOX_HOLD_MOVED,
	BINDOX_HOLD_RELEASED,
};

struct bindox_hold {
	struct kref kref;
	/* ref while in the table and not MOVED; under the proc's lock */
	struct bindox_buffer *buffer;
	u64 size;			/* the buffer's, for BINDOX_IOC_BUFFER_INFO */
	u32 id;
	atomic_t state;			/* enum bindox_hold_state */
};

/* A proc's buffer table, embedded in struct bindox_proc. */
struct bindox_buffer_table {
	struct xarray holds;		/* id -> hold; under proc->lock */
	u32 n_holds;
	u32 next_id;
	atomic64_t bytes;		/* bytes of live buffers it allocated */
	atomic_t maps;			/* VMAs of buffer mappings it made */
};

void bindox_buffer_table_init(struct bindox_buffer_table *table);
void bindox_buffer_table_release(struct bindox_proc *proc);
struct bindox_hold *bindox_hold_add(struct bindox_proc *proc,
				    struct bindox_buffer *buffer,
				    enum bindox_hold_state state);
struct bindox_buffer *bindox_hold_remove(struct bindox_proc *proc,
					 struct bindox_hold *hold,
					 bool *was_active);
struct bindox_hold *bindox_hold_lookup(struct bindox_proc *proc, u32 id);
void bindox_hold_free(struct kref *kref);
bool bindox_hold_may_read(const struct bindox_hold *hold);
bool bindox_hold_may_write(const struct bindox_hold *hold,
			   const struct bindox_buffer *buffer);
int bindox_hold_release(struct bindox_proc *proc, u32 id);
int bindox_hold_alloc(struct bindox_proc *proc,
		      struct bindox_buffer_alloc *args);
int bindox_hold_info(struct bindox_proc *proc, struct bindox_buffer_info *args);

static inline struct bindox_hold *bindox_hold_ref(struct bindox_hold *hold)
{
	if (hold)
		kref_get(&hold->kref);
	return hold;
}

static inline struct bindox_hold *bindox_hold_unref(struct bindox_hold *hold)
{
	if (hold)
		kref_put(&hold->kref, bindox_hold_free);
	return NULL;
}

#endif /* __BINDOX_HOLD_H */
