// SPDX-License-Identifier: GPL-2.0
/*
 * Parked calls: which signals let a call restart, and the proc's table of
 * the calls that wait for their restart (see park.h).
 */
#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include "park.h"
#include "proc.h"
#include "stats.h"

/**
 * bindox_signal_effect() - what the signals pending for current will do
 *
 * Looks at the pending, unblocked signals and their actions, as
 * get_signal() will when the ioctl returns: a handler, or a default action
 * that kills, ends a call; an ignored signal, a stop or a continue does not.
 * A task that is being frozen or has task work to run has no such signal
 * and restarts too. The kernel has no exported helper for this; the
 * fields read are the ones get_signal() reads, under the same lock.
 *
 * Return: enum bindox_signal_effect.
 */
enum bindox_signal_effect bindox_signal_effect(void)
{
	struct task_struct *task = current;
	/* Only an exec() replaces it, once every other thread is gone. */
	struct sighand_struct *sighand =
		rcu_dereference_protected(task->sighand, true);
	enum bindox_signal_effect effect = BINDOX_SIGNAL_RESTARTS;
	sigset_t pending;
	int sig;

	if (!signal_pending(task))
		return BINDOX_SIGNAL_GONE;
	if (fatal_signal_pending(task))
		return BINDOX_SIGNAL_ENDS;
	spin_lock_irq(&sighand->siglock);
	sigorsets(&pending, &task->pending.signal,
		  &task->signal->shared_pending.signal);
	sigandnsets(&pending, &pending, &task->blocked);
	for (sig = 1; sig <= _NSIG; sig++) {
		__sighandler_t handler;

		if (!sigismember(&pending, sig))
			continue;
		handler = sighand->action[sig - 1].sa.sa_handler;
		if (handler == SIG_IGN)
			continue;
		if (handler == SIG_DFL &&
		    (sig_kernel_ignore(sig) || sig_kernel_stop(sig)))
			continue;
		effect = BINDOX_SIGNAL_ENDS;
		break;
	}
	spin_unlock_irq(&sighand->siglock);
	return effect;
}

/* Tokens are never 0: 0 in a call's reply id asks for a new call. */
static atomic64_t bindox_park_tokens = ATOMIC64_INIT(0);

/**
 * bindox_park_new() - a park for a call that waited until now
 * @wait:	the call's wait, as the caller kept it
 *
 * Calls keep their wait on the stack; only an interrupted one is copied.
 *
 * Return: the park, with a fresh token, or NULL without memory.
 */
struct bindox_park *bindox_park_new(const struct bindox_park *wait)
{
	struct bindox_park *park = kmemdup(wait, sizeof(*wait),
					   GFP_KERNEL_ACCOUNT);

	if (!park)
		return NULL;
	park->token = atomic64_inc_return(&bindox_park_tokens);
	bindox_stat_inc(BINDOX_STAT_PARKS);
	return park;
}

/**
 * bindox_park_free() - free a park whose call was dealt with
 * @park:	the park, taken from its proc's table or never stored
 */
void bindox_park_free(struct bindox_park *park)
{
	kfree(park);
	bindox_stat_dec(BINDOX_STAT_PARKS);
}

/**
 * bindox_park_store() - park a call under the current thread's id
 * @proc:	the caller's proc
 * @park:	the park, filled in
 * @stale:	set to the thread's earlier park, which nobody resumed, or NULL
 *
 * Return: 0, or -ENOMEM.
 */
int bindox_park_store(struct bindox_proc *proc, struct bindox_park *park,
		      struct bindox_park **stale)
{
	void *old = xa_store(&proc->parked, task_pid_nr(current), park,
			     GFP_KERNEL_ACCOUNT);

	*stale = NULL;
	if (xa_is_err(old))
		return xa_err(old);
	*stale = old;
	return 0;
}

/**
 * bindox_park_take() - take the current thread's park, if it has one
 * @proc:	the proc the thread calls on
 *
 * Return: the park, now the caller's, or NULL.
 */
struct bindox_park *bindox_park_take(struct bindox_proc *proc)
{
	/* Most calls: nothing parked, no lock. */
	if (xa_empty(&proc->parked))
		return NULL;
	return xa_erase(&proc->parked, task_pid_nr(current));
}

/**
 * bindox_park_take_any() - take any park of a proc whose file is released
 * @proc:	the proc
 *
 * Return: a park, now the caller's, or NULL when none is left.
 */
struct bindox_park *bindox_park_take_any(struct bindox_proc *proc)
{
	unsigned long tid = 0;
	struct bindox_park *park;

	park = xa_find(&proc->parked, &tid, ULONG_MAX, XA_PRESENT);
	if (park)
		park = xa_erase(&proc->parked, tid);
	return park;
}
