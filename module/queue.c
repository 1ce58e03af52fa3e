// SPDX-License-Identifier: GPL-2.0
/*
 * A proc's incoming queue: adding, taking and putting back messages, with
 * the per-sender accounts, a receiver's waiting for one and a sender's
 * waiting for room. Below proc.c's life of a proc, so that handle.c and
 * transfer.c use it without calling up.
 */
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/bindox.h>
#include "bindox.h"
#include "bindox_trace.h"
#include "busy_poll.h"
#include "domain.h"
#include "proc.h"
#include "stats.h"
#include "txn.h"

/*
 * Whether a sender uid's @n queued messages, or a domain's @count one-way
 * messages of @bytes, are over 1/@part of their limits: with @part 1 the
 * next message is refused, with 2 a sender waiting for room is woken.
 */
static bool bindox_sender_over(unsigned long n, unsigned int part)
{
	return n > READ_ONCE(bindox_max_queued_per_sender) / part;
}

static bool bindox_oneway_over(struct bindox_domain *d, unsigned long count,
			       unsigned long bytes, unsigned int part)
{
	return count > bindox_domain_limit(d, BINDOX_LIMIT_ONEWAY) / part ||
	       bytes > bindox_domain_limit(d, BINDOX_LIMIT_ONEWAY_BYTES) / part;
}

/*
 * Whether a one-way message of @bytes from domain @d could never be queued:
 * more than the domain may have queued at one receiver in all. The enqueue
 * refuses it and the room test lets its sender through: both must agree.
 */
static bool bindox_oneway_never_fits(struct bindox_domain *d,
				     unsigned long bytes)
{
	return bytes > bindox_domain_limit(d, BINDOX_LIMIT_ONEWAY_BYTES);
}

/*
 * A queue account: how many messages of one sender uid a proc's queue
 * holds (todo_by_sender), or how many one-way messages and data bytes of
 * one sender domain (oneway_by_domain). Accounts live in those xarrays,
 * changed under the queue's lock. A queued txn points at the accounts it
 * is counted in (txn->by_sender, txn->by_domain), so that taking it off
 * the queue, under the lock every sender to the proc waits for, looks
 * nothing up and stores nothing in an xarray; it points at them only while
 * counted, so no txn points at an account at zero. Senders waiting for
 * room read the counts without the lock, under RCU (bindox_proc_fits()).
 *
 * The queue's lock is a spinlock: an account a uid or domain needs for
 * the first time is allocated, and its slot in the xarray reserved, before
 * it is taken (bindox_account_prepare()).
 */
struct bindox_queue_account {
	unsigned long count;
	unsigned long bytes;
	struct rcu_head rcu;
};

/*
 * An account that falls to zero stays: a sender whose count goes 1, 0, 1
 * with every call would otherwise have it allocated and freed each time.
 * At most BINDOX_IDLE_ACCOUNTS such accounts per xarray (*idle counts
 * them); one more, and every zero account is freed.
 */
#define BINDOX_IDLE_ACCOUNTS	8

static void bindox_account_free(struct xarray *xa, unsigned long index,
				struct bindox_queue_account *a)
{
	xa_erase(xa, index);
	kfree_rcu(a, rcu);
	bindox_stat_dec(BINDOX_STAT_ACCOUNTS);
}

static void bindox_accounts_prune(struct xarray *xa, u32 *idle)
{
	struct bindox_queue_account *a;
	unsigned long i;

	xa_for_each(xa, i, a)
		if (!a->count)
			bindox_account_free(xa, i, a);
	*idle = 0;
}

/*
 * The account at @index of @xa, added at zero from *@spare if missing
 * (taking it). NULL if it is missing and there is no spare, or if storing
 * it needed memory: bindox_account_prepare() then gets both. The queue's
 * lock is held, so nothing here sleeps.
 */
static struct bindox_queue_account *
bindox_account_get(struct xarray *xa, u32 *idle, unsigned long index,
		   struct bindox_queue_account **spare)
{
	struct bindox_queue_account *a = xa_load(xa, index);

	if (a || !*spare)
		return a;
	/*
	 * Frees only accounts at zero, which no txn points at; an account the
	 * caller holds at zero is in the other xarray.
	 */
	if (*idle >= BINDOX_IDLE_ACCOUNTS)
		bindox_accounts_prune(xa, idle);
	/*
	 * The slot was reserved, so this allocates nothing, unless another
	 * sender's account took the reservation and was pruned since.
	 */
	a = *spare;
	if (xa_err(xa_store(xa, index, a, GFP_NOWAIT | __GFP_ACCOUNT)))
		return NULL;
	*spare = NULL;
	bindox_stat_inc(BINDOX_STAT_ACCOUNTS);
	++*idle;
	return a;
}

/*
 * Before the queue's lock is taken: an account for @index of @xa in
 * *@spare and its slot reserved, so that bindox_account_get() stores it
 * without allocating. -ENOMEM if there is no memory for either.
 */
static int bindox_account_prepare(struct xarray *xa, unsigned long index,
				  struct bindox_queue_account **spare)
{
	if (!*spare)
		*spare = kzalloc(sizeof(**spare), GFP_KERNEL_ACCOUNT);
	if (!*spare)
		return -ENOMEM;
	return xa_reserve(xa, index, GFP_KERNEL_ACCOUNT);
}

/*
 * A spare bindox_account_get() did not take: freed, and its slot's
 * reservation released unless an account took that (xa_release() leaves
 * an entry alone).
 */
static void bindox_account_spare_put(struct xarray *xa, unsigned long index,
				     struct bindox_queue_account *spare)
{
	if (!spare)
		return;
	xa_release(xa, index);
	kfree(spare);
}

static void bindox_account_add(struct bindox_queue_account *a, u32 *idle,
			       u32 bytes)
{
	*idle -= !a->count;
	WRITE_ONCE(a->count, a->count + 1);
	WRITE_ONCE(a->bytes, a->bytes + bytes);
}

static void bindox_account_sub(struct xarray *xa, u32 *idle,
			       struct bindox_queue_account *a, u32 bytes)
{
	WRITE_ONCE(a->count, a->count - 1);
	WRITE_ONCE(a->bytes, a->bytes - bytes);
	if (!a->count && ++*idle > BINDOX_IDLE_ACCOUNTS)
		bindox_accounts_prune(xa, idle);
}

/* The count and bytes of @xa's account at @index, without the lock. */
static void bindox_account_read(struct xarray *xa, unsigned long index,
				unsigned long *count, unsigned long *bytes)
{
	struct bindox_queue_account *a;

	rcu_read_lock();
	a = xa_load(xa, index);
	*count = a ? READ_ONCE(a->count) : 0;
	*bytes = a ? READ_ONCE(a->bytes) : 0;
	rcu_read_unlock();
}

/* Accounts allocated before the queue's lock, in case the txn needs them. */
struct bindox_account_spares {
	struct bindox_queue_account *by_sender;
	struct bindox_queue_account *by_domain;
};

/*
 * Where a sender's euid is counted in todo_by_sender. A kuid is the uid in
 * the initial namespace: no mapping needed.
 */
static unsigned long bindox_uid_index(kuid_t euid)
{
	return __kuid_val(euid);
}

/* The spares for every account @txn is counted in; may sleep. */
static int bindox_proc_prepare_accounts(struct bindox_proc *proc,
					struct bindox_txn *txn,
					struct bindox_account_spares *spares)
{
	int err;

	err = bindox_account_prepare(&proc->todo_by_sender,
				     bindox_uid_index(txn->sender_euid),
				     &spares->by_sender);
	if (err || !(txn->flags & BINDOX_TF_ONEWAY))
		return err;
	return bindox_account_prepare(&proc->oneway_by_domain,
				      txn->sender_domain->id,
				      &spares->by_domain);
}

static void bindox_proc_put_spares(struct bindox_proc *proc,
				   struct bindox_txn *txn,
				   struct bindox_account_spares *spares)
{
	bindox_account_spare_put(&proc->todo_by_sender,
				 bindox_uid_index(txn->sender_euid),
				 spares->by_sender);
	bindox_account_spare_put(&proc->oneway_by_domain,
				 txn->sender_domain->id, spares->by_domain);
}

/*
 * What bindox_proc_account_add() returns when an account the txn needs is
 * missing and there is no spare for it: prepare the spares, and try again.
 */
#define BINDOX_NEEDS_SPARES	1

/*
 * Count a txn in the queue's accounts: messages per sender uid
 * (bindox_max_queued_per_sender) and, for one-way messages, count and
 * bytes per sender domain (that domain's max_oneway and max_oneway_bytes).
 * With @force a message that was queued before comes back whatever the
 * limits; if memory fails it then stays uncounted, its accounts simply
 * lower. The queue's lock is held.
 */
static int bindox_proc_account_add(struct bindox_proc *proc,
				   struct bindox_txn *txn, bool force,
				   struct bindox_account_spares *spares)
{
	struct bindox_domain *d = txn->sender_domain;
	struct bindox_queue_account *by_sender, *by_domain = NULL;

	lockdep_assert_held(&proc->queue_lock);
	by_sender = bindox_account_get(&proc->todo_by_sender,
				       &proc->idle_by_sender,
				       bindox_uid_index(txn->sender_euid),
				       &spares->by_sender);
	if (!by_sender)
		return BINDOX_NEEDS_SPARES;
	if (!force && bindox_sender_over(by_sender->count + 1, 1))
		return -EAGAIN;
	if (txn->flags & BINDOX_TF_ONEWAY) {
		by_domain = bindox_account_get(&proc->oneway_by_domain,
					       &proc->idle_by_domain, d->id,
					       &spares->by_domain);
		if (!by_domain)
			return BINDOX_NEEDS_SPARES;
		if (!force &&
		    bindox_oneway_over(d, by_domain->count + 1,
				       by_domain->bytes + txn->data_size, 1))
			return -EAGAIN;
		bindox_account_add(by_domain, &proc->idle_by_domain,
				   txn->data_size);
	}
	bindox_account_add(by_sender, &proc->idle_by_sender, 0);
	txn->by_sender = by_sender;
	txn->by_domain = by_domain;
	return 0;
}

/*
 * Take a txn off the queue's accounts. Returns whether a share it lowered
 * fell to half of its limit (what a sender waiting for room waits for).
 * The queue's lock is held.
 */
static bool bindox_proc_account_sub(struct bindox_proc *proc,
				    struct bindox_txn *txn)
{
	struct bindox_queue_account *by_sender = txn->by_sender;
	struct bindox_queue_account *by_domain = txn->by_domain;
	struct bindox_domain *d = txn->sender_domain;
	bool halved = false;

	lockdep_assert_held(&proc->queue_lock);
	if (by_domain) {
		halved = bindox_oneway_over(d, by_domain->count,
					    by_domain->bytes, 2) &&
			 !bindox_oneway_over(d, by_domain->count - 1,
					     by_domain->bytes - txn->data_size,
					     2);
		bindox_account_sub(&proc->oneway_by_domain,
				   &proc->idle_by_domain, by_domain,
				   txn->data_size);
	}
	if (by_sender) {
		halved |= bindox_sender_over(by_sender->count, 2) &&
			  !bindox_sender_over(by_sender->count - 1, 2);
		bindox_account_sub(&proc->todo_by_sender,
				   &proc->idle_by_sender, by_sender, 0);
	}
	txn->by_sender = NULL;
	txn->by_domain = NULL;
	return halved;
}

/**
 * bindox_proc_close_queue() - a proc dies: empty its queue for good
 * @proc:	the proc; its lock is held
 * @txns:	gets the queued txns, with the queue's references
 *
 * Marks @proc dead under the queue's lock too, so that nothing is queued
 * after this, and frees its accounts. Queued deaths only leave the queue:
 * they stay with their handles, which free them.
 */
void bindox_proc_close_queue(struct bindox_proc *proc, struct list_head *txns)
{
	struct bindox_queue_account *a;
	struct bindox_work *work, *tmp;
	unsigned long i;

	lockdep_assert_held(&proc->lock);
	spin_lock(&proc->queue_lock);
	WRITE_ONCE(proc->dead, true);
	list_for_each_entry_safe(work, tmp, &proc->todo, entry) {
		struct bindox_txn *txn;

		if (work->type != BINDOX_WORK_TXN) {
			list_del_init(&work->entry);
			continue;
		}
		txn = container_of(work, struct bindox_txn, work);
		txn->by_sender = NULL;
		txn->by_domain = NULL;
		list_move_tail(&work->entry, txns);
	}
	WRITE_ONCE(proc->n_todo, 0);
	xa_for_each(&proc->todo_by_sender, i, a)
		bindox_account_free(&proc->todo_by_sender, i, a);
	xa_for_each(&proc->oneway_by_domain, i, a)
		bindox_account_free(&proc->oneway_by_domain, i, a);
	proc->idle_by_sender = 0;
	proc->idle_by_domain = 0;
	spin_unlock(&proc->queue_lock);
}

/*
 * Wake one sender waiting for room in @proc's queue, one that fits at half
 * (bindox_room_wake() passes over the others), if any waits.
 */
static void bindox_room_wake_one(struct bindox_proc *proc)
{
	if (wq_has_sleeper(&proc->room))
		__wake_up(&proc->room, TASK_INTERRUPTIBLE, 1, NULL);
}

/**
 * bindox_proc_queue_head() - the first message of a proc's queue
 * @proc:	the proc; its lock is held
 *
 * Only senders, which append, go without @proc's lock: the message stays
 * at the head until the caller, or another holder of that lock, takes it
 * off.
 *
 * Return: the message, or NULL if the queue is empty.
 */
struct bindox_work *bindox_proc_queue_head(struct bindox_proc *proc)
{
	struct bindox_work *work;

	lockdep_assert_held(&proc->lock);
	spin_lock(&proc->queue_lock);
	work = list_first_entry_or_null(&proc->todo, struct bindox_work,
					entry);
	spin_unlock(&proc->queue_lock);
	return work;
}

/**
 * bindox_proc_dequeue() - take a message off a proc's incoming queue
 * @proc:	the proc; its lock is held
 * @work:	the message; if it is on @proc->todo, the caller gets the
 *		queue's reference
 *
 * A message that left the queue is on no list, but for the txns a dying
 * proc moved to a list of its own: for a txn, @proc must be alive.
 *
 * Return: whether @work was on the queue (a death already delivered or
 * unlinked, or a txn a receiver took, is not).
 */
bool bindox_proc_dequeue(struct bindox_proc *proc, struct bindox_work *work)
{
	struct bindox_txn *txn = container_of(work, struct bindox_txn, work);
	unsigned int half = READ_ONCE(bindox_max_queued) / 2;
	bool halved;

	lockdep_assert_held(&proc->lock);
	spin_lock(&proc->queue_lock);
	if (list_empty(&work->entry)) {
		spin_unlock(&proc->queue_lock);
		return false;
	}
	list_del_init(&work->entry);
	halved = proc->n_todo > half && proc->n_todo - 1 <= half;
	WRITE_ONCE(proc->n_todo, proc->n_todo - 1);
	if (work->type == BINDOX_WORK_TXN)
		halved |= bindox_proc_account_sub(proc, txn);
	spin_unlock(&proc->queue_lock);
	/*
	 * A waiting sender needs every limit at half (see its wake): only a
	 * limit that just got there can have made one wakeable. Testing the
	 * waiters at every dequeue would cost the receiver a walk of them
	 * per message.
	 */
	if (halved)
		bindox_room_wake_one(proc);
	return true;
}

/**
 * bindox_proc_queue_death() - queue a death notification
 * @proc:	the subscriber; its lock is held, and it is alive
 * @work:	the notification's work, on no list
 *
 * No limit applies: a proc has at most one per handle. The caller wakes a
 * receiver.
 */
void bindox_proc_queue_death(struct bindox_proc *proc,
			     struct bindox_work *work)
{
	lockdep_assert_held(&proc->lock);
	spin_lock(&proc->queue_lock);
	list_add_tail(&work->entry, &proc->todo);
	WRITE_ONCE(proc->n_todo, proc->n_todo + 1);
	spin_unlock(&proc->queue_lock);
}

/**
 * bindox_proc_requeue() - put a message back at the head of the queue
 * @proc:	the proc; its lock is held, and it is alive
 * @work:	a message bindox_proc_dequeue() took, with its reference
 *
 * It was there before, so no limit applies; only the memory for its
 * accounts can fail, and then they are simply lower.
 */
void bindox_proc_requeue(struct bindox_proc *proc, struct bindox_work *work)
{
	struct bindox_txn *txn = container_of(work, struct bindox_txn, work);
	struct bindox_account_spares spares = {};
	bool counted = work->type == BINDOX_WORK_TXN;

	lockdep_assert_held(&proc->lock);
	if (counted)
		bindox_proc_prepare_accounts(proc, txn, &spares);
	spin_lock(&proc->queue_lock);
	list_add(&work->entry, &proc->todo);
	WRITE_ONCE(proc->n_todo, proc->n_todo + 1);
	if (counted)
		bindox_proc_account_add(proc, txn, true, &spares);
	spin_unlock(&proc->queue_lock);
	if (counted)
		bindox_proc_put_spares(proc, txn, &spares);
}

/*
 * bindox_proc_enqueue()'s work under the queue's lock: 0 when @txn is
 * queued, or why not (BINDOX_NEEDS_SPARES included).
 */
static int bindox_proc_queue_txn(struct bindox_proc *proc,
				 struct bindox_txn *txn,
				 struct bindox_account_spares *spares)
{
	int err;

	lockdep_assert_held(&proc->queue_lock);
	if (proc->dead)
		return -BINDOX_EDEADPEER;
	if (proc->n_todo >= READ_ONCE(bindox_max_queued))
		return -EAGAIN;
	err = bindox_proc_account_add(proc, txn, false, spares);
	if (err)
		return err;
	list_add_tail(&txn->work.entry, &proc->todo);
	WRITE_ONCE(proc->n_todo, proc->n_todo + 1);
	/* Under the lock the receiver takes it with: before its receive. */
	trace_bindox_send(txn->debug_id, txn->flags & BINDOX_TF_ONEWAY,
			  txn->handle, txn->data_size, txn->n_objs);
	return 0;
}

/*
 * How often a sender prepares spares and tries again: once is enough
 * unless other senders' accounts keep taking and freeing the reserved
 * slot, and memory without sleeping is short.
 */
#define BINDOX_ACCOUNT_TRIES	3

/**
 * bindox_proc_enqueue() - add a message to a proc's incoming queue
 * @proc:	the receiving proc
 * @txn:	the message; on success the queue owns the caller's reference
 * @sync:	whether the caller is about to sleep (a call, not a one-way)
 *
 * A one-way message of more bytes than the sender's domain may have queued
 * at one receiver in all could never be queued: it is refused before any
 * limit that room can lift, looked at again at each try, as the domain's
 * limit may be lowered while its sender waits for room (the room test then
 * lets that sender through to fail here).
 *
 * Takes the queue's lock, not @proc's: a receiver of @proc holds that
 * while it translates what it took.
 *
 * Return: 0; -EMSGSIZE for a message that could never fit;
 * BINDOX_EDEADPEER (negated) if the proc died; -EAGAIN if its queue is
 * full, or holds bindox_max_queued_per_sender messages from the sender's
 * uid, or (a one-way message) the sender domain's max_oneway messages or
 * max_oneway_bytes; -ENOMEM.
 */
int bindox_proc_enqueue(struct bindox_proc *proc, struct bindox_txn *txn,
			bool sync)
{
	struct bindox_account_spares spares = {};
	int tries = 0;
	int err;

	if ((txn->flags & BINDOX_TF_ONEWAY) &&
	    bindox_oneway_never_fits(txn->sender_domain, txn->data_size))
		return -EMSGSIZE;
	for (;;) {
		spin_lock(&proc->queue_lock);
		err = bindox_proc_queue_txn(proc, txn, &spares);
		spin_unlock(&proc->queue_lock);
		if (err != BINDOX_NEEDS_SPARES)
			break;
		err = -ENOMEM;
		if (++tries > BINDOX_ACCOUNT_TRIES ||
		    bindox_proc_prepare_accounts(proc, txn, &spares))
			break;
	}
	bindox_proc_put_spares(proc, txn, &spares);
	if (!err)
		bindox_proc_wake(proc, sync);
	return err;
}

/**
 * bindox_proc_fits() - whether the queue has room for what a sender adds
 * @proc:	the receiving proc
 * @sender:	the sending proc: its euid and domain are what is counted
 * @msgs:	one-way messages to add (1, or 0 to ask about the levels)
 * @bytes:	their data bytes
 * @part:	1: within the limits; 2: within half of each (see the wake)
 *
 * The limits bindox_proc_enqueue() checks, read without the lock: for a
 * sender waiting for room (bindox_proc_wait_room()), which then enqueues
 * under the lock and waits again if another sender took the room first.
 * A dead receiver or sender "has room": what it tries next fails for good;
 * so does a message that could never fit (bindox_proc_enqueue() refuses
 * it).
 */
static bool bindox_proc_fits(struct bindox_proc *proc,
			     struct bindox_proc *sender, unsigned long msgs,
			     unsigned long bytes, unsigned int part)
{
	struct bindox_domain *d = sender->domain;
	unsigned long count, queued_bytes;

	if (READ_ONCE(proc->dead) || READ_ONCE(sender->dead) ||
	    bindox_oneway_never_fits(d, bytes))
		return true;
	if (READ_ONCE(proc->n_todo) + msgs > READ_ONCE(bindox_max_queued) / part)
		return false;
	bindox_account_read(&proc->todo_by_sender,
			    bindox_uid_index(sender->cred->euid), &count,
			    &queued_bytes);
	if (bindox_sender_over(count + msgs, part))
		return false;
	bindox_account_read(&proc->oneway_by_domain, d->id, &count,
			    &queued_bytes);
	return !bindox_oneway_over(d, count + msgs, queued_bytes + bytes, part);
}

/* How often a sender waiting for room looks again unwoken: 10 ms. */
#define BINDOX_ROOM_RECHECK	msecs_to_jiffies(10)

/* A sender waiting on a proc's @room queue, and on which proc's. */
struct bindox_room_wait {
	struct wait_queue_entry entry;
	struct bindox_proc *proc;
	struct bindox_proc *sender;
};

/*
 * A dequeue wakes one waiting sender (exclusive waits), and only one for
 * which every limit is at half or below: a sender over another limit
 * (its uid's share, its domain's) is passed over, and a queue drained to
 * half lets the woken sender queue a batch before it waits again, where
 * waking it for every free slot costs the receiver a wakeup per message
 * (four 64 B senders, in the VM: 32,000-51,000 messages a second against
 * 80,000-85,000). A woken sender that lost the room waits again.
 */
static int bindox_room_wake(struct wait_queue_entry *wq_entry,
			    unsigned int mode, int sync, void *key)
{
	struct bindox_room_wait *w = container_of(wq_entry,
						  struct bindox_room_wait,
						  entry);

	if (!bindox_proc_fits(w->proc, w->sender, 0, 0, 2))
		return 0;
	return woken_wake_function(wq_entry, mode, sync, key);
}

/**
 * bindox_proc_wait_room() - sleep until a one-way message would fit
 * @proc:	the receiving proc
 * @sender:	the sending proc
 * @size:	the message's data bytes
 *
 * As a blocking write() on a full socket: until a receiver takes a
 * message that leaves room for this one, or @proc or @sender dies.
 *
 * Return: 0 when there may be room, -ERESTARTSYS on a signal (nothing was
 * sent: the ioctl restarts, or fails with EINTR when a handler runs
 * without SA_RESTART).
 */
int bindox_proc_wait_room(struct bindox_proc *proc, struct bindox_proc *sender,
			  u32 size)
{
	struct bindox_room_wait w = {
		.entry = {
			.private = current,
			.func = bindox_room_wake,
		},
		.proc = proc,
		.sender = sender,
	};
	int err = 0;

	INIT_LIST_HEAD(&w.entry.entry);
	add_wait_queue_exclusive(&proc->room, &w.entry);
	while (!bindox_proc_fits(proc, sender, 1, size, 1)) {
		if (signal_pending(current)) {
			err = -ERESTARTSYS;
			break;
		}
		/*
		 * Others may keep the queue above half without waiting (they
		 * retry EAGAIN), or a message of more than half the byte
		 * limit may not fit at half yet: look again now and then, so
		 * that a sender that fits is never passed over for long.
		 */
		wait_woken(&w.entry, TASK_INTERRUPTIBLE, BINDOX_ROOM_RECHECK);
	}
	remove_wait_queue(&proc->room, &w.entry);
	/*
	 * Pass the wake on to the next sender that fits at half: a dequeue
	 * wakes one when a level falls to half, and a receiver faster than
	 * that one sender drains the queue without falling to half again,
	 * while the others sleep until they look again.
	 */
	if (!err)
		bindox_room_wake_one(proc);
	return err;
}

/* What bindox_proc_wake() passes to the receivers' wake function. */
struct bindox_wake_key {
	int cpu;		/* only a receiver that last ran here; or -1 */
	bool woken;		/* set when one was woken */
};

/* A receiver waiting on a proc's @receivers queue. */
struct bindox_receiver_wait {
	struct wait_queue_entry entry;
	struct bindox_proc *proc;
	bool woken;		/* counted in proc->receivers_woken */
};

static int bindox_receiver_wake(struct wait_queue_entry *wq_entry,
				unsigned int mode, int sync, void *key)
{
	struct bindox_receiver_wait *w = container_of(wq_entry,
						      struct bindox_receiver_wait,
						      entry);
	struct bindox_wake_key *k = key;
	struct task_struct *task = wq_entry->private;
	int ret;

	if (k->cpu >= 0 && task_cpu(task) != k->cpu)
		return 0;
	ret = woken_wake_function(wq_entry, mode, sync, NULL);
	if (ret) {
		k->woken = true;
		if (!xchg(&w->woken, true))
			atomic_inc(&w->proc->receivers_woken);
	}
	return ret;
}

/*
 * The receiver runs: it no longer counts as one on its way. Its next look
 * at the queue comes after that (the barrier pairs with the one in
 * bindox_proc_wake()): a sender either sees it no longer counted and
 * wakes another receiver, or its message is seen by this one.
 */
static void bindox_receiver_running(struct bindox_receiver_wait *w)
{
	if (xchg(&w->woken, false)) {
		atomic_dec(&w->proc->receivers_woken);
		/* Pairs with bindox_proc_wake()'s: count, then queue. */
		smp_mb__after_atomic();
	}
}

/**
 * bindox_proc_wake() - tell one receiver and every poller of new work
 * @proc:	the proc
 * @sync:	whether the caller is about to sleep (it sent a call)
 *
 * A caller that will sleep wakes, if it can, a receiver that last ran on
 * its own CPU: the receiver runs there, answers, and the caller wakes up
 * there too, instead of a pool's threads moving between CPUs with every
 * call.
 *
 * No receiver is woken while as many as there are queued messages are
 * woken already and not yet running: each takes one when it runs. Waking
 * one per message instead, a pool of receivers faster than its one-way
 * senders went to sleep and woke up for every message (8 clients of 64 B
 * one-way messages in the VM: 47,000-63,000 a second against
 * 64,000-83,000).
 */
void bindox_proc_wake(struct bindox_proc *proc, bool sync)
{
	struct bindox_wake_key k = { .cpu = -1 };

	/* Pairs with bindox_receiver_running()'s: queue, then count. */
	smp_mb();
	if (atomic_read(&proc->receivers_woken) >= READ_ONCE(proc->n_todo)) {
		k.woken = true;
	} else if (sync) {
		/* A hint: that the caller may move at once does no harm. */
		k.cpu = raw_smp_processor_id();
		__wake_up_sync_key(&proc->receivers, TASK_INTERRUPTIBLE, &k);
		k.cpu = -1;
	}
	if (!k.woken)
		__wake_up(&proc->receivers, TASK_INTERRUPTIBLE, 1, &k);
	if (wq_has_sleeper(&proc->wait))
		wake_up_interruptible_poll(&proc->wait, EPOLLIN | EPOLLRDNORM);
}

/* The proc died: every receiver and poller learns it. */
void bindox_proc_wake_all(struct bindox_proc *proc)
{
	struct bindox_wake_key k = { .cpu = -1 };

	__wake_up(&proc->receivers, TASK_INTERRUPTIBLE, 0, &k);
	wake_up_all(&proc->wait);
	wake_up_all(&proc->room);
}

/**
 * bindox_proc_wait() - sleep until the queue has something
 * @proc:	the proc
 * @timeout:	jiffies left (MAX_SCHEDULE_TIMEOUT: forever), updated
 *
 * Receivers wait exclusively on @proc->receivers: one message wakes one
 * thread (bindox_proc_wake() says which).
 *
 * Return: 0 when there may be work, -ETIMEDOUT, -EINTR on a signal, or
 * -ENODEV once the proc was killed (its domain removed by force).
 */
int bindox_proc_wait(struct bindox_proc *proc, long *timeout)
{
	struct bindox_receiver_wait w = {
		.entry = {
			.private = current,
			.func = bindox_receiver_wake,
		},
		.proc = proc,
	};
	struct bindox_busy_poll_wait poll;
	bool slept = false, answered;
	int err = 0;

	bindox_busy_poll_start(&poll, *timeout ? &proc->receive_poll : NULL);
	while (!READ_ONCE(proc->n_todo) && !READ_ONCE(proc->dead) &&
	       bindox_busy_poll_more(&poll))
		cpu_relax();
	answered = READ_ONCE(proc->n_todo);
	bindox_busy_poll_stop(&poll, answered);
	trace_bindox_receive_poll(&poll, answered);
	INIT_LIST_HEAD(&w.entry.entry);
	add_wait_queue_exclusive(&proc->receivers, &w.entry);
	while (!READ_ONCE(proc->n_todo)) {
		if (READ_ONCE(proc->dead)) {
			err = -ENODEV;
			break;
		}
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
		if (!*timeout) {
			err = -ETIMEDOUT;
			break;
		}
		*timeout = wait_woken(&w.entry, TASK_INTERRUPTIBLE, *timeout);
		bindox_receiver_running(&w);
		slept = true;
	}
	remove_wait_queue(&proc->receivers, &w.entry);
	bindox_receiver_running(&w);
	if (slept)
		bindox_busy_poll_learn(&poll);
	return err;
}
