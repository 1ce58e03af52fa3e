/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_BUSY_POLL_H
#define __BINDOX_BUSY_POLL_H

/**
 * DOC: Busy polling
 *
 * A thread that waits for a call's reply, or for a message to receive,
 * may poll for up to bindox_busy_poll_ns (module parameter busy_poll_ns)
 * before it sleeps, like a socket's SO_BUSY_POLL: when the other side runs
 * on another CPU and answers within that time, neither side sleeps nor
 * waits to be woken, at the price of the CPU time polled. The default, 0,
 * never polls. A thread polls only while it is the only task that could
 * run on its CPU, and stops as soon as another is (need_resched(),
 * single_task_running()), a signal is pending or the time is up; the wait
 * that follows is the usual one, so a poll changes when a thread sleeps,
 * never what it receives.
 */

#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>

#define BINDOX_BUSY_POLL_MAX_NS	1000000U

extern unsigned int bindox_busy_poll_ns;

/* When a poll that starts now ends; 0: do not poll. */
static inline u64 bindox_busy_poll_end(void)
{
	unsigned int ns = READ_ONCE(bindox_busy_poll_ns);

	return ns ? local_clock() + ns : 0;
}

/*
 * Whether a poll ending at @end may go on (the caller cpu_relax()es). Not
 * while another task could run on this CPU: the one polled for may be it
 * (a caller and its server on one CPU, after a sync wakeup that does not
 * preempt), and it would wait for the whole poll.
 */
static inline bool bindox_busy_poll_more(u64 end)
{
	return end && !need_resched() && single_task_running() &&
	       !signal_pending(current) && local_clock() < end;
}

#endif /* __BINDOX_BUSY_POLL_H */
