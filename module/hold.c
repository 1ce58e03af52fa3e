// SPDX-License-Identifier: GPL-2.0
/*
 * Holds: a proc's table of buffer ids.
 */
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <uapi/linux/bindox.h>
#include "buffer.h"
#include "hold.h"
#include "proc.h"
#include "stats.h"

unsigned int bindox_max_buffers = 4096;
module_param_named(max_buffers, bindox_max_buffers, uint, 0644);
MODULE_PARM_DESC(max_buffers, "Most buffer ids one open file may hold");

/**
 * bindox_buffer_table_init() - set up an empty buffer table
 * @table:	the table, in a new proc
 */
void bindox_buffer_table_init(struct bindox_buffer_table *table)
{
	xa_init_flags(&table->holds, XA_FLAGS_ALLOC1);
	table->n_holds = 0;
	table->next_id = 0;
	atomic64_set(&table->bytes, 0);
	atomic_set(&table->maps, 0);
}

/**
 * bindox_hold_may_read() - whether a hold gives access at all
 * @hold:	the hold
 *
 * Return: true while the hold is ACTIVE.
 */
bool bindox_hold_may_read(const struct bindox_hold *hold)
{
	return atomic_read(&hold->state) == BINDOX_HOLD_ACTIVE;
}

/**
 * bindox_hold_may_write() - whether a hold may write its buffer
 * @hold:	the hold
 * @buffer:	its buffer (a reference the caller holds)
 *
 * Return: true while the hold is ACTIVE and the buffer is not sealed.
 */
bool bindox_hold_may_write(const struct bindox_hold *hold,
			   const struct bindox_buffer *buffer)
{
	return bindox_hold_may_read(hold) &&
	       !test_bit(BINDOX_BUFFER_SEALED, &buffer->flags);
}

/**
 * bindox_hold_add() - give a proc a new id for a buffer
 * @proc:	the proc; its lock is held
 * @buffer:	the buffer; the hold takes its own reference
 * @state:	BINDOX_HOLD_ACTIVE, or BINDOX_HOLD_PENDING for a hold that
 *		stays invisible until the message carrying it is copied out
 *
 * Return: the hold (the table's reference, valid while the lock is held),
 * or an ERR_PTR: -ENOSPC over bindox_max_buffers, -ENOMEM, -ENXIO if the
 * proc is dead.
 */
struct bindox_hold *bindox_hold_add(struct bindox_proc *proc,
				    struct bindox_buffer *buffer,
				    enum bindox_hold_state state)
{
	struct bindox_buffer_table *table = &proc->buffers;
	struct bindox_hold *hold;
	int err;

	lockdep_assert_held(&proc->lock);
	if (proc->dead)
		return ERR_PTR(-ENXIO);
	if (table->n_holds >= READ_ONCE(bindox_max_buffers))
		return ERR_PTR(-ENOSPC);
	hold = kzalloc(sizeof(*hold), GFP_KERNEL_ACCOUNT);
	if (!hold)
		return ERR_PTR(-ENOMEM);
	err = xa_alloc_cyclic(&table->holds, &hold->id, hold,
			      XA_LIMIT(1, INT_MAX), &table->next_id,
			      GFP_KERNEL_ACCOUNT);
	if (err < 0) {
		kfree(hold);
		return ERR_PTR(err == -EBUSY ? -ENOSPC : err);
	}
	kref_init(&hold->kref);
	atomic_set(&hold->state, state);
	hold->buffer = bindox_buffer_ref(buffer);
	hold->size = buffer->size;
	table->n_holds++;
	bindox_stat_inc(BINDOX_STAT_HOLDS);
	return hold;
}

/**
 * bindox_hold_lookup() - find an id in a proc's table
 * @proc:	the proc; its lock is held
 * @id:		the id
 *
 * A PENDING hold is not found: its id has not reached the proc yet.
 *
 * Return: the hold (no new reference), or NULL.
 */
struct bindox_hold *bindox_hold_lookup(struct bindox_proc *proc, u32 id)
{
	struct bindox_hold *hold;

	lockdep_assert_held(&proc->lock);
	hold = id ? xa_load(&proc->buffers.holds, id) : NULL;
	if (hold && atomic_read(&hold->state) == BINDOX_HOLD_PENDING)
		return NULL;
	return hold;
}

/**
 * bindox_hold_remove() - take an id out of its proc's table
 * @proc:	the proc; its lock is held
 * @hold:	the hold, in the table; the table's reference is dropped
 * @was_active:	set if the hold was ACTIVE: the caller then revokes
 *		(bindox_buffer_revoke()), once the lock is dropped
 *
 * Return: the hold's reference to its buffer, for the caller to drop, or
 * NULL for a MOVED hold.
 */
struct bindox_buffer *bindox_hold_remove(struct bindox_proc *proc,
					 struct bindox_hold *hold,
					 bool *was_active)
{
	struct bindox_buffer *buffer = hold->buffer;

	lockdep_assert_held(&proc->lock);
	xa_erase(&proc->buffers.holds, hold->id);
	proc->buffers.n_holds--;
	*was_active = atomic_xchg(&hold->state, BINDOX_HOLD_RELEASED) ==
		      BINDOX_HOLD_ACTIVE;
	hold->buffer = NULL;
	bindox_hold_unref(hold);
	return buffer;
}

/**
 * bindox_hold_free() - kref release function of a hold
 * @kref:	the hold's kref
 */
void bindox_hold_free(struct kref *kref)
{
	struct bindox_hold *hold = container_of(kref, struct bindox_hold, kref);

	bindox_buffer_unref(hold->buffer);	/* NULL once out of the table */
	kfree(hold);
	bindox_stat_dec(BINDOX_STAT_HOLDS);
}

/**
 * bindox_hold_release() - drop an id and revoke what it gave access to
 * @proc:	the proc
 * @id:		the id, or 0 for the first one in the table
 *
 * Return: 0, or -EINVAL if there is no such id.
 */
int bindox_hold_release(struct bindox_proc *proc, u32 id)
{
	struct bindox_buffer *buffer;
	struct bindox_hold *hold;
	unsigned long index = 0;
	bool was_active;

	mutex_lock(&proc->lock);
	if (id)
		hold = bindox_hold_lookup(proc, id);
	else
		hold = xa_find(&proc->buffers.holds, &index, ULONG_MAX,
			       XA_PRESENT);
	if (!hold) {
		mutex_unlock(&proc->lock);
		return -EINVAL;
	}
	buffer = bindox_hold_remove(proc, hold, &was_active);
	mutex_unlock(&proc->lock);
	if (was_active)
		bindox_buffer_revoke(buffer, false);
	bindox_buffer_unref(buffer);
	return 0;
}

/**
 * bindox_buffer_table_release() - drop every id of a dying proc
 * @proc:	the proc, already marked dead (no id can be added any more)
 */
void bindox_buffer_table_release(struct bindox_proc *proc)
{
	while (!bindox_hold_release(proc, 0))
		cond_resched();
	xa_destroy(&proc->buffers.holds);
}

/**
 * bindox_hold_alloc() - a new buffer, and an id for it in @proc's table
 * @proc:	the allocating proc
 * @args:	in: the size, checked by the ioctl layer; out: the id, the
 *		size rounded up and the offset to mmap(2) it at
 *
 * Return: 0, or a negative errno: -ENOSPC over bindox_max_buffers, the
 * errors of bindox_buffer_new().
 */
int bindox_hold_alloc(struct bindox_proc *proc,
		      struct bindox_buffer_alloc *args)
{
	struct bindox_buffer *buffer;
	struct bindox_hold *hold;

	/* Fail early, before the memory is allocated; checked again below. */
	if (READ_ONCE(proc->buffers.n_holds) >= READ_ONCE(bindox_max_buffers))
		return -ENOSPC;
	buffer = bindox_buffer_new(proc, args->size);
	if (IS_ERR(buffer))
		return PTR_ERR(buffer);

	mutex_lock(&proc->lock);
	hold = bindox_hold_add(proc, buffer, BINDOX_HOLD_ACTIVE);
	if (!IS_ERR(hold))
		args->id = hold->id;
	mutex_unlock(&proc->lock);
	args->size = buffer->size;
	bindox_buffer_unref(buffer);
	if (IS_ERR(hold))
		return PTR_ERR(hold);
	args->offset = (u64)args->id << PAGE_SHIFT;
	return 0;
}

/**
 * bindox_hold_info() - what an id of @proc's table gives
 * @proc:	the proc
 * @args:	in: the id; out: its flags, size and mmap(2) offset
 *
 * Return: 0, or -EINVAL if there is no such id.
 */
int bindox_hold_info(struct bindox_proc *proc, struct bindox_buffer_info *args)
{
	struct bindox_hold *hold;

	mutex_lock(&proc->lock);
	hold = bindox_hold_lookup(proc, args->id);
	if (hold) {
		args->flags = 0;
		if (!hold->buffer)
			args->flags |= BINDOX_BUF_MOVED;
		else if (test_bit(BINDOX_BUFFER_SEALED, &hold->buffer->flags))
			args->flags |= BINDOX_BUF_SEALED;
		else if (bindox_hold_may_write(hold, hold->buffer))
			args->flags |= BINDOX_BUF_WRITABLE;
		args->size = hold->size;
		args->offset = (u64)args->id << PAGE_SHIFT;
	}
	mutex_unlock(&proc->lock);
	return hold ? 0 : -EINVAL;
}
